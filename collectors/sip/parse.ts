/**
 * Parses SIP responses (RFC 3261 §7.2, §20) just far enough to judge a probe: the status line,
 * the headers (compact forms folded to full names, lower case) and the body length. Also frames
 * a TCP byte stream into messages by Content-Length (RFC 3261 §18.3).
 */

export interface SipResponse {
  status: number;
  reason: string;
  /** Header values by lower-case full name ("call-id", "cseq", …), in order of appearance. */
  headers: ReadonlyMap<string, readonly string[]>;
}

export type ParseResult =
  | {
      kind: "response";
      response: SipResponse;
      /** Bytes this message took (headers + body). */ length: number;
    }
  /** Not all of the message is there yet (TCP: wait for more; UDP: the datagram was truncated). */
  | { kind: "incomplete"; detail: string }
  | { kind: "malformed"; detail: string };

/** RFC 3261 §7.3.3 compact header names. */
const COMPACT: Readonly<Record<string, string>> = {
  i: "call-id",
  l: "content-length",
  v: "via",
  f: "from",
  t: "to",
  m: "contact",
  c: "content-type",
  k: "supported",
  s: "subject",
  e: "content-encoding",
};

/** Longest header section accepted before the message is called malformed. */
export const MAX_HEADER_BYTES = 16 * 1024;

const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/;

/** Shortens what the peer sent for a detail line: printable ASCII only, at most 60 characters. */
export function preview(bytes: Buffer | string): string {
  const text = (typeof bytes === "string" ? bytes : bytes.toString("latin1")).split(/\r?\n/)[0] ?? "";
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return JSON.stringify(clean.length > 60 ? `${clean.slice(0, 60)}…` : clean);
}

/**
 * Parses the message at the start of `data`. Leading CRLFs (keep-alives, RFC 5626) are skipped
 * and counted in `length`.
 */
export function parseResponse(data: Buffer): ParseResult {
  let start = 0;
  while (start + 1 < data.length && data[start] === 0x0d && data[start + 1] === 0x0a) start += 2;
  const body = data.subarray(start);
  const firstLineEnd = body.indexOf("\r\n");
  const firstLine = body.subarray(0, firstLineEnd === -1 ? Math.min(body.length, 64) : firstLineEnd);
  const firstText = firstLine.toString("latin1");
  // Judge the first line as soon as it can be judged: a non-SIP peer fails fast.
  if (firstLineEnd === -1) {
    const head = firstText.slice(0, 8);
    if (!"SIP/2.0 ".startsWith(head))
      return { kind: "malformed", detail: `not a SIP response: ${preview(firstText)}` };
  } else if (!STATUS_LINE.test(firstText)) {
    const request = /^[A-Z]+ \S+ SIP\/2\.0$/.test(firstText);
    return {
      kind: "malformed",
      detail: `${request ? "a SIP request, not a response" : "not a SIP response"}: ${preview(firstText)}`,
    };
  }
  const headerEnd = body.indexOf("\r\n\r\n");
  if (headerEnd === -1) {
    if (body.length > MAX_HEADER_BYTES) {
      return { kind: "malformed", detail: `no end of headers within ${MAX_HEADER_BYTES} bytes` };
    }
    return { kind: "incomplete", detail: `truncated response (${body.length} bytes, no end of headers)` };
  }
  const lines = body.subarray(0, headerEnd).toString("utf8").split("\r\n");
  const match = STATUS_LINE.exec(lines[0] ?? "") as RegExpExecArray;
  const headers = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      // Folded continuation line (RFC 3261 §7.3.1).
      const values = headers.get(last) as string[];
      values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) return { kind: "malformed", detail: `bad header line ${preview(line)}` };
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const value = line.slice(colon + 1).trim();
    const values = headers.get(name);
    if (values === undefined) headers.set(name, [value]);
    else values.push(value);
    last = name;
  }
  const lengthText = headers.get("content-length")?.[0];
  let contentLength = 0;
  if (lengthText !== undefined) {
    if (!/^\d+$/.test(lengthText))
      return { kind: "malformed", detail: `bad Content-Length ${preview(lengthText)}` };
    contentLength = Number(lengthText);
  }
  const total = headerEnd + 4 + contentLength;
  if (body.length < total) {
    return {
      kind: "incomplete",
      detail: `truncated response (body ${body.length - headerEnd - 4} of ${contentLength} bytes)`,
    };
  }
  const response: SipResponse = { status: Number(match[1]), reason: (match[2] ?? "").trim(), headers };
  return { kind: "response", response, length: start + total };
}

/** The first value of a header, or undefined. */
export function header(response: SipResponse, name: string): string | undefined {
  return response.headers.get(name.toLowerCase())?.[0];
}

/** Is this response to our request? Call-ID must match exactly, CSeq by number and method. */
export function matches(response: SipResponse, callId: string, cseq: string): boolean {
  const theirs = header(response, "call-id");
  const theirCseq = header(response, "cseq")?.split(/\s+/).join(" ").toUpperCase();
  return theirs === callId && theirCseq === cseq.toUpperCase();
}

/** "503 Service Unavailable"; the code alone when the reason phrase is empty. */
export function statusText(response: SipResponse): string {
  return response.reason === "" ? String(response.status) : `${response.status} ${response.reason}`;
}
