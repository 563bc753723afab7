/**
 * The form inside the running agent: the targets file loaded (again on reload), the kpi metrics
 * refreshed on the availability timer, and the manual-records and kpi API routes (behind the
 * same bearer token as the incident API).
 *
 * Metrics, for the automatic indicators:
 *  - opsagent_kpi_value{indicator}: the year-to-date value (ratios 0–1, counts, 1/0 for 及时);
 *  - opsagent_kpi_target_value{indicator,period}: the form's half-year / full-year value;
 *  - opsagent_kpi_met{indicator,period}: 1 met (for the running year: projected to be met), 0 not
 *    met / at risk; absent when there is no data;
 *  - opsagent_kpi_last_measurement_timestamp_seconds{indicator}: when the newest measurement
 *    behind the year's value was taken — when vCenter or the antivirus manager stops answering,
 *    the value above still stands for the period, and this says how old it is;
 *  - opsagent_kpi_info{indicator,name}: 1 per automatic indicator, `name` the form's Chinese row
 *    name exactly as on the form — the dashboards join it so a tile reads
 *    "日常维护信息系统所使用的虚拟机数量", not the key "vm_count" (identity stays the key).
 */
import type { IncomingMessage } from "node:http";
import { Gauge, type Registry } from "prom-client";
import * as z from "zod";
import type { Config } from "../../config/schema.js";
import { bearerGuard } from "../api-auth.js";
import type { Clock } from "../clock.js";
import type { Indicator, TargetValue } from "../form/types.js";
import { json, readBody, type Routes } from "../http.js";
import type { Logger } from "../log.js";
import type { SqliteStore } from "../store/sqlite.js";
import type { IndicatorResult, KpiStatus } from "./evaluate.js";
import { availabilityCacheFor } from "./availability-cache.js";
import { indicatorsOf, kpiReport } from "./kpi-report.js";
import { recordManualValue } from "./records.js";
import { isWellFormedText } from "../well-formed-text.js";

/**
 * opsagent_kpi_status's values: one number per verdict, ordered so that a higher value is better and
 * 无数据 is a value of its own (a tile shows 无数据, not an empty panel that reads like an outage).
 * "n/a" (a row that does not apply to the period) has no series.
 */
const STATUS_CODES: Readonly<Partial<Record<KpiStatus, number>>> = {
  met: 3,
  at_risk: 2,
  not_met: 1,
  no_data: 0,
};

/**
 * Text a person sent: JSON's \ud800 escapes can make a lone surrogate, which SQLite would store as
 * bytes that are not UTF-8 (ED A0 80) and every later reader would choke on. Refused, not mended:
 * the client sent something it did not mean.
 */
const text = () =>
  z.string().refine(isWellFormedText, {
    message: "contains a lone UTF-16 surrogate (a broken \\uD800-\\uDFFF escape): send valid Unicode text",
  });

const recordBody = z
  .object({
    key: text().min(1).max(100),
    value: text().min(1).max(200),
    date: text().optional(),
    note: text().max(2000).optional(),
    corrects: z.number().int().positive().optional(),
    by: text().trim().min(1).max(100),
  })
  .strict();

const targetNumber = (t: TargetValue): number => (t.kind === "number" ? t.value : 1);
const numeric = (v: number | boolean): number => (typeof v === "boolean" ? (v ? 1 : 0) : v);

export class KpiService {
  private indicators: Indicator[] = [];
  private results: { period: "half_year" | "year"; results: IndicatorResult[] }[] = [];

