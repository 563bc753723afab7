/**
 * `ops-agent once`: run every enabled collector once, now, and print what it measured. Nothing is
 * written to the store, so it is safe beside a running agent. Exit 1 when a collector failed, 78
 * for an unknown --collector.
 *
 * `--collector NAME` (repeatable) prints only those collectors; the collectors they build on run
 * too, unprinted: the inventory ones for a collector that uses the inventory (antivirus coverage
 * and pings from guest IPs need this run's VMs), and for a collector that combines others'
 * results (videoconf) all of them. On a terminal,
 * a line per collector on stderr says how far the run is (a vCenter of 253 VMs takes seconds).
 */
import { systemClock } from "../clock.js";
import { instanceName } from "../instances.js";
import { isInventoryType } from "../inventory.js";
import { createLogger } from "../log.js";
import { runCollectorsOnce } from "../run-once.js";
import { formatValue } from "./format-value.js";
import { renderTable } from "./table.js";
import { headers } from "./cli-text.js";
import { loadOrExit } from "./config-arg.js";
import { EXIT_CONFIG } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { nearest } from "../nearest.js";
import { pluginFor } from "../../collectors/index.js";
import { wantsChinese } from "./locale.js";
import type { RunStatus } from "../runner.js";

type CollectorConfig = Config["collectors"][number];

/** The named collectors and those they build on (see the file's comment). */
function runsFor(wanted: readonly string[], enabled: readonly CollectorConfig[]): CollectorConfig[] {
  const named = enabled.filter((c) => wanted.includes(instanceName(c)));
  if (named.some((c) => pluginFor(c.type)?.readsLatest === true)) return [...enabled];
  const onInventory = named.some((c) => pluginFor(c.type)?.usesInventory === true);
  return enabled.filter((c) => wanted.includes(instanceName(c)) || (onInventory && isInventoryType(c.type)));
}

export interface OnceOptions {
  json?: boolean;
  /** Collector names to run and print (default: every enabled one). */
  collector?: string[];
  /** Where progress lines go (default: stderr when it is a terminal, else nowhere). */
  progress?: NodeJS.WritableStream | undefined;
  /** Progress lines in Chinese (default: when LC_ALL, LC_MESSAGES or LANG is zh…). */
  chinese?: boolean;
}

const ZH_STATUS: Readonly<Record<RunStatus, string>> = { ok: "正常", failed: "失败", timeout: "超时" };

/** The progress lines a person watches on the terminal, in their language. */
function progressLines(chinese: boolean) {
  return chinese
    ? {
        start: (names: string[]) => `运行 ${names.length} 个采集器：${names.join("、")}\n`,
        finished: (n: number, total: number, name: string, status: RunStatus, samples: number, ms: number) =>
          `[${n}/${total}] ${name}：${ZH_STATUS[status]}，${samples} 个样本，用时 ${ms} 毫秒`,
      }
    : {
        start: (names: string[]) => `running ${names.length} collector(s): ${names.join(", ")}\n`,
        finished: (n: number, total: number, name: string, status: RunStatus, samples: number, ms: number) =>
          `[${n}/${total}] ${name}: ${status}, ${samples} samples in ${ms} ms`,
      };
}

export async function onceCommand(path: string, options: OnceOptions): Promise<number> {
  const config = loadOrExit(path, "resolve");
  const wanted = options.collector ?? [];
  const enabled = config.collectors.filter((c) => c.enabled);
  const unknown = wanted.filter((name) => !enabled.some((c) => instanceName(c) === name));
  if (unknown.length > 0) {
    const names = enabled.map(instanceName);
    for (const name of unknown) {
      const hint = nearest(name, names);
      console.error(
        `once: --collector: no enabled collector named "${name}"` +
          (hint === undefined ? "" : `; did you mean "${hint}"?`) +
          ` (collectors: ${names.join(", ")})`,
      );
    }
    return EXIT_CONFIG;
  }
  const selected = wanted.length === 0 ? enabled : runsFor(wanted, enabled);
  const progress = options.progress ?? (process.stderr.isTTY ? process.stderr : undefined);
  // Logs go to stderr so the table (or JSON) on stdout stays clean.
  const log = createLogger(
    { level: config.log.level === "info" ? "warn" : config.log.level, format: "json" },
    process.stderr,
  );
  const chinese = options.chinese ?? wantsChinese(process.env);
  const lines = progressLines(chinese);
  progress?.write(lines.start(selected.map(instanceName)));
  const outcomes = await runCollectorsOnce(config, {
    clock: systemClock,
    log,
    include: (c) => selected.includes(c),
    onFinished: (o, finished, total) =>
      progress?.write(
        lines.finished(finished, total, o.collector, o.status, o.samples.length, Math.round(o.durationMs)) +
          `${o.error === undefined ? "" : ` (${o.error})`}\n`,
      ),
  });
  if (wanted.length > 0) {
    const shown = outcomes.filter((o) => wanted.includes(o.collector));
    outcomes.length = 0;
    outcomes.push(...shown);
  }
  if (options.json) {
    console.log(
      JSON.stringify(
        outcomes.map(({ kept: _kept, ...o }) => o),
        null,
        2,
      ),
    );
  } else {
    const zh = chinese;
    const rows: string[][] = [];
    for (const o of outcomes) {
      if (o.status !== "ok") {
        rows.push([
          o.collector,
          zh ? "（全部目标）" : "(all targets)",
          "-",
          "",
          zh ? "未知" : "unknown",
          `${o.status}: ${o.error ?? ""}`,
        ]);
        continue;
      }
      for (const s of o.samples) {
        const labels = Object.entries(s.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
        const state =
          s.up === undefined
            ? ""
            : s.up
              ? zh
                ? "正常"
                : "up"
              : `${zh ? "异常" : "down"} (${s.reason ?? "?"}${s.detail ? `: ${s.detail}` : ""})`;
        rows.push([
          o.collector,
          s.target.name,
          s.metric,
          labels,
          s.value === null ? "-" : formatValue(s.metric, s.value),
          state,
        ]);
      }
    }
    console.log(renderTable(headers("once", zh ? "zh" : "en"), rows));
    for (const o of outcomes) {
      console.log(
        zh
          ? `${o.collector}：${o.status === "ok" ? "正常" : o.status}，${o.samples.length} 个样本，用时 ${Math.round(o.durationMs)} 毫秒`
          : `${o.collector}: ${o.status}, ${o.samples.length} samples in ${Math.round(o.durationMs)} ms`,
      );
    }
  }
  return outcomes.every((o) => o.status === "ok") ? 0 : 1;
}
