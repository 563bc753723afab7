/**
 * The console's multipart/form-data reader: what a browser sends is read; malformed boundaries,
 * truncated bodies, unknown or repeated fields, oversize parts and bodies are refused with the
 * reason. The size limit on the wire is checked against a real HTTP server on loopback.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  boundaryOf,
  labelOfFileName,
  MultipartError,
  parseMultipart,
  readBytes,
  type MultipartLimits,
} from "../../agent/console/multipart.js";

const LIMITS: MultipartLimits = {
  maxBytes: 4096,
  maxFileBytes: 1000,
  maxFieldBytes: 100,
  fields: ["csrf", "value", "note"],
  fileFields: ["evidence"],
};
const B = "----WebKitFormBoundaryx7Yt3kPq";

function body(parts: string[], boundary = B, close = `--${boundary}--\r\n`): Buffer {
  return Buffer.from(parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("") + close, "utf8");
}
const field = (name: string, value: string) =>
  `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
const file = (name: string, fileName: string, content: string, type = "application/pdf") =>
  `Content-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n${content}`;

function refusal(run: () => unknown): MultipartError {
  try {
    run();
  } catch (error) {
    if (error instanceof MultipartError) return error;
    throw error;
  }
  throw new Error("expected a MultipartError");
}

describe("multipart/form-data", () => {
  it("reads text fields and one file as a browser sends them", () => {
    const form = parseMultipart(
      body([
        field("csrf", "tok"),
        field("value", "7人"),
        file("evidence", "续保合同 2026.pdf", "%PDF-1.7\r\n\r\nx"),
      ]),
      B,
      LIMITS,
    );
    expect(form.fields).toEqual({ csrf: "tok", value: "7人" });
    expect(form.files).toHaveLength(1);
    expect(form.files[0]).toMatchObject({
      field: "evidence",
      fileName: "续保合同 2026.pdf",
      contentType: "application/pdf",
    });
    expect(form.files[0]?.data.toString("latin1")).toBe("%PDF-1.7\r\n\r\nx");
  });

  it("no file chosen (an empty part with an empty file name) is no file", () => {
    const form = parseMultipart(
      body([field("csrf", "t"), file("evidence", "", "", "application/octet-stream")]),
      B,
      LIMITS,
    );
    expect(form.files).toEqual([]);
  });

  it("takes the boundary from the content type, quoted or not, and refuses a bad one", () => {
    expect(boundaryOf(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe("a b:c");
    expect(refusal(() => boundaryOf("multipart/form-data")).message).toMatch(/without a boundary/);
    expect(refusal(() => boundaryOf("multipart/form-data; boundary=")).message).toMatch(
      /not a valid boundary/,
    );
    expect(refusal(() => boundaryOf(`multipart/form-data; boundary=${"x".repeat(71)}`)).message).toMatch(
      /not a valid boundary/,
    );
    expect(refusal(() => boundaryOf('multipart/form-data; boundary="ends-in-space "')).message).toMatch(
      /not a valid/,
    );
    expect(refusal(() => boundaryOf("multipart/form-data; boundary=semi<colon>")).message).toMatch(
      /not a valid/,
    );
    expect(refusal(() => boundaryOf("application/json")).message).toMatch(/expected multipart\/form-data/);
  });

  it("refuses malformed bodies: wrong boundary, preamble, truncation, no closing delimiter, epilogue", () => {
    const good = body([field("value", "1")]);
    expect(refusal(() => parseMultipart(good, "other", LIMITS)).message).toMatch(
      /does not start with the boundary/,
    );
    expect(
      refusal(() => parseMultipart(Buffer.concat([Buffer.from("preamble\r\n"), good]), B, LIMITS)).message,
    ).toMatch(/does not start/);
    expect(refusal(() => parseMultipart(good.subarray(0, good.length - 12), B, LIMITS)).message).toMatch(
      /not closed by the boundary/,
    );
    expect(refusal(() => parseMultipart(body([field("value", "1")], B, ""), B, LIMITS)).message).toMatch(
      /not closed by the boundary|not followed by a line end/,
    );
    expect(
      refusal(() => parseMultipart(body([field("value", "1")], B, `--${B}--\r\nsmuggled`), B, LIMITS))
        .message,
    ).toMatch(/after the closing boundary/);
    expect(
      refusal(() =>
        parseMultipart(Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="value"`), B, LIMITS),
      ).message,
    ).toMatch(/headers are unterminated/);
    expect(refusal(() => parseMultipart(body([`X-Junk\r\n\r\nv`]), B, LIMITS)).message).toMatch(
      /header line "X-Junk" is malformed/,
    );
    expect(
      refusal(() =>
        parseMultipart(body([`Content-Disposition: attachment; name="value"\r\n\r\nv`]), B, LIMITS),
      ).message,
    ).toMatch(/expected form-data/);
  });

  it("refuses unknown, repeated and mistyped fields, and text that is not UTF-8", () => {
    expect(refusal(() => parseMultipart(body([field("path", "/etc/passwd")]), B, LIMITS)).message).toMatch(
      /unexpected field "path"; this form takes csrf, value, note, evidence/,
    );
    expect(
      refusal(() => parseMultipart(body([field("value", "1"), field("value", "2")]), B, LIMITS)).message,
    ).toMatch(/sent twice/);
    expect(refusal(() => parseMultipart(body([field("evidence", "x")]), B, LIMITS)).message).toMatch(
      /must be a file/,
    );
    expect(refusal(() => parseMultipart(body([file("value", "a.txt", "x")]), B, LIMITS)).message).toMatch(
      /must be text/,
    );
    const latin1 = Buffer.concat([
      Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="note"\r\n\r\n`),
      Buffer.from([0xc4, 0xe3]),
      Buffer.from(`\r\n--${B}--\r\n`),
    ]);
    expect(refusal(() => parseMultipart(latin1, B, LIMITS)).message).toMatch(/field "note" is not UTF-8/);
  });

  it("refuses an oversize file (413) and an oversize field", () => {
    const big = refusal(() =>
      parseMultipart(body([file("evidence", "scan.pdf", "x".repeat(1001))]), B, LIMITS),
    );
    expect(big.status).toBe(413);
    expect(big.message).toMatch(/"scan.pdf" is 1001 bytes; at most 1000/);
    expect(refusal(() => parseMultipart(body([field("note", "y".repeat(101))]), B, LIMITS)).message).toMatch(
      /longer than 100 bytes/,
    );
  });

  it("keeps only the last path segment of a file name, without control characters", () => {
    expect(labelOfFileName("C:\\Users\\张工\\Desktop\\满意度调查.xlsx")).toBe("满意度调查.xlsx");
    expect(labelOfFileName("../../etc/passwd")).toBe("passwd");
    expect(labelOfFileName("a\u0000b\u001b[31m.txt")).toBe("ab[31m.txt");
    expect(labelOfFileName("..")).toBe("evidence");
  });
});

describe("multipart body size on the wire", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      readBytes(req, 1000).then(
        (data) => res.writeHead(200).end(String(data.length)),
        (error: MultipartError) => res.writeHead(error.status).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (size: number) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/" }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.end(Buffer.alloc(size, 0x61));
    });

  it("answers 413 with the limit (not a reset connection) when the body passes it", async () => {
    expect(await send(1000)).toEqual({ status: 200, text: "1000" });
    expect(await send(200_000)).toEqual({ status: 413, text: "the form is larger than 1000 bytes" });
  });
});
