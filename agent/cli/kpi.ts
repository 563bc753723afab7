/**
 * `ops-agent kpi --period 2026-H1|2026|2026-10 [--json]`: the form's indicators for a period with
 * their Chinese names, value, target, status and coverage. Exit 0 when every automatic indicator
 * with data is met (or on track), 1 when one is not met — for scripts — and 78 for a bad period
 * or targets file.
 *
 * `ops-agent record KEY VALUE [--date YYYY-MM-DD] [--note …] [--corrects ID]` and
 * `ops-agent record --list [KEY]`: manual values for the rows no probe sees.
 */
import { formatValue } from "../form/value.js";
import type { IndicatorResult } from "../kpi/evaluate.js";
import { kpiReport } from "../kpi/kpi-report.js";
import { recordManualValue } from "../kpi/records.js";
import { refusalText } from "../kpi/refusal-text.js";
import { evidenceFileArg } from "./evidence-arg.js";
import { systemClock } from "../clock.js";
import { loadOrExit } from "./config-arg.js";
import { openStoreForCli } from "./open-store.js";
import { renderTable } from "./table.js";
import { printJson } from "./print-json.js";
import { indicatorsOrReport } from "./indicators-arg.js";
import { isoWithOffset, localYearMonth } from "../local-time.js";
import type { Indicator } from "../form/types.js";
import type { KpiPeriod } from "../kpi/kpi-period.js";
import { cliLang, headers, kpiPeriodLine, kpiStatusText, sourceText } from "./cli-text.js";

/**
 * The period with its bounds also as local times with their offset (from_time, end_time,
 * to_time: "2026-01-01T00:00:00+08:00"), beside the Unix seconds scripts already read.
 */
function withLocalTimes(period: KpiPeriod, timeZone: string) {
  const at = (seconds: number) => isoWithOffset(new Date(seconds * 1000), timeZone);
  return { ...period, from_time: at(period.from), end_time: at(period.end), to_time: at(period.to) };
}

