/** The sip collector's request builder, response parser and options, as tables. */
import { describe, expect, it } from "vitest";
import { sipPlugin } from "../../collectors/sip/index.js";
import { matches, parseResponse, statusText, type SipResponse } from "../../collectors/sip/parse.js";
import { buildOptions, hostPort, newIds } from "../../collectors/sip/request.js";

const CALL_ID = "abc123@ops-agent";

function response(first: string, headers: string[], body = ""): Buffer {
  return Buffer.from(`${first}\r\n${headers.join("\r\n")}\r\n\r\n${body}`, "latin1");
}

const ours = [
  "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKx;rport=40000",
  "From: <sip:ops-agent@127.0.0.1:40000>;tag=1",
  "To: <sip:127.0.0.1:5060>;tag=2",
  `Call-ID: ${CALL_ID}`,
  "CSeq: 1 OPTIONS",
  "Content-Length: 0",
];

function parsed(data: Buffer): SipResponse {
  const result = parseResponse(data);
  if (result.kind !== "response")
    throw new Error(`expected a response, got ${result.kind}: ${result.detail}`);
  return result.response;
}

describe("buildOptions", () => {
  it.each([
    {
      transport: "udp" as const,
      host: "10.0.0.5",
      uri: "sip:10.0.0.5:5060",
      via: "SIP/2.0/UDP 10.0.0.9:40000",
    },
    {
      transport: "tcp" as const,
      host: "mcu.example.cn",
      uri: "sip:mcu.example.cn:5060;transport=tcp",
      via: "SIP/2.0/TCP 10.0.0.9:40000",
    },
    {
      transport: "udp" as const,
      host: "fd00::5",
      uri: "sip:[fd00::5]:5060",
      via: "SIP/2.0/UDP 10.0.0.9:40000",
    },
  ])("$transport to $host", ({ transport, host, uri, via }) => {
    const ids = newIds();
    const req = buildOptions({
      transport,
      host,
      port: 5060,
      localAddress: "10.0.0.9",
      localPort: 40000,
      ...ids,
    });
    const [head, rest] = req.text.split("\r\n\r\n");
    expect(rest).toBe("");
    const lines = (head as string).split("\r\n");
    expect(lines[0]).toBe(`OPTIONS ${uri} SIP/2.0`);
    const get = (name: string): string | undefined =>
      lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.replace(/^[^:]+:\s*/, "");
    expect(get("Via")).toBe(`${via};branch=${ids.branch};rport`);
    expect(ids.branch).toMatch(/^z9hG4bK[0-9a-f]+$/);
    expect(get("Max-Forwards")).toBe("70");
    expect(get("From")).toMatch(new RegExp(`;tag=${ids.fromTag}$`));
    expect(get("To")).toBe(`<sip:${hostPort(host, 5060)}>`);
    expect(get("Call-ID")).toBe(ids.callId);
    expect(get("CSeq")).toBe("1 OPTIONS");
    expect(get("Contact")).toMatch(/^<sip:ops-agent@10\.0\.0\.9:40000/);
    expect(get("Accept")).toBe("application/sdp");
    expect(get("Content-Length")).toBe("0");
    expect(req.callId).toBe(ids.callId);
    expect(req.cseq).toBe("1 OPTIONS");
  });

  it("makes fresh identifiers every probe", () => {
    const a = newIds();
    const b = newIds();
    expect(a.callId).not.toBe(b.callId);
    expect(a.branch).not.toBe(b.branch);
    expect(a.fromTag).not.toBe(b.fromTag);
  });
});

