/**
 * One HTTP(S) request with Node's own client, its answer read into memory up to a bound. Shared by
 * the collectors that talk HTTP (http probes, vCenter, the antivirus manager): every status is an
 * answer for the caller to judge; an answer that is too large, cut off or broken is an error whose
 * code (ERR_BAD_RESPONSE) says "a response came, but it was unusable".
 */
import http from "node:http";
import https from "node:https";
import { TLSSocket, type PeerCertificate } from "node:tls";
import { tlsRequestOptions, type TlsSettings } from "./tls.js";

export interface HttpAnswer {
  status: number;
  body: Buffer;
  /** Response headers (Node's lower-cased form). */
  headers?: http.IncomingHttpHeaders;
  /** With `peerCertificate: true` on an https: request: the server's certificate, read from the socket. */
  peerCertificate?: PeerCertificate;
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
  /** Read the server's certificate from the TLS socket into the answer. Default false. */
  peerCertificate?: boolean;
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
      // Read now: once the socket closes (after the body) the certificate is gone.
      const socket = res.socket as unknown;
      const peerCertificate =
        options.peerCertificate === true && socket instanceof TLSSocket
          ? socket.getPeerCertificate()
          : undefined;
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
      res.once("end", () => {
        const answer: HttpAnswer = {
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks),
          headers: res.headers,
        };
        if (peerCertificate !== undefined) answer.peerCertificate = peerCertificate;
        resolve(answer);
      });
    });
    req.end(options.body);
  });
}