/** `kpi --keys`: every row's key (what `record` and the API take) beside its Chinese name. */
function printKeys(indicators: readonly Indicator[], json: boolean): number {
  if (json) {
    console.log(
      JSON.stringify(
        indicators.map((i) => ({ key: i.key, name: i.name, source: i.binding.source, full: i.full.text })),
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(
    renderTable(
      headers("kpiKeys"),
      indicators.map((i) => [i.key, i.name, sourceText(i.binding.source !== "manual"), i.full.text]),
    ),
  );
  return 0;
}

export function valueText(r: IndicatorResult): string {
  if (r.value === null) return "-";
  const text = formatValue(r.target, r.value);
  if (r.projected === undefined || r.projected === r.value) return text;
  return `${text} (→ ${formatValue(r.target, r.projected)})`;
}

export function kpiCommand(options: {
  config: string;
  period?: string;
  json?: boolean;
  keys?: boolean;
}): number {
  const config = loadOrExit(options.config, "defer");
  const indicators = indicatorsOrReport(config, "kpi");
  if (indicators === undefined) return 78;
  if (options.keys) return printKeys(indicators, options.json === true);
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    const now = systemClock.now();
    // No --period: this year so far, in the centre's calendar (what the form is judged on).
    const period = options.period ?? String(localYearMonth(now, config.timezone).year);
    const report = kpiReport(store, config, indicators, period, now);
    if ("error" in report) {
      console.error(`kpi: --period: ${report.error}`);
      return 78;
    }
    if (options.json)
      printJson({ ...report, period: withLocalTimes(report.period, config.timezone) }, config.timezone);
    else {
      const rows = report.results.map((r) => [
        r.name,
        sourceText(r.automatic),
        valueText(r),
        r.target.text,
        kpiStatusText(r.status),
        r.coverage === null ? "" : `${(r.coverage * 100).toFixed(1)}%`,
      ]);
      console.log(kpiPeriodLine(report.period));
      console.log(renderTable(headers("kpi"), rows));
      // 计算说明: the read model's Chinese, for every row with a measurement or a record behind it
      // (`--json` carries how.zh and how.en of every row).
      const explained = report.results.filter((r) => r.automatic || r.value !== null);
      if (explained.length > 0) {
        console.log("\n计算说明");
        for (const r of explained) console.log(`  ${r.name}：${r.how.zh}`);
      }
    }
    return report.results.some((r) => r.automatic && r.status === "not_met") ? 1 : 0;
  } finally {
    store.close();
  }
}

export function recordCommand(
  key: string,
  value: string,
  options: {
    config: string;
    date?: string;
    note?: string;
    corrects?: string;
    evidence?: string;
    by?: string;
  },
): number {
  const config = loadOrExit(options.config, "defer");
  const evidence = options.evidence === undefined ? undefined : evidenceFileArg(options.evidence);
  if (typeof evidence === "string") {
    console.error(`record: --evidence: ${evidence}`);
    return 78;
  }
  const indicators = indicatorsOrReport(config, "record");
  if (indicators === undefined) return 78;
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    const result = recordManualValue(store, config, indicators, systemClock.now(), {
      key,
      value,
      ...(options.date === undefined ? {} : { date: options.date }),
      ...(options.note === undefined ? {} : { note: options.note }),
      ...(options.corrects === undefined ? {} : { corrects: Number(options.corrects) }),
      ...(evidence === undefined ? {} : { evidence }),
      by: options.by ?? (process.env.USER || "cli"),
    });
    if (!result.ok) {
      // Under a Chinese locale the console's Chinese sentence for the same refusal (one wording).
      const nameOf = (k: string) => indicators.find((i) => i.key === k)?.name;
      const lang = cliLang();
      console.error(`${lang === "zh" ? "record：" : "record: "}${refusalText(lang, result, nameOf)}`);
      return 78;
    }
    const r = result.record;
    const name = indicators.find((i) => i.key === r.indicator)?.name ?? "";
    console.log(
      cliLang() === "zh"
        ? `已记录 #${r.id}：${name}（${r.indicator}）= ${r.value}，日期 ${r.day}` +
            (r.corrects === undefined ? "" : `，更正 #${r.corrects}`) +
            (r.evidence === undefined
              ? ""
              : `，证明材料 ${r.evidence.fileName}（SHA-256 ${r.evidence.sha256}）`)
        : `recorded #${r.id}: ${name} (${r.indicator}) = ${r.value} on ${r.day}` +
            (r.corrects === undefined ? "" : ` (corrects #${r.corrects})`) +
            (r.evidence === undefined
              ? ""
              : `, evidence ${r.evidence.fileName} (SHA-256 ${r.evidence.sha256})`),
    );
    return 0;
  } finally {
    store.close();
  }
}

export function recordListCommand(
  key: string | undefined,
  options: { config: string; json?: boolean },
): number {
  const config = loadOrExit(options.config, "defer");
  const store = openStoreForCli(config);
  if (!store) return 1;
  try {
    const history = store.records.history(key);
    if (options.json) printJson(history, config.timezone);
    else {
      const corrected = new Set(history.flatMap((r) => (r.corrects === undefined ? [] : [r.corrects])));
      const zh = cliLang() === "zh";
      console.log(
        renderTable(
          headers("records"),
          history.map((r) => [
            `#${r.id}`,
            r.indicator,
            r.day,
            r.value,
            r.recordedBy,
            r.note ?? "",
            corrected.has(r.id)
              ? zh
                ? "已被更正"
                : "corrected"
              : r.corrects === undefined
                ? ""
                : zh
                  ? `更正 #${r.corrects}`
                  : `corrects #${r.corrects}`,
          ]),
        ),
      );
    }
    return 0;
  } finally {
    store.close();
  }
}
