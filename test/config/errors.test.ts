/**
 * One bad config file per rule in testdata/, each checked against the exact lines a person sees
 * (the blackbox_exporter config/testdata pattern). A change of wording shows up here on purpose:
 * these lines are the agent's interface to whoever edits the config.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfigFile } from "../../config/load.js";
import { describeValue, formatIssues, formatPath } from "../../config/errors.js";
import { Secret, secretRef, withDeferredSecrets } from "../../config/secret.js";
import { tempDir } from "../helpers/tmp.js";

const TESTDATA = fileURLToPath(new URL("./testdata/", import.meta.url));

const UNKNOWN = "unknown option; remove it or correct its spelling (config/example.yaml lists every option)";
const DURATION = 'expected a duration like "10s", "5m" or "35d"';
const EVERY =
  "expected a period that divides a minute, an hour or a day evenly (e.g. 15s, 1m, 5m, 1h); use cron: for others";
const LOG_LEVELS = 'expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"';
const LISTEN = 'expected host:port like "127.0.0.1:9464" or "[::1]:9464"';
const SITE = "expected letters, digits, '.', '_' or '-' (max 64)";

/** File in testdata/ → the exact error lines loadConfigFile returns for it. */
const cases: Record<string, string[]> = {
  // YAML itself
  "yaml-syntax.yaml": ["line 4, column 1: Sequence item without - indicator"],
  "yaml-duplicate-key.yaml": ["line 2, column 1: Map keys must be unique"],
  "not-a-mapping.yaml": ["(top level): expected a mapping of options (site:, collectors:, …), got a list"],
  "scalar-document.yaml": [
    '(top level): expected a mapping of options (site:, collectors:, …), got "just some text"',
  ],

  // unknown options, at every level
  "unknown-key-top.yaml": [`timezon: ${UNKNOWN}`],
  "unknown-key-nested.yaml": [`store.hourly_retenion: ${UNKNOWN}`],
  "unknown-key-collector.yaml": [`collectors[0].interval: ${UNKNOWN}`],

  // top level
  "bad-site.yaml": [`site: ${SITE}, got "machine room A"`],
  "bad-timezone.yaml": ['timezone: expected an IANA time zone like "Asia/Shanghai", got "China/Suzhou"'],
  "duration-not-a-string.yaml": [`shutdown_grace: ${DURATION}, got 30`],
  "stale-after-periods-zero.yaml": ["stale_after_periods: expected at least 1, got 0"],
  "stale-after-periods-fraction.yaml": ["stale_after_periods: expected a whole number, got 2.5"],
  "collectors-not-a-list.yaml": ['collectors: expected a list, got {"type":"host","every":"1m"}'],

  // log, http
  "bad-log-level.yaml": [`log.level: ${LOG_LEVELS}, got "verbose"`],
  "bad-log-format.yaml": ['log.format: expected one of "auto", "json", "pretty", got "text"'],
  "log-not-a-mapping.yaml": ['log: expected a mapping (key: value lines), got "debug"'],
  "bad-listen.yaml": [`http.listen: ${LISTEN}, got "9464"`],
  "bad-listen-port.yaml": [`http.listen: ${LISTEN}, got "127.0.0.1:70000"`],

  // store
  "raw-retention-under-a-day.yaml": ['store.raw_retention: expected at least 1d, got "12h"'],
  "retention-hourly-shorter-than-raw.yaml": [
    "store.hourly_retention: 60d is shorter than store.raw_retention (90d); rollups must outlive the raw samples they summarise",
  ],
  "daily-retention-under-two-years.yaml": ['store.daily_retention: expected at least 730d, got "365d"'],
  "rollup-flush-too-long.yaml": ['store.rollup_flush_interval: expected at most 1h, got "2h"'],
  "bad-integrity-check.yaml": ['store.integrity_check: expected one of "full", "quick", "off", got "yes"'],

  // common collector options
  "unknown-collector-type.yaml": [
    'collectors[0].type: unknown collector type "snmp"; expected one of: host, http, vcenter, inventory, icmp, antivirus, sip, videoconf',
  ],
  "missing-collector-type.yaml": [
    "collectors[0].type: missing; every collector needs a type, one of: host, http, vcenter, inventory, icmp, antivirus, sip, videoconf",
  ],
  "bad-collector-name.yaml": [
    `collectors[0].name: expected a name of lower-case letters, digits, '-' or '_', starting with a letter (max 63), got "Host-1"`,
  ],
  "duplicate-collector-name.yaml": [
    'collectors[1].name: duplicate collector name "host" (also collectors[0]); give each instance its own name:',
  ],
  "every-not-even.yaml": [`collectors[0].every: ${EVERY}, got "7m"`],
  "every-too-small.yaml": ['collectors[0].every: expected at least 1s, got "500ms"'],
  "every-and-cron.yaml": ["collectors[0].cron: give either every: or cron:, not both"],
  "bad-cron.yaml": [
    'collectors[0].cron: expected a cron expression like "*/5 * * * *", got "every five minutes"',
  ],
  "bad-duration.yaml": [`collectors[0].timeout: ${DURATION}, got "ten"`],
  "timeout-too-small.yaml": ['collectors[0].timeout: expected at least 100ms, got "50ms"'],
  "bad-enabled.yaml": ['collectors[0].enabled: expected true or false, got "no"'],

  // host plugin
  "host-bad-exclude.yaml": ['collectors[0].interfaces_exclude: expected a list, got "lo"'],

  // http plugin
  "http-missing-targets.yaml": ["collectors[0].targets: missing; expected a list"],
  "http-no-targets.yaml": ["collectors[0].targets: expected at least 1 item(s), got []"],
  "http-bad-url.yaml": [
    'collectors[0].targets[0].url: expected an absolute http:// or https:// URL, got "portal.example.org/healthz"',
  ],
  "http-bad-url-scheme.yaml": [
    'collectors[0].targets[0].url: unsupported URL scheme "ftp": only http and https are supported',
  ],
  "http-bad-method.yaml": [
    'collectors[0].targets[0].method: expected one of "GET", "HEAD", "POST", got "PUT"',
  ],
  "http-bad-status.yaml": ["collectors[0].targets[0].expected_status[1]: expected at most 599, got 700"],
  "http-duplicate-target-name.yaml": ['collectors[0].targets[1].name: duplicate target name "portal"'],
  "http-target-every-not-multiple.yaml": [
    "collectors[0].targets[0].every: 45s is not a multiple of the collector's every (30s); the target is probed on the collector's runs: use e.g. 1m",
    "collectors[0].targets[2].every: 10s is not a multiple of the collector's every (30s); the target is probed on the collector's runs: use e.g. 1m",
  ],
  "http-bad-concurrency.yaml": ["collectors[0].concurrency: expected at least 1, got 0"],

  // several mistakes in one file: all of them are reported, in file order
  "multiple-errors.yaml": [
    "site: expected letters, digits, '.', '_' or '-' (max 64), got \"room a\"",
    'timezone: expected an IANA time zone like "Asia/Shanghai", got "Mars/Olympus"',
    `log.level: ${LOG_LEVELS}, got "loud"`,
    'store.daily_retention: expected at least 730d, got "1y"',
    `collectors[0].every: ${EVERY}, got "7m"`,
    `collectors[0].timeout: ${DURATION}, got "ten"`,
    'collectors[1].type: unknown collector type "ping"; expected one of: host, http, vcenter, inventory, icmp, antivirus, sip, videoconf',
    'collectors[2].targets[0].url: unsupported URL scheme "gopher": only http and https are supported',
    `collectors[2].retries: ${UNKNOWN}`,
  ],
};

