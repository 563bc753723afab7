import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createLogger } from "../../agent/log.js";
import { Secret } from "../../config/secret.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe("logging", () => {
  it("writes JSON lines and never a secret, whether a Secret object or a credential field", () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: "info", format: "json" }, stream);
    const password = new Secret("hunter2-very-secret", "env VCENTER_PASSWORD");
    log.info(
      { config: { user: "ops", password }, headers: { authorization: "Bearer abc.def" } },
      "connecting",
    );
    log.info({ vcenter: { password: "plain-text-pw" } }, "login");
    const text = lines.join("");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("abc.def");
    expect(text).not.toContain("plain-text-pw");
    const first = JSON.parse(lines[0]!) as { msg: string; config: { password: string } };
    expect(first.msg).toBe("connecting");
    expect(first.config.password).toBe("[redacted]");
  });
});
