/**
 * A strict multipart/form-data reader (RFC 7578) for the console's one form with a file (a
 * manual record and its evidence). Strict on purpose: only the fields the caller names, each
 * once; at most the file fields it names, one file each; no preamble, a closing delimiter, UTF-8
 * text, part headers of bounded size; the whole body size-limited while it arrives (nothing past
 * the limit is buffered). Anything else is refused with what was wrong and what is expected.
 */
import type { IncomingMessage } from "node:http";

export class MultipartError extends Error {
  /** 413 when the body is too large, else 400. */
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = "MultipartError";
  }
}

export interface UploadedFile {
  field: string;
  /** The browser's file name, without any directory part; a label only, never a path. */
  fileName: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export interface MultipartLimits {
  /** The whole body. */
  maxBytes: number;
  /** One file part's content. */
  maxFileBytes: number;
  /** One text field's content, in bytes. */
  maxFieldBytes: number;
  /** The text fields accepted. */
  fields: readonly string[];
  /** The file fields accepted (one file each). */
  fileFields: readonly string[];
}

const MAX_PART_HEADER_BYTES = 2048;
/** RFC 2046 §5.1.1: 1–70 of these, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]$/;
const CRLF = Buffer.from("\r\n");

/** The boundary of a multipart/form-data content type; refuses any other type. */
export function boundaryOf(contentType: string | undefined): string {
  const [type = "", ...params] = (contentType ?? "").split(";");
  if (type.trim().toLowerCase() !== "multipart/form-data")
    throw new MultipartError(`expected multipart/form-data, got "${type.trim()}"`);
  for (const param of params) {
    const at = param.indexOf("=");
    if (at < 0 || param.slice(0, at).trim().toLowerCase() !== "boundary") continue;
    let value = param.slice(at + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!BOUNDARY.test(value))
      throw new MultipartError(
        `content-type boundary "${value.slice(0, 80)}" is not a valid boundary (1–70 letters, digits or '()+_,-./:=? )`,
      );
    return value;
  }
  throw new MultipartError("content-type multipart/form-data without a boundary parameter");
}

/**
 * The request body, refused (413) as soon as it passes maxBytes. Events rather than for-await:
 * leaving a for-await loop destroys the request and its socket, and the browser would see a reset
 * instead of the 413 page; here the rest is read and dropped, never buffered.
 */
export function readBytes(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      request.off("end", onEnd);
      chunks.length = 0;
      request.resume();
      reject(new MultipartError(`the form is larger than ${maxBytes} bytes`, 413));
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", reject);
  });
}

export async function readMultipart(
  request: IncomingMessage,
  limits: MultipartLimits,
): Promise<MultipartForm> {
  const boundary = boundaryOf(request.headers["content-type"]);
  return parseMultipart(await readBytes(request, limits.maxBytes), boundary, limits);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function text(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MultipartError(`${what} is not UTF-8 text`);
  }
}

/** Content-Disposition: form-data; name="…"; filename="…" (HTML's escapes %22 %0D %0A undone). */
function dispositionOf(value: string): { name: string; fileName?: string } {
  const [kind = "", ...rest] = value.split(";");
  if (kind.trim().toLowerCase() !== "form-data")
    throw new MultipartError(`a part's Content-Disposition is "${kind.trim()}", expected form-data`);
  const params = new Map<string, string>();
  const re = /^\s*([A-Za-z*]+)="((?:[^"\\]|\\.)*)"\s*$/;
  for (const param of rest.join(";").match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const m = re.exec(param);
    if (m === null)
      throw new MultipartError(`a part's Content-Disposition parameter "${param.trim()}" is malformed`);
    params.set((m[1] as string).toLowerCase(), (m[2] as string).replace(/\\(.)/g, "$1"));
  }
  const name = params.get("name");
  if (name === undefined || name === "") throw new MultipartError("a part has no name");
  const fileName = params.get("filename");
  const unescape = (s: string) => s.replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
  return fileName === undefined ? { name } : { name, fileName: unescape(fileName) };
}

/** A file name as a label: the last path segment, control characters dropped, at most 200 characters. */
export function labelOfFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = Array.from(base.replace(/[\u0000-\u001f\u007f]/g, "").trim())
    .slice(0, 200)
    .join("");
  return clean === "" || clean === "." || clean === ".." ? "evidence" : clean;
}

export function parseMultipart(body: Buffer, boundary: string, limits: MultipartLimits): MultipartForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  if (!body.subarray(0, delimiter.length).equals(delimiter))
    throw new MultipartError("the body does not start with the boundary (a preamble or the wrong boundary)");
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const files: UploadedFile[] = [];
  const seen = new Set<string>();
  let at = delimiter.length;
  for (;;) {
    const after = body.subarray(at, at + 2).toString("latin1");
    if (after === "--") {
      const epilogue = body.subarray(at + 2);
      if (epilogue.length > 0 && !epilogue.equals(CRLF))
        throw new MultipartError("data after the closing boundary");
      return { fields, files };
    }
    if (after !== "\r\n") throw new MultipartError("a boundary is not followed by a line end");
    at += 2;
    const headerEnd = body.indexOf("\r\n\r\n", at, "latin1");
    if (headerEnd < 0 || headerEnd - at > MAX_PART_HEADER_BYTES)
      throw new MultipartError(
        `a part's headers are unterminated or longer than ${MAX_PART_HEADER_BYTES} bytes`,
      );
    const headers = new Map<string, string>();
    for (const line of text(body.subarray(at, headerEnd), "a part header").split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new MultipartError(`a part header line "${line.slice(0, 80)}" is malformed`);
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const contentStart = headerEnd + 4;
    const contentEnd = body.indexOf(between, contentStart);
    if (contentEnd < 0) throw new MultipartError("a part is not closed by the boundary (truncated body?)");
    const content = body.subarray(contentStart, contentEnd);
    at = contentEnd + between.length;

    const disposition = headers.get("content-disposition");
    if (disposition === undefined) throw new MultipartError("a part has no Content-Disposition");
    const { name, fileName } = dispositionOf(disposition);
    if (seen.has(name)) throw new MultipartError(`field "${name}" is sent twice`);
    seen.add(name);
    if (limits.fileFields.includes(name)) {
      if (fileName === undefined) throw new MultipartError(`field "${name}" must be a file`);
      // A browser sends an empty, nameless file part when no file was chosen: no file.
      if (fileName === "" && content.length === 0) continue;
      if (content.length > limits.maxFileBytes)
        throw new MultipartError(
          `file "${labelOfFileName(fileName)}" is ${content.length} bytes; at most ${limits.maxFileBytes} are accepted`,
          413,
        );
      files.push({
        field: name,
        fileName: labelOfFileName(fileName),
        contentType: (headers.get("content-type") ?? "application/octet-stream").slice(0, 100),
        data: Buffer.from(content),
      });
    } else if (limits.fields.includes(name)) {
      if (fileName !== undefined) throw new MultipartError(`field "${name}" must be text, not a file`);
      if (content.length > limits.maxFieldBytes)
        throw new MultipartError(`field "${name}" is longer than ${limits.maxFieldBytes} bytes`);
      fields[name] = text(content, `field "${name}"`);
    } else {
      throw new MultipartError(
        `unexpected field "${name.slice(0, 60)}"; this form takes ${[...limits.fields, ...limits.fileFields].join(", ")}`,
      );
    }
  }
}
