/**
 * Escaping of strings from the outside world (VM names, reasons, notes, titles) for each output
 * format. Every renderer passes every such string through one of these; labels and figures the
 * agent writes itself pass too, so nothing is printed unescaped by accident.
 */

/**
 * Control characters other than tab/newline, lone surrogates and the non-characters U+FFFE/U+FFFF:
 * dropped from every format (they mean nothing in a report, and XML 1.0 forbids most of them, so
 * one in a VM name would make the DOCX unreadable).
 */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text for a DOCX run (the docx package escapes & < > itself): characters XML cannot carry go, line breaks become spaces. */
export function plainText(text: string): string {
  return text.replace(CONTROL, "").replace(/\s*(?:\r\n|\r|\n|\u2028|\u2029)\s*/g, " ");
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text or attribute value for HTML, SVG and XML: & < > " ' become entities; control characters go. */
export function escapeHtml(text: string): string {
  return text.replace(CONTROL, "").replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Text for Markdown, safe in a paragraph and in a GFM table cell: line breaks become spaces (a
 * newline would end the row), and every character that could start markup is backslash-escaped
 * (CommonMark allows a backslash before any ASCII punctuation): | ends a cell, \ escapes, * _ ~ `
 * emphasise or open code, [ ] ( ) ! make links and images, < > open HTML or autolinks, # a heading,
 * & an entity. Leading and trailing spaces go (four would start a code block). The result
 * renders as the original text.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL, "")
    .replace(/\s*(?:\r\n|\r|\n|\u2028|\u2029)\s*/g, " ")
    .trim()
    .replace(/[\\|*_~`[\]()!<>#&{}]/g, (c) => `\\${c}`);
}

/** escapeMarkdown for text that starts a paragraph: a leading - + = or "1." would make a list or a heading. */
export function escapeMarkdownBlock(text: string): string {
  return escapeMarkdown(text)
    .replace(/^[-+=]/, (c) => `\\${c}`)
    .replace(/^(\d+)\./, "$1\\.");
}
