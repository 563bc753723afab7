/**
 * Lone UTF-16 surrogates: a JSON string can hold one ("\ud800"), a JS string carries it, and SQLite
 * stores it as bytes that are not UTF-8 (ED A0 80), which every later reader of the database, the
 * reports and the exports chokes on. Input that reaches the store is checked (or mended) here.
 * (String.prototype.isWellFormed is Node 20's, but not in this project's TypeScript lib.)
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Each lone surrogate replaced by U+FFFD, as a UTF-8 decoder would have. */
export function toWellFormedText(text: string): string {
  return text.replace(LONE_SURROGATES, "\uFFFD");
}
