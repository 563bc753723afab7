import type { Incident } from "../../agent/incidents/types.js";
import type { NotifyEvent } from "../../agent/notify/message.js";

/** 2026-11-30 08:00 Asia/Shanghai. */
export const STARTED = new Date("2026-11-30T08:00:00+08:00");

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 42,
    source: "probe",
    sourceKey: "videoconf/mcu-1",
    category: "videoconf",
    priority: "P1",
    title: "无响应",
    target: "mcu-1",
    startedAt: STARTED,
    status: "open",
    ...overrides,
  };
}

export function openEvent(overrides: Partial<Incident> = {}): NotifyEvent {
  return { kind: "open", incident: incident(overrides), at: STARTED };
}
