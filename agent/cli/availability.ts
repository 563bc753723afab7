/**
 * `ops-agent availability`: the education-application availability per application and window,
 * read from the store beside a running agent, with the accounting rule printed under the figures
 * so every number can be checked.
 */
import { databasePath } from "../../config/load.js";
import { systemClock } from "../clock.js";
import { availabilityFigure } from "../figures/availability.js";
import { errorBudget } from "../kpi/availability.js";
import { FULL_YEAR_TARGET, WINDOWS } from "../kpi/availability-report.js";
import { applicationsOf } from "../kpi/availability-store.js";
import { periodAt, type PeriodKind } from "../kpi/periods.js";
import { SqliteStore } from "../store/sqlite.js";
import { loadOrExit } from "./config-arg.js";
import { renderTable } from "./table.js";
import { cliLang, headers } from "./cli-text.js";
import { isoWithOffset } from "../local-time.js";
import { ruleOf } from "../figures/rules.js";
import { applicationNames, displayName } from "../figures/names.js";

const WINDOW_ZH: Readonly<Record<PeriodKind, string>> = {
  day: "今日",
  month: "本月",
  half_year: "上半年",
  year_to_date: "年初至今",
};

export function availabilityCommand(path: string, options: { window?: string; json?: boolean }): number {
  const config = loadOrExit(path, "defer");
  const windows = options.window === undefined ? WINDOWS : [options.window as PeriodKind];
  if (!windows.every((w) => WINDOWS.includes(w))) {
    console.error(`--window: expected one of ${WINDOWS.join(", ")}, got "${options.window}"`);
    return 78;
  }
  const applications = applicationsOf(config);

  const store = SqliteStore.open({
    path: databasePath(config),
    clock: systemClock,
    timeZone: config.timezone,
    role: "reader",
    integrityCheck: "off",
  });
  try {
    const policy = { unknownAsDown: config.availability.unknown_as_down };
    // The read model's figure per window: what the KPI, /metrics and the documents show.
    const result = windows.map((window) => {
      const period = periodAt(window, systemClock.now(), store.calendar);
      const figure = availabilityFigure({ store, config }, period);
      const apps = figure.applications;
      return {
        window,
        // ISO 8601 in the centre's zone (same instant, with its +08:00 offset, never a bare Z).
        from: isoWithOffset(new Date(period.from * 1000), config.timezone),
        to: isoWithOffset(new Date(period.to * 1000), config.timezone),
        overall: figure.value,
        how: figure.how,
        applications: apps.map((a) => ({
          ...a,
          ...(window === "year_to_date"
            ? {
                budget_left_minutes: errorBudget(
                  FULL_YEAR_TARGET,
                  period.end - period.from,
                  applications.find((x) => x.application === a.application)?.intervalSeconds ?? 60,
                  a,
                  policy,
                ).leftMinutes,
              }
            : {}),
        })),
      };
    });
    const rule = {
      zh: ruleOf({ source: "availability" }, config, "zh"),
      en: ruleOf({ source: "availability" }, config, "en"),
    };
    if (options.json) {
      console.log(JSON.stringify({ rule, windows: result }, null, 2));
      return 0;
    }
    const zh = cliLang() === "zh";
    // No measurement is 无数据 / unknown, never 0%.
    const pct = (v: number | null) => (v === null ? (zh ? "无数据" : "unknown") : `${(v * 100).toFixed(3)}%`);
    const windowText = (w: PeriodKind) => (zh ? WINDOW_ZH[w] : w);
    // In Chinese a system is named by its config `system:` label; the id stays in --json.
    const names = applicationNames(config);
    const rows = result.flatMap((w) => [
      ...w.applications.map((a) => [
        windowText(w.window),
        zh ? displayName(names, a.application) : a.application,
        pct(a.ratio),
        pct(a.coverage),
        String(a.up),
        String(a.down),
        String(a.maintenance),
        "budget_left_minutes" in a
          ? `${Math.round(a.budget_left_minutes as number)} ${zh ? "分钟" : "min"}`
          : "",
      ]),
      [windowText(w.window), zh ? "（平均）" : "(mean)", pct(w.overall), "", "", "", "", ""],
    ]);
    console.log(renderTable(headers("availability"), rows));
    const empty = result.find((w) => w.overall === null);
    if (empty !== undefined) console.log(`\n${windowText(empty.window)}：${empty.how.zh}`);
    console.log(`\n口径：${rule.zh}\n全年目标 ${FULL_YEAR_TARGET * 100}%；时间按 ${config.timezone}。`);
    return 0;
  } finally {
    store.close();
  }
}
