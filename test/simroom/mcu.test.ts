/** The simulated MCU: SIP OPTIONS over UDP and TCP, answered per RFC 3261 §8.2.6.2; the sip collector's probe. */
import dgram from "node:dgram";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { exchange } from "../../collectors/sip/exchange.js";
import { header, parseResponse } from "../../collectors/sip/parse.js";
import { buildResponse, parseRequest, startMcu, type Mcu } from "../../simroom/mcu/index.js";

let mcu: Mcu | undefined;
afterEach(async () => {
  await mcu?.close();
  mcu = undefined;
});

const options = (transport: "UDP" | "TCP", port: number, extra: string[] = []): string =>
  [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:5099;branch=z9hG4bKabc;rport`,
    "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKdef",
    "Max-Forwards: 70",
    'From: "probe" <sip:probe@127.0.0.1>;tag=f1',
    `To: <sip:127.0.0.1:${port}>`,
    "Call-ID: call-1@test",
    "CSeq: 42 OPTIONS",
    ...extra,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");

describe("mcu responses", () => {
  it("copies Via, From, To (adding a tag), Call-ID and CSeq (RFC 3261 §8.2.6.2)", () => {
    const request = parseRequest(options("UDP", 15060));
    expect(request?.method).toBe("OPTIONS");
    const text = buildResponse(request!, { address: "127.0.0.1", port: 5099 }, "t0");
    const parsed = parseResponse(Buffer.from(text!));
    expect(parsed.kind).toBe("response");
    if (parsed.kind !== "response") return;
    const r = parsed.response;
    expect(r.status).toBe(200);
    expect(r.headers.get("via")).toEqual([
      "SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKabc;rport=5099;received=127.0.0.1",
      "SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKdef",
    ]);
    expect(header(r, "from")).toBe('"probe" <sip:probe@127.0.0.1>;tag=f1');
    expect(header(r, "to")).toBe("<sip:127.0.0.1:15060>;tag=t0");
    expect(header(r, "call-id")).toBe("call-1@test");
    expect(header(r, "cseq")).toBe("42 OPTIONS");
    expect(header(r, "content-length")).toBe("0");
  });

  it("keeps an existing To tag, answers other methods 405 and never ACK", () => {
    const tagged = parseRequest(options("UDP", 1).replace("To: <sip:127.0.0.1:1>", "To: <sip:x@y>;tag=old"));
    expect(buildResponse(tagged!, { address: "127.0.0.1", port: 1 }, "new")).toContain(
      "\r\nTo: <sip:x@y>;tag=old\r\n",
    );
    const bye = parseRequest(
      options("UDP", 1).replace("OPTIONS sip", "BYE sip").replace("42 OPTIONS", "42 BYE"),
    );
    expect(buildResponse(bye!, { address: "127.0.0.1", port: 1 }, "t")).toMatch(/^SIP\/2\.0 405 /);
    const ack = parseRequest(options("UDP", 1).replace("OPTIONS sip", "ACK sip"));
    expect(buildResponse(ack!, { address: "127.0.0.1", port: 1 }, "t")).toBeUndefined();
    expect(parseRequest("GET / HTTP/1.1\r\n\r\n")).toBeUndefined();
  });
});

describe("mcu server", () => {
  it("answers OPTIONS over UDP", async () => {
    mcu = await startMcu();
    const socket = dgram.createSocket("udp4");
    const answer = new Promise<Buffer>((resolve) => socket.once("message", resolve));
    socket.send(options("UDP", mcu.port), mcu.port, "127.0.0.1");
    const parsed = parseResponse(await answer);
    socket.close();
    expect(parsed.kind === "response" && parsed.response.status).toBe(200);
    expect(mcu.requests).toEqual([{ method: "OPTIONS", transport: "udp" }]);
  });

  it("answers OPTIONS over TCP, two on one connection, sent in pieces", async () => {
    mcu = await startMcu();
    const socket = net.connect(mcu.port, "127.0.0.1");
    let received = "";
    const two = new Promise<void>((resolve) =>
      socket.on("data", (d: Buffer) => {
        received += d.toString();
        if (received.split("SIP/2.0 200 OK").length === 3) resolve();
      }),
    );
    const text = options("TCP", mcu.port);
    socket.write(text.slice(0, 30));
    setTimeout(() => socket.write(text.slice(30) + text.replace("42 OPTIONS", "43 OPTIONS")), 20);
    await two;
    socket.destroy();
    expect(received).toContain("CSeq: 42 OPTIONS");
    expect(received).toContain("CSeq: 43 OPTIONS");
  });

  it("is up for the sip collector's probe over udp and tcp", async () => {
    mcu = await startMcu();
    for (const transport of ["udp", "tcp"] as const) {
      const outcome = await exchange(
        { transport, host: "127.0.0.1", port: mcu.port },
        2000,
        new AbortController().signal,
      );
      expect(outcome.kind === "answer" && outcome.response.status, transport).toBe(200);
    }
  });
});