  constructor(
    private config: Config,
    private readonly store: SqliteStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    registry: Registry,
  ) {
    this.loadIndicators();
    const indicators = () => this.indicators;
    const automatic = () =>
      this.results.map((r) => ({ ...r, results: r.results.filter((x) => x.automatic) }));
    new Gauge({
      name: "opsagent_kpi_value",
      help: "Year-to-date value of each automatic indicator of the form (ratios 0–1, counts, 1/0 for 及时).",
      labelNames: ["indicator"],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of automatic().find((x) => x.period === "year")?.results ?? [])
          if (r.value !== null) this.set({ indicator: r.key }, numeric(r.value));
      },
    });
    new Gauge({
      name: "opsagent_kpi_target_value",
      help: "The form's target for each automatic indicator: the half-year or the full-year value (1 for a word such as 及时).",
      labelNames: ["indicator", "period"],
      registers: [registry],
      collect() {
        this.reset();
        for (const i of indicators().filter((x) => x.binding.source !== "manual")) {
          this.set({ indicator: i.key, period: "half_year" }, targetNumber(i.half));
          this.set({ indicator: i.key, period: "year" }, targetNumber(i.full));
        }
      },
    });
    new Gauge({
      name: "opsagent_kpi_met",
      help: "1 when the automatic indicator meets its target for the period (the running year: projected to), 0 when not or at risk; absent without data.",
      labelNames: ["indicator", "period"],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of automatic())
          for (const r of p.results) {
            if (r.status === "met") this.set({ indicator: r.key, period: p.period }, 1);
            else if (r.status === "not_met" || r.status === "at_risk")
              this.set({ indicator: r.key, period: p.period }, 0);
          }
      },
    });
    new Gauge({
      name: "opsagent_kpi_status",
      help: "The verdict of each automatic indicator for the period, as the form reads it: 3 达成 (met), 2 有风险 (at risk), 1 未达成 (not met), 0 无数据 (no evidence: never counted as met).",
      labelNames: ["indicator", "period"],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of automatic())
          for (const r of p.results) {
            const code = STATUS_CODES[r.status];
            if (code !== undefined) this.set({ indicator: r.key, period: p.period }, code);
          }
      },
    });
    this.registerStaleness(registry);
    new Gauge({
      name: "opsagent_kpi_info",
      help: "1 per automatic indicator of the form; name is its Chinese row name as on the form (a label: join on indicator).",
      labelNames: ["indicator", "name"],
      registers: [registry],
      collect() {
        this.reset();
        for (const i of indicators().filter((x) => x.binding.source !== "manual"))
          this.set({ indicator: i.key, name: i.name }, 1);
      },
    });
  }

  private registerStaleness(registry: Registry): void {
    const automatic = () => this.results.find((x) => x.period === "year")?.results ?? [];
    new Gauge({
      name: "opsagent_kpi_last_measurement_timestamp_seconds",
      help: "Unix time of the newest measurement behind each automatic indicator's year-to-date value; absent when it has none. time() minus it is the figure's age.",
      labelNames: ["indicator"],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of automatic())
          if (r.automatic && r.lastMeasuredAt !== undefined) this.set({ indicator: r.key }, r.lastMeasuredAt);
      },
    });
  }

  /** The targets file's indicators as loaded (empty when it failed to load): the web console's. */
  get indicatorList(): readonly Indicator[] {
    return this.indicators;
  }

  reload(config: Config): void {
    this.config = config;
    this.loadIndicators();
    this.refresh();
  }

  refresh(): void {
    if (this.indicators.length === 0) return;
    try {
      const now = this.clock.now();
      const year = String(this.localYear(now));
      this.results = (["half_year", "year"] as const).flatMap((period) => {
        const report = kpiReport(
          this.store,
          this.config,
          this.indicators,
          period === "year" ? year : `${year}-H1`,
          now,
          availabilityCacheFor(this.store, this.clock),
        );
        return "error" in report ? [] : [{ period, results: report.results }];
      });
    } catch (error) {
      this.log.error({ err: error }, "form indicators could not be evaluated; will retry");
    }
  }

  routes(): Routes {
    const refuse = bearerGuard(() => this.config.incidents.api_token, "records API");
    return {
      "/api/records": {
        GET: (request) => {
          const refused = refuse(request);
          if (refused) return refused;
          const key = new URL(request.url ?? "/", "http://agent").searchParams.get("key") ?? undefined;
          return json(200, this.store.records.history(key));
        },
        POST: async (request: IncomingMessage) => {
          const refused = refuse(request);
          if (refused) return refused;
          // An oversized body throws BodyTooLargeError out of the handler: the server answers 413.
          const text = await readBody(request);
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch (err) {
            return json(400, { error: `body is not JSON: ${(err as Error).message}` });
          }
          const parsed = recordBody.safeParse(body);
          if (!parsed.success) {
            return json(400, {
              error: parsed.error.issues
                .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
                .join("; "),
            });
          }
          if (this.indicators.length === 0)
            return json(503, {
              error: `targets file ${this.config.targets_file} is not loaded; see the agent's log`,
            });
          const result = recordManualValue(
            this.store,
            this.config,
            this.indicators,
            this.clock.now(),
            parsed.data,
          );
          if (!result.ok) return json(400, { error: result.error });
          return json(201, result.record);
        },
      },
      "/api/kpi": {
        GET: (request) => {
          const refused = refuse(request);
          if (refused) return refused;
          const period =
            new URL(request.url ?? "/", "http://agent").searchParams.get("period") ??
            String(this.localYear(this.clock.now()));
          const report = kpiReport(this.store, this.config, this.indicators, period, this.clock.now());
          if ("error" in report) return json(400, { error: `period: ${report.error}` });
          return json(200, report);
        },
      },
    };
  }

  private localYear(now: Date): number {
    return Number(
      new Intl.DateTimeFormat("en-CA", { timeZone: this.config.timezone, year: "numeric" }).format(now),
    );
  }

  private loadIndicators(): void {
    try {
      this.indicators = indicatorsOf(this.config);
    } catch (error) {
      this.indicators = [];
      this.log.error(
        { err: (error as Error).message },
        "the targets file could not be loaded: no form indicators until it is fixed",
      );
    }
  }
}
