/**
 * "防护拦截及时" (interception timely), the pure computation: of the anti-malware events detected
 * in a period, which share was acted on (cleaned, quarantined, deleted, denied) within a bound.
 *
 * NOT YET WIRED TO A SOURCE: the Deep Security / Workload Security REST API v1 reference lists
 * no anti-malware event endpoint (events leave the manager by syslog/SIEM forwarding or the
 * legacy SOAP/REST web services), so the collector emits no interception metric yet; see README.
 */

export interface InterceptionEvent {
  detectedAt: Date;
  /** When the action was taken; undefined when no action is recorded. */
  actedAt?: Date | undefined;
  /** False when the action failed or was "pass" (left in place). */
  actionSucceeded: boolean;
}

export interface TimelinessResult {
  events: number;
  timely: number;
  /** timely ÷ events; undefined with no events (nothing to judge, never 0 or 100%). */
  ratio: number | undefined;
}

/** Events detected in [since, until) count; each is timely when acted on successfully within `boundMs`. */
export function interceptionTimeliness(
  events: readonly InterceptionEvent[],
  boundMs: number,
  since: Date,
  until: Date,
): TimelinessResult {
  let count = 0;
  let timely = 0;
  for (const event of events) {
    const t = event.detectedAt.getTime();
    if (Number.isNaN(t) || t < since.getTime() || t >= until.getTime()) continue;
    count++;
    if (!event.actionSucceeded || event.actedAt === undefined) continue;
    const delay = event.actedAt.getTime() - t;
    if (!Number.isNaN(delay) && delay >= 0 && delay <= boundMs) timely++;
  }
  return { events: count, timely, ratio: count === 0 ? undefined : timely / count };
}
