/**
 * Incidents: faults with a start, a first response (acknowledgement) and a resolution, from the
 * agent's own probes, from Alertmanager and from the centre's helpdesk tickets. The form's
 * "fault response timeliness (及时)" rows are computed from them (sla.ts).
 */

/** What the fault is about: the form judges the video conference and the big platform separately. */
export const CATEGORIES = ["videoconf", "platform", "machine_room", "antivirus"] as const;
export type Category = (typeof CATEGORIES)[number];

/** Chinese names, for messages and reports. */
export const CATEGORY_NAMES: Readonly<Record<Category, string>> = {
  videoconf: "视频会议",
  platform: "教育平台",
  machine_room: "机房",
  antivirus: "防病毒",
};

/** Priority (the helpdesk's P1 … P4; P1 most urgent). Alert severities and probe faults map onto it. */
export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Where an incident came from; with its source key it identifies the incident across re-deliveries. */
export type IncidentSource = "probe" | "alertmanager" | "ticket";

export type IncidentStatus = "open" | "acknowledged" | "resolved";

export interface Incident {
  id: number;
  source: IncidentSource;
  /** Probe: the collector and target key; Alertmanager: the fingerprint; ticket: the ticket id. */
  sourceKey: string;
  category: Category;
  priority: Priority;
  title: string;
  /** The thing that failed, as operators name it (target name, alert name, ticket subject). */
  target: string;
  startedAt: Date;
  acknowledgedAt?: Date;
  acknowledgedBy?: string;
  resolvedAt?: Date;
  resolvedBy?: string;
  status: IncidentStatus;
}

/** One thing that happened to an incident, in order: the event log behind every figure. */
export interface IncidentEvent {
  incidentId: number;
  at: Date;
  kind: "open" | "ack" | "resolve" | "reopen" | "note" | "update";
  /** Who did it: an operator's name, "agent", "alertmanager", "ticket import". */
  actor: string;
  text?: string;
}
