/**
 * The tables of a simulated year besides the samples, shared by the demo's history
 * (agent/demo-history/) and the benchmarks' generated year (bench/year-generate.ts): incidents
 * through store.incidents (opened, acknowledged — about 3 % late — and resolved; the last few
 * still open) and manual records for 12 manual indicators through the `ops-agent record` path.
 */
import type { Config } from "../../config/schema.js";
import type { Category, Priority } from "../incidents/types.js";
import { indicatorsOf } from "../kpi/kpi-report.js";
import { localMidnight } from "../kpi/periods.js";
import { recordManualValue } from "../kpi/records.js";
import type { SqliteStore } from "../store/sqlite.js";

const HOUR = 3600;

/** The targets incidents name, per form category (their names as the config has them). */
export interface IncidentTargets {
  /** Education platforms (probe faults, category platform). */
  platform: readonly string[];
  /** Video-conference parts: MCUs, meeting rooms (probe faults, category videoconf). */
  videoconf: readonly string[];
  /** VMs of the machine room (helpdesk tickets, categories machine_room and antivirus). */
  machineRoom: readonly string[];
}

/** Manual records (indicator, value, dates): 12 indicators, some recorded every month or quarter. */
function manualRecords(year: number): { key: string; value: string; dates: string[] }[] {
  const months = Array.from({ length: 11 }, (_, i) => `${year}-${String(i + 1).padStart(2, "0")}-28`);
  const quarters = [`${year}-03-30`, `${year}-06-29`, `${year}-09-29`, `${year}-12-20`];
  return [
    { key: "long_term_plan_soundness", value: "健全", dates: [`${year}-01-15`] },
    { key: "work_plan_soundness", value: "健全", dates: [`${year}-01-20`] },
    { key: "budget_adjustment_rate", value: "0%", dates: [`${year}-06-30`, `${year}-12-15`] },
    { key: "budget_execution_rate", value: "97.5%", dates: [`${year}-12-15`] },
    { key: "training_completion", value: "100%", dates: [`${year}-11-30`] },
    { key: "online_customer_service", value: "完成", dates: [`${year}-12-01`] },
    { key: "online_themed_activities", value: "2", dates: quarters },
    { key: "videoconf_staff", value: "8", dates: [`${year}-02-01`] },
    { key: "ecard_operations_assessments", value: "1", dates: months },
    { key: "ecard_equipment_overhauls", value: "1", dates: quarters },
    { key: "news_posts", value: "28", dates: months },
    { key: "platform_school_coverage", value: "96.2%", dates: [`${year}-09-01`] },
  ];
}

export interface RecordsOptions {
  year: number;
  targets: IncidentTargets;
  random: () => number;
  /** The simulated span, unix seconds: incidents start inside it, records dated after it are left out. */
  from: number;
  nowTs: number;
  /** Who recorded the manual values (the `by` of `ops-agent record`). */
  by: string;
}

/** Writes the incidents and manual records; how many of each it wrote. */
export function generateRecords(
  store: SqliteStore,
  config: Config,
  options: RecordsOptions,
): { incidents: number; records: number } {
  const { random, from, nowTs, year, targets } = options;
  let incidents = 0;
  let records = 0;
  // Incidents: a few hundred over the generated days.
  const categories: Category[] = [
    "videoconf",
    "platform",
    "videoconf",
    "platform",
    "machine_room",
    "antivirus",
  ];
  const priorities: Priority[] = ["P1", "P2", "P3", "P4"];
  const count = Math.max(24, Math.round((300 * (nowTs - from)) / (365 * 86_400)));
  const sla = config.incidents.sla;
  const pick = (list: readonly string[], i: number, fallback: string) =>
    list.length === 0 ? `${fallback}-${i}` : (list[i % list.length] as string);
  for (let i = 0; i < count; i++) {
    const category = categories[i % categories.length] as Category;
    const priority = priorities[Math.floor(random() * 4)] as Priority;
    const startTs = from + Math.floor(((i + random()) / count) * (nowTs - HOUR - from));
    const startedAt = new Date(startTs * 1000);
    const probe = category === "videoconf" || category === "platform";
    const target = probe
      ? category === "platform"
        ? pick(targets.platform, i, "app")
        : pick(targets.videoconf, i, "room")
      : pick(targets.machineRoom, i, "vm");
    const ticket = `T-${year}-${String(i).padStart(4, "0")}`;
    const incident = store.incidents.open(
      {
        source: probe ? "probe" : "ticket",
        sourceKey: probe ? `${category}|${target}|${startTs * 1000}` : ticket,
        subject: probe ? `${category}|${target}` : ticket,
        category,
        priority,
        title: `${target}: ${probe ? "连续 3 次探测失败" : "服务台工单"}`,
        target,
        startedAt,
      },
      probe ? "agent" : "ticket import",
    );
    incidents++;
    if (i >= count - 3) continue; // the last few still open
    const bound = sla.categories[category]?.[priority] ?? sla.response[priority];
    const late = random() < 0.03;
    const ackMs = late ? bound * (1.2 + random()) : bound * (0.05 + 0.85 * random());
    const ackAt = new Date(startedAt.getTime() + ackMs);
    store.incidents.acknowledge(incident.id, `值班员${(i % 7) + 1}`, ackAt);
    store.incidents.resolve(
      incident.id,
      `值班员${(i % 7) + 1}`,
      new Date(ackAt.getTime() + 600_000 + random() * 6 * 3_600_000),
    );
  }

  // Manual records through the `ops-agent record` path (those dated by now).
  const indicators = indicatorsOf(config);
  const now = new Date(nowTs * 1000);
  const cal = store.calendar;
  for (const r of manualRecords(year)) {
    for (const date of r.dates) {
      const [y, m, d] = date.split("-").map(Number) as [number, number, number];
      if (localMidnight(y, m, d, cal) >= nowTs) continue;
      const result = recordManualValue(store, config, indicators, now, {
        key: r.key,
        value: r.value,
        date,
        by: options.by,
      });
      if (!result.ok) throw new Error(`record ${r.key} ${r.value} on ${date}: ${result.error}`);
      records++;
    }
  }
  return { incidents, records };
}

/** Report log rows for the months 1 … `lastMonth`, each generated on the 1st of the next month at 09:00. */
export function recordMonthlyReportRows(store: SqliteStore, year: number, lastMonth: number): void {
  for (let m = 1; m <= lastMonth; m++) {
    const period = `${year}-${String(m).padStart(2, "0")}`;
    store.reports.record({
      kind: "monthly_report",
      period,
      format: "html",
      path: `reports/monthly-${period}.html`,
      sha256: (m * 0x9e3779b1).toString(16).padStart(64, "0"),
      generatedAt: new Date((localMidnight(year, m + 1, 1, store.calendar) + 9 * HOUR) * 1000),
      generatedBy: "schedule",
    });
  }
}
