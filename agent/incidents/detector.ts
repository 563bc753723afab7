/**
 * Incidents from the agent's own probes. Per target (collector + target key): `open_after`
 * consecutive failed probes open an incident whose start is the first of them; `resolve_after`
 * consecutive good probes resolve it at the first good one. A target failing again within
 * `reopen_within` of its last resolution reopens that incident (flapping damping) instead of
 * opening a new one. Inside a maintenance window failures do not count, so nothing opens. A
 * failed collector run is unknown, not a failure: it changes no counter.
 */
import { pluginFor } from "../../collectors/index.js";
import type { Sample, TargetRef } from "../../collectors/types.js";
import type { DetectionRule, IncidentsConfig } from "../../config/incidents.js";
import type { RunOutcome } from "../runner.js";
import type { IncidentStore } from "../store/incident-store.js";
import type { StoredIncident } from "../store/incident-store-types.js";
import type { Category, Priority } from "./types.js";

export interface IncidentChange {
  kind: "open" | "reopen" | "resolve";
  incident: StoredIncident;
  at: Date;
}

interface TargetState {
  fails: number;
  firstFailAt?: Date;
  good: number;
  firstGoodAt?: Date;
  /** The incident open for this target, if any. */
  open?: number;
}

interface Rule {
  category: Category;
  priority: Priority;
  openAfter: number;
  resolveAfter: number;
}

const MAX_TITLE = 200;

export class IncidentDetector {
  private readonly states = new Map<string, TargetState>();

  constructor(
    private readonly store: IncidentStore,
    private readonly config: IncidentsConfig,
    /** Is the target (by name) inside a maintenance window at this time? */
    private readonly inMaintenance: (targetName: string, time: Date) => boolean,
    private readonly onChange: (change: IncidentChange) => void = () => undefined,
  ) {
    // Carry on after a restart: the incidents still open stay open, and their targets count as failing.
    for (const incident of store.list({ source: "probe", status: "unresolved" })) {
      this.states.set(incident.subject, { fails: 0, good: 0, open: incident.id });
    }
  }

  observe(outcome: RunOutcome): void {
    if (!this.config.detect || outcome.status !== "ok") return;
    const byTarget = new Map<string, { target: TargetRef; failing: Sample[]; time: Date }>();
    for (const sample of outcome.samples) {
      if (sample.up === undefined || this.config.ignore_kinds.includes(sample.target.kind)) continue;
      let entry = byTarget.get(sample.target.key);
      if (!entry) {
        entry = { target: sample.target, failing: [], time: sample.time ?? outcome.startedAt };
        byTarget.set(sample.target.key, entry);
      }
      if (!sample.up) entry.failing.push(sample);
    }
    for (const { target, failing, time } of byTarget.values()) {
      const rule = this.ruleFor(outcome.collector, outcome.type, target);
      if (rule === undefined) continue;
      const subject = `${outcome.collector}|${target.key}`;
      if (failing.length > 0) this.failed(subject, target, failing, time, rule);
      else this.succeeded(subject, time, rule);
    }
  }

  private failed(subject: string, target: TargetRef, failing: Sample[], time: Date, rule: Rule): void {
    const state = this.stateOf(subject);
    state.good = 0;
    delete state.firstGoodAt;
    if (state.open !== undefined && this.store.get(state.open)?.resolvedAt !== undefined) {
      // Resolved by an operator meanwhile: a new failure cycle starts with this failure.
      delete state.open;
      state.fails = 0;
      delete state.firstFailAt;
    }
    if (this.inMaintenance(target.name, time)) {
      state.fails = 0;
      delete state.firstFailAt;
      return;
    }
    if (state.fails === 0) state.firstFailAt = time;
    state.fails += 1;
    if (state.open !== undefined || state.fails < rule.openAfter) return;
    const start = state.firstFailAt ?? time;
    const why = failing.map((s) => s.detail ?? s.reason ?? "down").join("; ");
    const latest = this.store.latest("probe", subject);
    if (
      latest?.resolvedAt !== undefined &&
      this.config.reopen_within > 0 &&
      start.getTime() - latest.resolvedAt.getTime() <= this.config.reopen_within
    ) {
      const incident = this.store.reopen(latest.id, "agent", start, `failing again: ${why}`);
      state.open = incident.id;
      this.onChange({ kind: "reopen", incident, at: start });
      return;
    }
    const incident = this.store.open(
      {
        source: "probe",
        sourceKey: `${subject}|${start.getTime()}`,
        subject,
        category: rule.category,
        priority: rule.priority,
        title: bound(`${target.name}: ${why}`),
        target: target.name,
        startedAt: start,
      },
      "agent",
      `${state.fails} consecutive failed probes: ${why}`,
    );
    state.open = incident.id;
    this.onChange({ kind: "open", incident, at: start });
  }

  private succeeded(subject: string, time: Date, rule: Rule): void {
    const state = this.stateOf(subject);
    state.fails = 0;
    delete state.firstFailAt;
    if (state.open === undefined) return;
    if (state.good === 0) state.firstGoodAt = time;
    state.good += 1;
    if (state.good < rule.resolveAfter) return;
    // Never before the incident began (the clock may have stepped back since).
    const started = this.store.get(state.open)?.startedAt.getTime() ?? 0;
    const at = new Date(Math.max(started, (state.firstGoodAt ?? time).getTime()));
    const { incident, first } = this.store.resolve(
      state.open,
      "agent",
      at,
      `${state.good} consecutive good probes`,
    );
    delete state.open;
    state.good = 0;
    if (first) this.onChange({ kind: "resolve", incident, at });
  }

  private stateOf(subject: string): TargetState {
    let state = this.states.get(subject);
    if (!state) this.states.set(subject, (state = { fails: 0, good: 0 }));
    return state;
  }

  /** The first matching rule's settings over the defaults; undefined when a rule turns detection off. */
  private ruleFor(collector: string, type: string, target: TargetRef): Rule | undefined {
    const match: DetectionRule | undefined = this.config.rules.find(
      (r) =>
        (r.collector === undefined || r.collector === collector) &&
        (r.target === undefined || r.target === target.name) &&
        (r.kind === undefined || r.kind === target.kind),
    );
    if (match?.enabled === false) return undefined;
    return {
      category: match?.category ?? pluginFor(type)?.incidentCategory ?? "machine_room",
      priority: match?.priority ?? "P2",
      openAfter: match?.open_after ?? this.config.open_after,
      resolveAfter: match?.resolve_after ?? this.config.resolve_after,
    };
  }
}

function bound(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  const chars = Array.from(clean);
  return chars.length <= MAX_TITLE ? clean : `${chars.slice(0, MAX_TITLE - 1).join("")}…`;
}