describe("parseResponse", () => {
  it.each([
    { name: "200 OK", data: response("SIP/2.0 200 OK", ours), status: 200, text: "200 OK" },
    {
      name: "503 with a reason of several words",
      data: response("SIP/2.0 503 Service Unavailable", ours),
      status: 503,
      text: "503 Service Unavailable",
    },
    { name: "no reason phrase", data: response("SIP/2.0 486", ours), status: 486, text: "486" },
    {
      name: "compact headers and a body",
      data: response(
        "SIP/2.0 200 OK",
        ["v: SIP/2.0/UDP x", `i: ${CALL_ID}`, "CSeq: 1 OPTIONS", "l: 4"],
        "v=0\n",
      ),
      status: 200,
      text: "200 OK",
    },
    {
      name: "leading CRLF keep-alive",
      data: Buffer.concat([Buffer.from("\r\n\r\n"), response("SIP/2.0 200 OK", ours)]),
      status: 200,
      text: "200 OK",
    },
  ])("parses $name", ({ data, status, text }) => {
    const result = parseResponse(data);
    expect(result.kind).toBe("response");
    if (result.kind !== "response") return;
    expect(result.response.status).toBe(status);
    expect(statusText(result.response)).toBe(text);
    expect(result.length).toBe(data.length);
    expect(matches(result.response, CALL_ID, "1 OPTIONS")).toBe(true);
  });

  it.each([
    {
      name: "an HTTP answer",
      data: "HTTP/1.1 400 Bad Request\r\n\r\n",
      detail: /not a SIP response: "HTTP\/1.1 400/,
    },
    { name: "binary garbage", data: "\x00\x01\x02garbage", detail: /not a SIP response/ },
    { name: "a bad status line", data: "SIP/2.0 OK\r\n\r\n", detail: /not a SIP response: "SIP\/2.0 OK"/ },
    { name: "a request", data: "OPTIONS sip:x SIP/2.0\r\n\r\n", detail: /a SIP request, not a response/ },
    {
      name: "a header without a colon",
      data: "SIP/2.0 200 OK\r\nnonsense\r\n\r\n",
      detail: /bad header line/,
    },
    {
      name: "a bad Content-Length",
      data: "SIP/2.0 200 OK\r\nContent-Length: x\r\n\r\n",
      detail: /bad Content-Length/,
    },
  ])("rejects $name as malformed", ({ data, detail }) => {
    const result = parseResponse(Buffer.from(data, "latin1"));
    expect(result.kind).toBe("malformed");
    if (result.kind === "response") return;
    expect(result.detail).toMatch(detail);
  });

  it.each([
    {
      name: "headers cut off",
      data: "SIP/2.0 200 OK\r\nCall-ID: abc",
      detail: /truncated response \(\d+ bytes, no end of headers\)/,
    },
    { name: "the status line cut off", data: "SIP/2.", detail: /truncated response/ },
    {
      name: "body shorter than Content-Length",
      data: "SIP/2.0 200 OK\r\nl: 10\r\n\r\nabc",
      detail: /body 3 of 10 bytes/,
    },
  ])("reports $name as incomplete (truncated)", ({ data, detail }) => {
    const result = parseResponse(Buffer.from(data, "latin1"));
    expect(result.kind).toBe("incomplete");
    if (result.kind === "response") return;
    expect(result.detail).toMatch(detail);
  });

  it("frames a stream: 100 Trying then 200 OK in one buffer", () => {
    const trying = response("SIP/2.0 100 Trying", ours);
    const ok = response("SIP/2.0 200 OK", ours);
    const both = Buffer.concat([trying, ok]);
    const first = parseResponse(both);
    expect(first.kind === "response" && first.response.status).toBe(100);
    const second = parseResponse(both.subarray(first.kind === "response" ? first.length : 0));
    expect(second.kind === "response" && second.response.status).toBe(200);
  });

  it.each([
    { name: "its own Call-ID and CSeq", headers: [`Call-ID: ${CALL_ID}`, "CSeq: 1 OPTIONS"], ok: true },
    { name: "CSeq spacing and case", headers: [`Call-ID: ${CALL_ID}`, "CSeq:  1   options"], ok: true },
    { name: "another Call-ID", headers: ["Call-ID: someone-else", "CSeq: 1 OPTIONS"], ok: false },
    { name: "another CSeq number", headers: [`Call-ID: ${CALL_ID}`, "CSeq: 2 OPTIONS"], ok: false },
    { name: "another method", headers: [`Call-ID: ${CALL_ID}`, "CSeq: 1 INVITE"], ok: false },
    { name: "no Call-ID", headers: ["CSeq: 1 OPTIONS"], ok: false },
  ])("matches a response with $name: $ok", ({ headers, ok }) => {
    expect(matches(parsed(response("SIP/2.0 200 OK", headers)), CALL_ID, "1 OPTIONS")).toBe(ok);
  });
});

describe("options", () => {
  it("fills in the defaults", () => {
    const options = sipPlugin.schema.parse({ targets: [{ name: "mcu", host: "10.0.0.5" }] });
    expect(options).toEqual({
      targets: [{ name: "mcu", host: "10.0.0.5", port: 5060, transport: "udp" }],
      probe_timeout: 2000,
      up_codes: [200],
      degraded_codes: [480, 486, 503],
      concurrency: 16,
    });
  });

  it.each([
    { name: "no targets", input: { targets: [] } },
    { name: "an unknown option", input: { targets: [{ name: "a", host: "h" }], timeout: "2s" } },
    { name: "a bad transport", input: { targets: [{ name: "a", host: "h", transport: "tls" }] } },
    { name: "a URL as host", input: { targets: [{ name: "a", host: "sip://h" }] } },
    { name: "a bad duration", input: { targets: [{ name: "a", host: "h" }], probe_timeout: "soon" } },
    {
      name: "a duplicate target",
      input: {
        targets: [
          { name: "a", host: "h" },
          { name: "b", host: "h", port: 5060 },
        ],
      },
    },
    {
      name: "a code both up and degraded",
      input: { targets: [{ name: "a", host: "h" }], degraded_codes: [200] },
    },
  ])("rejects $name", ({ input }) => {
    expect(sipPlugin.schema.safeParse(input).success).toBe(false);
  });
});
