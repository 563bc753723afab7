/** What a console handler answers, turned into the HTTP server's response. */
import type { HttpResponse } from "../http.js";
import type { Html } from "./html.js";

export type Reply =
  | { kind: "page"; html: Html; status?: number; cookie?: string; headers?: Record<string, string> }
  | { kind: "redirect"; to: string; cookie?: string }
  | { kind: "file"; body: string | Buffer; contentType: string; fileName: string };

/** No scripts at all, styles only inline, forms only to ourselves, never framed. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

export function toResponse(reply: Reply): HttpResponse {
  const cookie: Record<string, string> =
    "cookie" in reply && reply.cookie !== undefined ? { "set-cookie": reply.cookie } : {};
  switch (reply.kind) {
    case "page":
      return {
        status: reply.status ?? 200,
        contentType: "text/html; charset=utf-8",
        body: reply.html.text,
        headers: { ...(reply.headers ?? {}), ...SECURITY_HEADERS, ...cookie },
      };
    case "redirect":
      return {
        status: 303,
        contentType: "text/plain; charset=utf-8",
        body: "",
        headers: { ...SECURITY_HEADERS, location: reply.to, ...cookie },
      };
    case "file":
      return {
        status: 200,
        contentType: reply.contentType,
        // The HTTP body is a string or pieces; a binary file goes as one piece.
        body: typeof reply.body === "string" ? reply.body : [reply.body],
        headers: {
          ...SECURITY_HEADERS,
          "content-disposition": contentDisposition(reply.fileName),
        },
      };
  }
}

/**
 * RFC 6266: the UTF-8 name in filename*, and a plain-ASCII filename beside it for clients that
 * do not read filename* (curl -OJ, older tools). encodeURIComponent leaves ' ( ) * unescaped,
 * which filename* does not allow.
 */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