describe("bad config files (test/config/testdata)", () => {
  it("has an expected message for every file, and a file for every expected message", () => {
    expect(readdirSync(TESTDATA).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [file, expected] of Object.entries(cases)) {
    it(file, () => {
      const result = loadConfigFile(join(TESTDATA, file));
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.errors).toEqual(expected);
    });
  }

  it("a missing file says which and how to fix it", () => {
    const result = loadConfigFile(join(TESTDATA, "no-such-file.yaml"));
    expect(result).toEqual({
      ok: false,
      errors: [
        `cannot read config file: ENOENT: no such file or directory, open '${join(TESTDATA, "no-such-file.yaml")}'; pass --config with the path of your YAML file`,
      ],
    });
  });
});

describe("formatPath / describeValue", () => {
  it("writes paths the way they look in YAML", () => {
    expect(formatPath([])).toBe("(top level)");
    expect(formatPath(["collectors", 2, "targets", 0, "url"])).toBe("collectors[2].targets[0].url");
    expect(formatPath([0, "name"])).toBe("[0].name");
  });

  it("shortens long values", () => {
    expect(describeValue(undefined)).toBe("nothing");
    expect(describeValue("x".repeat(100))).toBe(`"${"x".repeat(76)}...`);
    expect(describeValue("x".repeat(100)).length).toBe(80);
  });
});

describe("secret references", () => {
  const schema = z.object({ vcenter: z.object({ password: secretRef() }).strict() }).strict();
  const VALUE = "s3cr3t-Pa55w0rd";
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  function errors(input: unknown): string[] {
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    return parsed.success ? [] : formatIssues(parsed.error, input);
  }

  it("${VAR} resolves from the environment and never prints the value", () => {
    process.env.OPS_AGENT_TEST_PASSWORD = VALUE;
    const parsed = schema.safeParse({ vcenter: { password: "${OPS_AGENT_TEST_PASSWORD}" } });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const secret = parsed.data.vcenter.password;
    expect(secret).toBeInstanceOf(Secret);
    expect(secret.reveal()).toBe(VALUE);
    expect(secret.source).toBe("env OPS_AGENT_TEST_PASSWORD");
    expect(JSON.stringify(parsed.data)).toBe('{"vcenter":{"password":"[secret]"}}');
    expect(inspect(parsed.data, { depth: null })).not.toContain(VALUE);
    expect(inspect(parsed.data, { depth: null })).toContain("[secret from env OPS_AGENT_TEST_PASSWORD]");
    expect(`${secret}`).toBe("[secret]");
  });

  it("an unset or empty variable is an error naming the variable", () => {
    delete process.env.OPS_AGENT_TEST_UNSET;
    expect(errors({ vcenter: { password: "${OPS_AGENT_TEST_UNSET}" } })).toEqual([
      "vcenter.password: environment variable OPS_AGENT_TEST_UNSET is not set",
    ]);
    process.env.OPS_AGENT_TEST_EMPTY = "";
    expect(errors({ vcenter: { password: "${OPS_AGENT_TEST_EMPTY}" } })).toEqual([
      "vcenter.password: environment variable OPS_AGENT_TEST_EMPTY is not set",
    ]);
  });

  it("file: reads the file, dropping one trailing newline", () => {
    const dir = tempDir();
    const path = join(dir, "vcenter.pass");
    writeFileSync(path, `${VALUE}\n`, { mode: 0o600 });
    const parsed = schema.safeParse({ vcenter: { password: `file:${path}` } });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.vcenter.password.reveal()).toBe(VALUE);
    expect(parsed.data.vcenter.password.source).toBe(`file ${path}`);
    expect(JSON.stringify(parsed.data)).not.toContain(VALUE);
    expect(inspect(parsed.data, { depth: null })).not.toContain(VALUE);
  });

  it("a missing file is an error naming the path and the cause", () => {
    const path = join(tempDir(), "missing.pass");
    expect(errors({ vcenter: { password: `file:${path}` } })).toEqual([
      `vcenter.password: cannot read secret file ${path} (ENOENT)`,
    ]);
  });

  it("deferred (commands that only read the database): references checked, values read on first use", () => {
    delete process.env.OPS_AGENT_TEST_LATER;
    const missingFile = join(tempDir(), "missing.pass");
    const parsed = withDeferredSecrets(() =>
      z
        .object({ a: secretRef(), b: secretRef() })
        .safeParse({ a: "${OPS_AGENT_TEST_LATER}", b: `file:${missingFile}` }),
    );
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(() => parsed.data.a.reveal()).toThrow(
      "environment variable OPS_AGENT_TEST_LATER is not set (a secret of the config)",
    );
    expect(() => parsed.data.b.reveal()).toThrow(`cannot read secret file ${missingFile} (ENOENT)`);
    process.env.OPS_AGENT_TEST_LATER = VALUE;
    expect(parsed.data.a.reveal()).toBe(VALUE);
    expect(JSON.stringify(parsed.data)).not.toContain(VALUE);
    // A literal is still refused, deferred or not; and outside withDeferredSecrets resolution is eager again.
    expect(withDeferredSecrets(() => schema.safeParse({ vcenter: { password: VALUE } })).success).toBe(false);
    delete process.env.OPS_AGENT_TEST_LATER;
    expect(errors({ vcenter: { password: "${OPS_AGENT_TEST_LATER}" } })).toEqual([
      "vcenter.password: environment variable OPS_AGENT_TEST_LATER is not set",
    ]);
  });

  it("a literal value is rejected without echoing it", () => {
    const lines = errors({ vcenter: { password: VALUE } });
    expect(lines).toEqual([
      'vcenter.password: expected a secret reference like "${VCENTER_PASSWORD}" or "file:/etc/ops-agent/vcenter.pass" (secrets are never written in the config)',
    ]);
    expect(lines.join("\n")).not.toContain(VALUE);
  });

  it("a literal of another type (a numeric password) is rejected without echoing it either", () => {
    const lines = errors({ vcenter: { password: 48151623 } });
    expect(lines).toEqual([
      'vcenter.password: expected a secret reference like "${VCENTER_PASSWORD}" or "file:/etc/ops-agent/vcenter.pass" (secrets are never written in the config)',
    ]);
    expect(lines.join("\n")).not.toContain("48151623");
  });

  it("a missing secret option says so", () => {
    expect(errors({ vcenter: {} })).toEqual([
      'vcenter.password: missing; expected a secret reference like "${VCENTER_PASSWORD}" or "file:/etc/ops-agent/vcenter.pass" (secrets are never written in the config)',
    ]);
  });
});
