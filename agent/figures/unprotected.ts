/**
 * The unprotected running VMs behind the antivirus coverage figure (the report's 机房 section and
 * the export's 偏差原因 both list these): every antivirus_protected series whose last
 * value of the month is 0, with the VM's information system (its target's `system` label) and
 * why it was unprotected (the reason code stored with its last sample; the renderers say it in
 * the report's language). A VM is its target key; two VMs that share a name are two rows.
 */
import type { AntivirusMetric } from "../../collectors/antivirus/metrics.js";
import { seriesFigures } from "../report/series.js";
import type { SqliteStore } from "../store/sqlite.js";

const PROTECTED_METRIC = "antivirus_protected" satisfies AntivirusMetric;

export interface UnprotectedVm {
  /** A label: clones share names. */
  name: string;
  /** The VM's id (its target key without "vm:"), which tells same-named VMs apart. */
  id?: string;
  /** Its information system. */
  system?: string;
  /** The antivirus reason code (anti_malware_off, …); the documents say it in their language. */
  reason?: string;
}

const DAY_SECONDS = 86_400;

/** Unprotected running VMs at the end of [from, to) (unix seconds), in series order. */
export function unprotectedVms(store: SqliteStore, from: number, to: number): UnprotectedVm[] {
  const keys = new Map(store.listSeries(PROTECTED_METRIC).map((s) => [s.seriesId, s.targetKey]));
  const targets = new Map(store.listTargets().map((t) => [t.key, t]));
  return seriesFigures(store, PROTECTED_METRIC, from, to)
    .filter((s) => s.last === 0)
    .map((s) => {
      const key = keys.get(s.seriesId);
      const system = key === undefined ? undefined : targets.get(key)?.labels.system;
      const reason = lastReason(store, s.seriesId, from, to);
      return {
        name: s.target,
        ...(key === undefined ? {} : { id: key.replace(/^vm:/, "") }),
        ...(system === undefined ? {} : { system }),
        ...(reason === undefined ? {} : { reason }),
      };
    });
}

/**
 * The reason of the series' last sample in the range: read from its last day first (a month of
 * 15-minute runs is 2,976 samples), then the whole range; none once the raw samples have aged out
 * of the raw retention (a month regenerated long after).
 */
function lastReason(store: SqliteStore, seriesId: number, from: number, to: number): string | undefined {
  const lastDay = store.querySamples(seriesId, Math.max(from, to - DAY_SECONDS), to);
  const samples = lastDay.length > 0 ? lastDay : store.querySamples(seriesId, from, to);
  return samples.at(-1)?.reason ?? undefined;
}
