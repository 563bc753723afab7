/**
 * The documents of issue 18 written from the demo's data, as `ops-agent report --month 2026-11
 * --format html,docx` and `ops-agent form export --period 2026 --format xlsx,csv` write them: the
 * tests in this folder check them, scripts render them for docs/ (npm run docs:render).
 */
import { databasePath } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { ManualClock } from "../../agent/clock.js";
import { writeFormExport } from "../../agent/form-export/write.js";
import { indicatorsOf } from "../../agent/kpi/kpi-report.js";
import { writeMonthlyReport } from "../../agent/report/write.js";
import { SqliteStore } from "../../agent/store/sqlite.js";

export interface DemoDocuments {
  html: string;
  docx: string;
  xlsx: string;
  csv: string;
}

export async function writeDemoDocuments(
  config: Config,
  outDir: string,
  options: { month: string; period: string; now: Date },
): Promise<DemoDocuments> {
  const store = SqliteStore.open({
    path: databasePath(config),
    clock: new ManualClock(options.now),
    timeZone: config.timezone,
    role: "reader",
  });
  try {
    const indicators = indicatorsOf(config);
    const report = await writeMonthlyReport(store, config, indicators, {
      by: "test",
      month: options.month,
      formats: ["html", "docx"],
      outDir,
      lang: "zh",
      now: options.now,
    });
    const form = await writeFormExport(store, config, indicators, {
      by: "test",
      period: options.period,
      formats: ["xlsx", "csv"],
      outDir,
      now: options.now,
    });
    const find = (files: { path: string }[], ext: string) => {
      const f = files.find((x) => x.path.endsWith(`.${ext}`));
      if (f === undefined) throw new Error(`no .${ext} written`);
      return f.path;
    };
    return {
      html: find(report, "html"),
      docx: find(report, "docx"),
      xlsx: find(form, "xlsx"),
      csv: find(form, "csv"),
    };
  } finally {
    store.close();
  }
}

/**
 * Latin words a Chinese document may hold: units, protocols and products the centre's staff use by
 * their Latin names, and every name the store knows targets by (applications, VMs, MCUs: labels,
 * not English prose).
 */
export function allowedLatin(config: Config): string[] {
  const fixed = [
    "VM",
    "VMs",
    "SIP",
    "MCU",
    "HTTP",
    "HTTPS",
    "TCP",
    "UDP",
    "ICMP",
    "IP",
    "RTT",
    "ms",
    "KB",
    "MB",
    "GB",
    "CPU",
    "UPS",
    "DNS",
    "API",
    "vCenter",
    "Deep",
    "Security",
    "Manager",
    "DSM",
    "OPTIONS",
    "OK",
    "CSV",
    "XLSX",
    "DOCX",
    "HTML",
    "Markdown",
    "PDF",
    "AI",
    "ops",
    "agent",
    "Prometheus",
    "Grafana",
    "Alertmanager",
    "UTC",
    // Units and words the centre's staff write in Latin letters inside Chinese text.
    "min",
    "ping",
    "README",
    "SHA",
    // The targets file's key the self-evaluation's notes tell the reader to set.
    "scoring",
  ];
  const names = new Set<string>();
  const store = SqliteStore.open({
    path: databasePath(config),
    clock: new ManualClock(Date.now()),
    timeZone: config.timezone,
    role: "reader",
  });
  try {
    for (const t of store.listTargets()) for (const part of t.name.match(/[A-Za-z]+/g) ?? []) names.add(part);
  } finally {
    store.close();
  }
  for (const c of config.collectors)
    for (const part of (c.name ?? "").match(/[A-Za-z]+/g) ?? []) names.add(part);
  // The site id is a label the report shows as 站点标识, not prose.
  return [...fixed, ...names, config.site];
}
