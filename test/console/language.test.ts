/**
 * The console's language: `?lang=` first, then `console.language` / `--lang` when it is not auto,
 * then the browser's Accept-Language, Chinese by default. Unit checks of the rule, the config's and
 * the command line's refusals, and a real agent started with `run --lang en`.
 */
import type { IncomingMessage } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../config/load.js";
import { parseConsoleLanguage } from "../../agent/cli/console-language-option.js";
import { languageOf } from "../../agent/console/i18n.js";
import { freePort, startAgent, waitFor, writeConfig } from "../helpers/agent-process.js";

const browser = (acceptLanguage?: string) =>
  ({ headers: acceptLanguage === undefined ? {} : { "accept-language": acceptLanguage } }) as IncomingMessage;
const query = (text = "") => new URLSearchParams(text);

describe("the console's language", () => {
  it("auto follows the browser, Chinese when it names neither", () => {
    expect(languageOf(browser("en-US,en;q=0.9"), query()).lang).toBe("en");
    expect(languageOf(browser("zh-CN,zh;q=0.9,en;q=0.8"), query()).lang).toBe("zh");
    expect(languageOf(browser("fr-FR"), query()).lang).toBe("zh");
    expect(languageOf(browser(), query(), "auto").lang).toBe("zh");
  });

  it("a configured language wins over the browser; ?lang= wins over both", () => {
    expect(languageOf(browser("zh-CN"), query(), "en")).toEqual({ lang: "en", explicit: false });
    expect(languageOf(browser("en-US"), query(), "zh")).toEqual({ lang: "zh", explicit: false });
    expect(languageOf(browser("zh-CN"), query("lang=zh"), "en")).toEqual({ lang: "zh", explicit: true });
  });

  it("refuses an unknown language in the config (naming the field) and on the command line", () => {
    const result = parseConfigText("console:\n  language: fr\n");
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain("console.language");
    expect(() => parseConsoleLanguage("fr")).toThrow(/zh, en or auto/);
    expect(parseConsoleLanguage("en")).toBe("en");
  });

  it("refuses the login names the audit uses for itself (schedule, cli)", () => {
    const hash = `scrypt$8192$8$10$${"a".repeat(22)}$${"b".repeat(43)}`;
    for (const name of ["schedule", "cli"]) {
      const result = parseConfigText(
        `console:\n  users:\n    - { name: ${name}, role: admin, password_hash: "${hash}" }\n`,
      );
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).toContain("reserved");
    }
  });

  it("`ops-agent run --lang en` serves English to a Chinese browser; ?lang=zh still gives Chinese", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-agent-lang-"));
    const port = await freePort();
    const agent = startAgent(writeConfig(dir, port, "  []\n"), ["--lang", "en"]);
    try {
      const base = `http://127.0.0.1:${port}`;
      const login = await waitFor(
        async () => {
          const response = await fetch(`${base}/login`, { headers: { "accept-language": "zh-CN,zh" } }).catch(
            () => undefined,
          );
          return response?.status === 200 ? response.text() : undefined;
        },
        20_000,
        `agent on ${port}`,
      );
      expect(login).toContain("Log in");
      expect(login).not.toContain("登录</");
      const chinese = await (
        await fetch(`${base}/login?lang=zh`, { headers: { "accept-language": "en-US" } })
      ).text();
      expect(chinese).toContain("登录");
    } finally {
      agent.child.kill("SIGTERM");
      await agent.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
