/**
 * A helpdesk export's bytes → text. Excel on Chinese Windows saves "CSV" in GBK (code page 936);
 * "CSV UTF-8" starts with a byte-order mark; a web export is usually plain UTF-8. In auto mode: a
 * UTF-8 BOM or bytes that are valid UTF-8 → UTF-8; otherwise GBK, read as GB18030 (its superset,
 * which Node's full ICU decodes). Nothing is ever decoded with replacement characters: bytes that
 * fit neither, UTF-16 and binary files are errors that say what the file seems to be.
 */

export type TextEncoding = "utf-8" | "gbk";
export type EncodingChoice = "auto" | TextEncoding;

export interface DecodedText {
  text: string;
  /** The encoding used. */
  encoding: TextEncoding;
  /** True when a UTF-8 byte-order mark was removed. */
  bom: boolean;
}

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecodeError";
  }
}

/** The 1-based line of a byte offset (counting LF bytes, which mean LF in UTF-8 and GBK alike). */
export function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The offset of the first byte that makes the UTF-8 invalid (the start of the bad sequence). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

function tryDecode(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Control characters that never appear in a text export (tab, LF, CR and form feed do). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const BINARY = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

function checkText(text: string, encoding: TextEncoding): void {
  const m = BINARY.exec(text);
  if (m !== null) {
    const line = text.slice(0, m.index).split("\n").length;
    throw new DecodeError(
      `not a text file: control character U+${(m[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")} on line ${line} (read as ${encoding}); is it an .xlsx or another binary file? Save it as CSV`,
    );
  }
}

/** Decodes `bytes`; throws DecodeError naming the problem (and its line where there is one). */
export function decodeText(bytes: Uint8Array, choice: EncodingChoice = "auto"): DecodedText {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new DecodeError(
      'UTF-16 text (Excel\'s "Unicode text"), which is not supported: save the file as "CSV UTF-8" or "CSV"',
    );
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw new DecodeError("a ZIP file (an .xlsx workbook?), not CSV text: save it as CSV");
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (bom || choice !== "gbk") {
    const body = bom ? bytes.subarray(3) : bytes;
    const text = tryDecode("utf-8", body);
    if (text !== undefined) {
      checkText(text, "utf-8");
      return { text, encoding: "utf-8", bom };
    }
    if (bom || choice === "utf-8") {
      const offset = firstInvalidUtf8(body) + (bom ? 3 : 0);
      throw new DecodeError(
        `not valid UTF-8: byte 0x${(bytes[offset] as number).toString(16).padStart(2, "0")} at offset ${offset} on line ${lineAt(bytes, offset)}${bom ? "" : " (a GBK export? set encoding: gbk or auto)"}`,
      );
    }
  }
  const text = tryDecode("gb18030", bytes);
  if (text === undefined) {
    throw new DecodeError(
      choice === "gbk"
        ? "not valid GBK text: is it a binary file, or another encoding?"
        : "neither UTF-8 nor GBK text: is it a binary file, or another encoding?",
    );
  }
  checkText(text, "gbk");
  return { text, encoding: "gbk", bom: false };
}
