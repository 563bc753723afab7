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

export function judgeResponse(
  incident: Pick<Incident, "category" | "priority" | "startedAt" | "acknowledgedAt" | "resolvedAt">,
  policy: SlaPolicy,
  asOf: Date,
): ResponseJudgement {
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
  const tally = new TimelinessTally(policy);
  for (const i of incidents) {
    if (i.startedAt.getTime() >= from.getTime() && i.startedAt.getTime() < to.getTime())
      tally.add(i.category, judgeResponse(i, policy, asOf));
  }
  return tally.result();
}

interface Counts {
  incidents: number;
  within: number;
  late: number;
  pending: number;
  responseTimesMs: number[];
}

/**
 * timeliness() one incident at a time, for callers that read the period in pages (the incident
 * metrics read the year without holding the event loop for all of it): each incident judged once.
 */
export class TimelinessTally {
  private readonly counts = new Map<Category | "all", Counts>(
    [...CATEGORIES, "all" as const].map((c) => [
      c,
      { incidents: 0, within: 0, late: 0, pending: 0, responseTimesMs: [] },
    ]),
  );

  constructor(private readonly policy: SlaPolicy) {}

  add(category: Category, judged: ResponseJudgement): void {
    // A category the form does not know still counts in "all".
    for (const c of [this.counts.get(category), this.counts.get("all")]) {
      if (c === undefined) continue;
      c.incidents += 1;
      if (judged.verdict === "within") c.within += 1;
      else if (judged.verdict === "late") c.late += 1;
      else c.pending += 1;
      if (judged.responseMs !== undefined) c.responseTimesMs.push(judged.responseMs);
    }
  }

  result(): Timeliness[] {
    return [...CATEGORIES, "all" as const].map((category) => {
      const c = this.counts.get(category) as Counts;
      const decided = c.within + c.late;
      const share = decided > 0 ? c.within / decided : null;
      return {
        category,
        incidents: c.incidents,
        within: c.within,
        late: c.late,
        pending: c.pending,
        share,
        timely: share === null ? true : share >= this.policy.timely_share,
        noData: decided === 0,
        responseTimesMs: [...c.responseTimesMs].sort((a, b) => a - b),
      };
    });
  }
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
