/**
 * One HTTP(S) request with Node's own client, its answer read into memory up to a bound. Shared by
 * the collectors that talk HTTP (http probes, vCenter, the antivirus manager): every status is an
 * answer for the caller to judge; an answer that is too large, cut off or broken is an error whose
 * code (ERR_BAD_RESPONSE) says "a response came, but it was unusable".
 */
import http from "node:http";
import https from "node:https";
import { tlsRequestOptions, type TlsSettings } from "./tls.js";

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export interface SendOptions {
  method: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** A keep-alive agent to share connections, or false for a connection of its own. */
  agent: http.Agent | false;
  /** For https: URLs without their own agent. */
  tls?: TlsSettings;
  body?: Buffer | string;
  maxBodyBytes: number;
}

export function badResponse(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), {
    code: "ERR_BAD_RESPONSE",
  });
}

export function sendHttp(url: URL, options: SendOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const common = {
      method: options.method,
      headers: options.headers,
      signal: options.signal,
      agent: options.agent,
    };
    const req =
      url.protocol === "https:"
        ? https.request(url, { ...common, ...(options.tls ? tlsRequestOptions(options.tls) : {}) })
        : http.request(url, common);
    req.once("error", reject);
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBodyBytes) {
          // Reject before destroying: destroying emits "aborted", which would claim the answer.
          reject(badResponse(`response body larger than ${options.maxBodyBytes} bytes`));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.once("aborted", () => reject(badResponse("response cut off before its end")));
      res.once("error", (err) => reject(badResponse(`response failed: ${err.message}`, err)));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.end(options.body);
  });
}
