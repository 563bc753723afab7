/**
 * The generated year's other tables (bench/year-generate.ts): a few hundred incidents through
 * store.incidents (opened, acknowledged — about 3 % late — and resolved; the last few still open),
 * the 11 monthly reports already written, and manual records for 12 manual indicators through the
 * `ops-agent record` path.
 */
import type { Config } from "../config/schema.js";
import type { Category, Priority } from "../agent/incidents/types.js";
import { indicatorsOf } from "../agent/kpi/kpi-report.js";
import { localMidnight } from "../agent/kpi/periods.js";
import { recordManualValue } from "../agent/kpi/records.js";
import type { SqliteStore } from "../agent/store/sqlite.js";
import { probeTarget } from "./generate.js";
import { HOUR, NOW, YEAR } from "./year-series.js";

/** Manual records (indicator, value, dates): 12 indicators, some recorded every month or quarter. */
function manualRecords(): { key: string; value: string; dates: string[] }[] {
  const months = Array.from({ length: 11 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, "0")}-28`);
  const quarters = [`${YEAR}-03-30`, `${YEAR}-06-29`, `${YEAR}-09-29`, `${YEAR}-12-20`];
  return [
    { key: "long_term_plan_soundness", value: "健全", dates: [`${YEAR}-01-15`] },
    { key: "work_plan_soundness", value: "健全", dates: [`${YEAR}-01-20`] },
    { key: "budget_adjustment_rate", value: "0%", dates: [`${YEAR}-06-30`, `${YEAR}-12-15`] },
    { key: "budget_execution_rate", value: "97.5%", dates: [`${YEAR}-12-15`] },
    { key: "training_completion", value: "100%", dates: [`${YEAR}-11-30`] },
    { key: "online_customer_service", value: "完成", dates: [`${YEAR}-12-01`] },
    { key: "online_themed_activities", value: "2", dates: quarters },
    { key: "videoconf_staff", value: "8", dates: [`${YEAR}-02-01`] },
    { key: "ecard_operations_assessments", value: "1", dates: months },
    { key: "ecard_equipment_overhauls", value: "1", dates: quarters },
    { key: "news_posts", value: "28", dates: months },
    { key: "platform_school_coverage", value: "96.2%", dates: [`${YEAR}-09-01`] },
  ];
}

/** Writes them between `from` and `nowTs` (seconds); how many incidents and records it wrote. */
export function generateRecords(
  store: SqliteStore,
  config: Config,
  scale: { applications: number; vms: number; endpoints: number },
  random: () => number,
  from: number,
  nowTs: number,
): { incidents: number; records: number } {
  const cal = store.calendar;
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
  for (let i = 0; i < count; i++) {
    const category = categories[i % categories.length] as Category;
    const priority = priorities[Math.floor(random() * 4)] as Priority;
    const startTs = from + Math.floor(((i + random()) / count) * (nowTs - HOUR - from));
    const startedAt = new Date(startTs * 1000);
    const probe = category === "videoconf" || category === "platform";
    const target = probe
      ? category === "platform"
        ? probeTarget(i % scale.applications).name
        : `room-${i % Math.max(1, scale.endpoints)}`
      : `vm-${i % Math.max(1, scale.vms)}`;
    const incident = store.incidents.open(
      {
        source: probe ? "probe" : "ticket",
        sourceKey: probe
          ? `${category}|${target}|${startTs * 1000}`
          : `T-${YEAR}-${String(i).padStart(4, "0")}`,
        subject: probe ? `${category}|${target}` : `T-${YEAR}-${String(i).padStart(4, "0")}`,
        category,
        priority,
        title: `${target}: ${probe ? "3 consecutive failed probes" : "helpdesk ticket"}`,
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
    store.incidents.acknowledge(incident.id, `operator-${i % 7}`, ackAt);
    store.incidents.resolve(
      incident.id,
      `operator-${i % 7}`,
      new Date(ackAt.getTime() + 600_000 + random() * 6 * 3_600_000),
    );
  }

  // 11 monthly reports, each generated on the 1st of the next month.
  for (let m = 1; m <= 11; m++) {
    const period = `${YEAR}-${String(m).padStart(2, "0")}`;
    store.reports.record({
      kind: "monthly_report",
      period,
      format: "html",
      path: `reports/monthly-${period}.html`,
      sha256: (m * 0x9e3779b1).toString(16).padStart(64, "0"),
      generatedAt: new Date((localMidnight(YEAR, m + 1, 1, cal) + 9 * HOUR) * 1000),
    });
  }

  // Manual records through the `ops-agent record` path.
  const indicators = indicatorsOf(config);
  for (const r of manualRecords()) {
    for (const date of r.dates) {
      const result = recordManualValue(store, config, indicators, NOW, {
        key: r.key,
        value: r.value,
        date,
        by: "bench",
      });
      if (!result.ok) throw new Error(`kpi year: record ${r.key} ${r.value} on ${date}: ${result.error}`);
      records++;
    }
  }
  return { incidents, records };
}
