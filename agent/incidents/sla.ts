/**
 * Fault response timeliness (故障响应及时), as DESIGN.md states it:
 *  - response time = first acknowledgement − start. An incident resolved before anyone
 *    acknowledged it counts its resolution as the response (the fault was dealt with);
 *  - it is within SLA when the response time is at most the bound for its category and priority;
 *  - an incident with no response yet is late once its bound has passed (as of the evaluation
 *    time), and pending before that (left out of the share until it is decided);
 *  - a period's share = within ÷ (within + late) over the incidents that started in it; the
 *    period is timely (及时) when the share is at least `timely_share`; a period without faults is
 *    timely with no data behind it, and says so.
 */
import type { IncidentsConfig } from "../../config/incidents.js";
import { CATEGORIES, type Category, type Incident, type Priority } from "./types.js";

export type SlaPolicy = IncidentsConfig["sla"];

export type Verdict = "within" | "late" | "pending";

export interface ResponseJudgement {
  verdict: Verdict;
  boundMs: number;
  /** undefined while nobody has responded. */
  responseMs?: number;
  /** Resolution − start, once resolved. */
  resolutionMs?: number;
}

export function responseBoundMs(policy: SlaPolicy, category: Category, priority: Priority): number {
  return policy.categories[category]?.[priority] ?? policy.response[priority];
}

export function judgeResponse(incident: Incident, policy: SlaPolicy, asOf: Date): ResponseJudgement {
  const boundMs = responseBoundMs(policy, incident.category, incident.priority);
  const start = incident.startedAt.getTime();
  // The first of acknowledgement and resolution: an acknowledgement after the fault was resolved
  // does not move the response later.
  const candidates = [incident.acknowledgedAt, incident.resolvedAt].filter((d): d is Date => d !== undefined);
  const responded =
    candidates.length === 0 ? undefined : new Date(Math.min(...candidates.map((d) => d.getTime())));
  const resolutionMs = incident.resolvedAt === undefined ? undefined : incident.resolvedAt.getTime() - start;
  const extra = resolutionMs === undefined ? {} : { resolutionMs };
  if (responded !== undefined) {
    const responseMs = Math.max(0, responded.getTime() - start);
    return { verdict: responseMs <= boundMs ? "within" : "late", boundMs, responseMs, ...extra };
  }
  return { verdict: asOf.getTime() - start > boundMs ? "late" : "pending", boundMs, ...extra };
}

export interface Timeliness {
  category: Category | "all";
  incidents: number;
  within: number;
  late: number;
  pending: number;
  /** within ÷ (within + late); null without decided incidents. */
  share: number | null;
  /** share ≥ timely_share; true with no decided incidents (no fault, nothing late), see noData. */
  timely: boolean;
  noData: boolean;
  /** Response times of the answered incidents, ms, ascending. */
  responseTimesMs: number[];
}

/** Timeliness of the incidents that started in [from, to), per category and overall, as of `asOf`. */
export function timeliness(
  incidents: readonly Incident[],
  policy: SlaPolicy,
  from: Date,
  to: Date,
  asOf: Date,
): Timeliness[] {
  const inPeriod = incidents.filter(
    (i) => i.startedAt.getTime() >= from.getTime() && i.startedAt.getTime() < to.getTime(),
  );
  const tally = (category: Category | "all"): Timeliness => {
    const chosen = category === "all" ? inPeriod : inPeriod.filter((i) => i.category === category);
    let within = 0;
    let late = 0;
    let pending = 0;
    const responseTimesMs: number[] = [];
    for (const incident of chosen) {
      const judged = judgeResponse(incident, policy, asOf);
      if (judged.verdict === "within") within += 1;
      else if (judged.verdict === "late") late += 1;
      else pending += 1;
      if (judged.responseMs !== undefined) responseTimesMs.push(judged.responseMs);
    }
    const decided = within + late;
    const share = decided > 0 ? within / decided : null;
    return {
      category,
      incidents: chosen.length,
      within,
      late,
      pending,
      share,
      timely: share === null ? true : share >= policy.timely_share,
      noData: decided === 0,
      responseTimesMs: responseTimesMs.sort((a, b) => a - b),
    };
  };
  return [...CATEGORIES.map(tally), tally("all")];
}

/** The rule in words, printed under every timeliness figure. */
export function timelinessRule(policy: SlaPolicy): string {
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  const bounds = (["P1", "P2", "P3", "P4"] as const)
    .map((p) => `${p} ≤ ${minutes(policy.response[p])}`)
    .join(", ");
  const overrides = Object.entries(policy.categories)
    .flatMap(([category, bounds]) =>
      Object.entries(bounds ?? {})
        .filter((entry): entry is [string, number] => entry[1] !== undefined)
        .map(([p, ms]) => `${category} ${p} ≤ ${minutes(ms)}`),
    )
    .join(", ");
  return (
    `response time = first acknowledgement − start (a fault resolved before any acknowledgement: its resolution); ` +
    `within SLA when ≤ the bound (${bounds}${overrides ? `; overrides: ${overrides}` : ""}); unanswered past the bound = late; ` +
    `timely when within ÷ (within + late) ≥ ${(policy.timely_share * 100).toFixed(0)}%`
  );
}
