import { describe, expect, it } from "vitest";
import { consoleUrl } from "../../agent/cli/console-url.js";

describe("the console's printed address", () => {
  it("is the listening address when it is one to visit", () => {
    expect(consoleUrl({ address: "127.0.0.1", family: "IPv4", port: 9464 })).toBe("http://127.0.0.1:9464/");
    expect(consoleUrl({ address: "::1", family: "IPv6", port: 9500 })).toBe("http://[::1]:9500/");
  });

  it("is loopback when the agent listens on every address (http://0.0.0.0/ is not one to open)", () => {
    expect(consoleUrl({ address: "0.0.0.0", family: "IPv4", port: 9464 })).toBe("http://127.0.0.1:9464/");
    expect(consoleUrl({ address: "::", family: "IPv6", port: 9464 })).toBe("http://127.0.0.1:9464/");
  });
});
