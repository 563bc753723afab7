import { describe, expect, it } from "vitest";
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { pino } from "pino";
import { AgentHttpServer } from "../../agent/http.js";
import { acceptsGzip, EncodedPiece, encodeBody, encodeTexts } from "../../agent/metrics-body.js";

describe("metrics body", () => {
  it("reads Accept-Encoding as Prometheus and curl send it", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("deflate, gzip;q=0.5")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("gzip;q=0, *")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it("compresses pieces as consecutive gzip members that decode to the whole text", async () => {
    const pieces = [
      "# own metrics 0–1\n",
      new EncodedPiece(Buffer.from("a 1\n".repeat(1000))),
      Buffer.from("b 2\n"),
    ];
    const gz = await encodeBody(pieces, true);
    expect(gunzipSync(Buffer.concat(gz.chunks as Buffer[])).toString()).toBe(
      `# own metrics 0–1\n${"a 1\n".repeat(1000)}b 2\n`,
    );
    const plain = await encodeBody(pieces, false);
    expect(plain.length).toBe(Buffer.byteLength(`# own metrics 0–1\n${"a 1\n".repeat(1000)}b 2\n`));
  });

  it("keeps a piece's gzip once made", async () => {
    const piece = new EncodedPiece(Buffer.from("x 1\n".repeat(10)));
    expect(await piece.gzip()).toBe(await piece.gzip());
  });

  it("encodes texts one after the other into one buffer of the exact size", () => {
    const texts = ["# HELP m ÷\n", "", 'm{room="市教育视频会议系统"} 1\n', "n 2\n"];
    const bytes = encodeTexts(texts);
    expect(bytes.toString("utf8")).toBe(texts.join(""));
    expect(bytes.length).toBe(Buffer.byteLength(texts.join("")));
    expect(encodeTexts([]).length).toBe(0);
  });

  it("serves pieces gzip-compressed when asked, plain with a Content-Length otherwise", async () => {
    const text = "# HELP m ÷\nm 1\n";
    const server = new AgentHttpServer(
      {
        "/metrics": {
          GET: () => ({
            status: 200,
            contentType: "text/plain",
            body: [text, new EncodedPiece(Buffer.from("n 2\n"))],
          }),
        },
      },
      pino({ level: "silent" }),
    );
    const { port } = await server.listen("127.0.0.1", 0);
    const get = (headers: Record<string, string>, method = "GET") =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: "/metrics", method, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const gz = await get({ "accept-encoding": "gzip" });
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(Number(gz.headers["content-length"])).toBe(gz.body.length);
      expect(gunzipSync(gz.body).toString()).toBe(`${text}n 2\n`);
      const plain = await get({});
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.body.toString()).toBe(`${text}n 2\n`);
      expect(Number(plain.headers["content-length"])).toBe(Buffer.byteLength(`${text}n 2\n`));
      const head = await get({}, "HEAD");
      expect(head.body.length).toBe(0);
      expect(Number(head.headers["content-length"])).toBe(Buffer.byteLength(`${text}n 2\n`));
    } finally {
      await server.close();
    }
  });
});
