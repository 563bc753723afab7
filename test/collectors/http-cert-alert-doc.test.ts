/**
 * The http collector's README quotes the certificate-expiry alert the project ships
 * (dashboards/rules/opsagent-alerts.yml); an operator reading one must not find another threshold
 * in the other (the README once said 30 days while the rule fires at 14).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface RuleFile {
  groups: { rules: { alert?: string; expr?: string }[] }[];
}

describe("http README and the shipped certificate alert", () => {
  it("quote the same expression", () => {
    const rules = parse(
      readFileSync(join(process.cwd(), "dashboards/rules/opsagent-alerts.yml"), "utf8"),
    ) as RuleFile;
    const alert = rules.groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === "OpsAgentCertificateExpiringSoon");
    expect(alert?.expr).toMatch(/opsagent_http_tls_cert_expiry_timestamp_seconds - time\(\) < \d+ \* 86400/);
    const readme = readFileSync(join(process.cwd(), "collectors/http/README.md"), "utf8");
    expect(readme).toContain(`\`OpsAgentCertificateExpiringSoon\``);
    expect(readme).toContain(`\`${alert?.expr ?? "?"}\``);
    // No other threshold on the same metric anywhere in the README.
    const thresholds = [...readme.matchAll(/expiry_timestamp_seconds - time\(\) < (\d+) \* 86400/g)].map(
      (m) => m[1],
    );
    expect(new Set(thresholds)).toEqual(new Set([/< (\d+) \*/.exec(alert?.expr ?? "")?.[1]]));
  });
});
