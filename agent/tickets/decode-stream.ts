/**
 * decode.ts's rules for a file read in chunks, never held whole: the encoding is decided by reading
 * the file through once (UTF-8 first, then GBK in auto mode), with the same checks and messages
 * (UTF-16, ZIP, BOM, the first bad byte's offset and line, control characters); the text is then
 * given piece by piece on a second read. Each read keeps one chunk and the one before it.
 */
import { BINARY, DecodeError, firstInvalidUtf8, type EncodingChoice, type TextEncoding } from "./decode.js";

/** Opens the file again from its start, as chunks (fs.createReadStream). */
export type ChunkSource = () => AsyncIterable<Uint8Array>;

export interface StreamEncoding {
  encoding: TextEncoding;
  /** True when the file starts with a UTF-8 byte-order mark (skipped when decoding). */
  bom: boolean;
}

const countLf = (bytes: Uint8Array): number => {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
};

/** The first four bytes of the file (fewer when it is shorter). */
async function head(open: ChunkSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of open()) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= 4) break;
  }
  return Buffer.concat(parts).subarray(0, 4);
}

type Pass =
  | { ok: true; control?: { char: string; line: number } }
  | { ok: false; offset: number; line: number; byte: number | undefined };

/**
 * Decodes the whole file with `label` (fatal), keeping nothing but the first control character
 * and, when the bytes do not fit, where: the first bad byte by decode.ts's firstInvalidUtf8 over
 * the failing chunk and the one before it (for GBK the start of the failing chunk is enough: its
 * message names no offset).
 */
async function pass(open: ChunkSource, label: string, skip: number): Promise<Pass> {
  const decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  let control: { char: string; line: number } | undefined;
  let textLines = 1;
  let offset = 0;
  let previous: Uint8Array = new Uint8Array(0);
  /** LF bytes before `previous`. */
  let lfBefore = 0;
  const locate = (current: Uint8Array): Pass => {
    // `previous` may start inside a character that began in the chunk before it (at most three
    // continuation bytes): skip those, they were decoded already.
    let start = 0;
    while (start < 3 && start < previous.length && ((previous[start] as number) & 0xc0) === 0x80) start++;
    const window = Buffer.concat([previous.subarray(start), current]);
    const windowStart = offset - previous.length + start;
    const found = firstInvalidUtf8(window);
    const at = found < window.length ? found : previous.length - start;
    const lfs = countLf(previous.subarray(0, start)) + countLf(window.subarray(0, at));
    return { ok: false, offset: windowStart + at, line: lfBefore + lfs + 1, byte: window[at] };
  };
  const look = (text: string): void => {
    if (control === undefined) {
      const m = BINARY.exec(text);
      if (m !== null)
        control = { char: m[0], line: textLines + text.slice(0, m.index).split("\n").length - 1 };
    }
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) textLines++;
  };
  let skipped = 0;
  for await (const raw of open()) {
    let chunk = raw;
    if (skipped < skip) {
      const drop = Math.min(skip - skipped, chunk.length);
      skipped += drop;
      offset += drop;
      chunk = chunk.subarray(drop);
    }
    try {
      look(decoder.decode(chunk, { stream: true }));
    } catch {
      return locate(chunk);
    }
    lfBefore += countLf(previous);
    previous = chunk;
    offset += chunk.length;
  }
  try {
    look(decoder.decode());
  } catch {
    return locate(new Uint8Array(0));
  }
  return control === undefined ? { ok: true } : { ok: true, control };
}

function controlError(control: { char: string; line: number }, encoding: TextEncoding): DecodeError {
  return new DecodeError(
    `not a text file: control character U+${(control.char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")} on line ${control.line} (read as ${encoding}); is it an .xlsx or another binary file? Save it as CSV`,
  );
}

/** Decides the file's encoding as decodeText would; throws DecodeError. */
export async function detectEncoding(
  open: ChunkSource,
  choice: EncodingChoice = "auto",
): Promise<StreamEncoding> {
  const first = await head(open);
  if ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff)) {
    throw new DecodeError(
      'UTF-16 text (Excel\'s "Unicode text"), which is not supported: save the file as "CSV UTF-8" or "CSV"',
    );
  }
  if (first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04) {
    throw new DecodeError("a ZIP file (an .xlsx workbook?), not CSV text: save it as CSV");
  }
  const bom = first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf;
  if (bom || choice !== "gbk") {
    const utf8 = await pass(open, "utf-8", bom ? 3 : 0);
    if (utf8.ok) {
      if (utf8.control !== undefined) throw controlError(utf8.control, "utf-8");
      return { encoding: "utf-8", bom };
    }
    if (bom || choice === "utf-8") {
      throw new DecodeError(
        `not valid UTF-8: byte 0x${(utf8.byte ?? 0).toString(16).padStart(2, "0")} at offset ${utf8.offset} on line ${utf8.line}${bom ? "" : " (a GBK export? set encoding: gbk or auto)"}`,
      );
    }
  }
  const gbk = await pass(open, "gb18030", 0);
  if (!gbk.ok) {
    throw new DecodeError(
      choice === "gbk"
        ? "not valid GBK text: is it a binary file, or another encoding?"
        : "neither UTF-8 nor GBK text: is it a binary file, or another encoding?",
    );
  }
  if (gbk.control !== undefined) throw controlError(gbk.control, "gbk");
  return { encoding: "gbk", bom: false };
}

/** The file's text, piece by piece, in the encoding detectEncoding decided. */
export async function* decodeChunks(open: ChunkSource, how: StreamEncoding): AsyncIterable<string> {
  const decoder = new TextDecoder(how.encoding === "gbk" ? "gb18030" : "utf-8", {
    fatal: true,
    ignoreBOM: true,
  });
  let skip = how.bom ? 3 : 0;
  try {
    for await (const raw of open()) {
      const chunk = skip > 0 ? raw.subarray(Math.min(skip, raw.length)) : raw;
      skip -= raw.length - chunk.length;
      const text = decoder.decode(chunk, { stream: true });
      if (text !== "") yield text;
    }
    const rest = decoder.decode();
    if (rest !== "") yield rest;
  } catch (error) {
    if (error instanceof TypeError)
      throw new DecodeError("the file changed while it was read (it no longer decodes); import it again");
    throw error;
  }
}
