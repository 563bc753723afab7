/**
 * 视频会议 health over a span, per system (DESIGN.md, Video-conference system health): the share
 * of the span each system was healthy, degraded or down, its endpoints online, and each MCU's
 * SIP answer share and round trip — from the daily rollups of the videoconf collector's series.
 * The report's 视频会议 section shows these.
 */
import type { VideoconfMetric } from "../../collectors/videoconf/metrics.js";
import { seriesFigures } from "../report/series.js";
import type { SqliteStore } from "../store/sqlite.js";
import type { Span } from "./types.js";

export interface VideoconfSystemHealth {
  system: string;
  /** Share of the span's runs per state, 0–1 each. */
  healthy: number;
  degraded: number;
  down: number;
  /** Mean endpoints online share, 0–1; null when none listed. */
  endpointsOnline: number | null;
  mcus: { name: string; sipUp: number | null; meanRttMs: number | null }[];
}

const metric = (name: VideoconfMetric): VideoconfMetric => name;

export function videoconfHealth(store: SqliteStore, span: Span): VideoconfSystemHealth[] {
  const { from, to } = span;
  const states = seriesFigures(store, metric("videoconf_system_state"), from, to);
  const ratio = seriesFigures(store, metric("videoconf_endpoints_online_ratio"), from, to);
  const sip = seriesFigures(store, metric("videoconf_mcu_sip_up"), from, to);
  const rtt = seriesFigures(store, metric("videoconf_mcu_sip_rtt_seconds"), from, to);
  const systems = [...new Set(states.map((s) => s.target))].sort();
  const mcuSystem = new Map(
    store
      .listTargets()
      .filter((t) => t.kind === "mcu")
      .map((t) => [t.name, t.labels.system ?? ""]),
  );
  return systems.map((system) => {
    const share = (state: string) =>
      states.find((s) => s.target === system && s.labels.state === state)?.mean ?? 0;
    const mcus = [...new Set(sip.filter((s) => mcuSystem.get(s.target) === system).map((s) => s.target))].map(
      (name) => {
        const ups = sip.filter((s) => s.target === name && s.mean !== null);
        const rtts = rtt.filter((s) => s.target === name && s.mean !== null);
        return {
          name,
          sipUp: ups.length > 0 ? ups.reduce((s, u) => s + (u.mean as number), 0) / ups.length : null,
          meanRttMs:
            rtts.length > 0 ? (rtts.reduce((s, u) => s + (u.mean as number), 0) / rtts.length) * 1000 : null,
        };
      },
    );
    return {
      system,
      healthy: share("healthy"),
      degraded: share("degraded"),
      down: share("down"),
      endpointsOnline: ratio.find((r) => r.target === system)?.mean ?? null,
      mcus,
    };
  });
}
