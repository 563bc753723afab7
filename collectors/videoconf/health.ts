/**
 * One health state per video-conference system, from its parts. The rule (also in README.md):
 *  - an MCU is up when every SIP port it lists answered OPTIONS with an up code, degraded when at
 *    least one answered (an up or a degraded code such as 503 busy), down when none answered;
 *  - the system is DOWN when every MCU is down, or when the endpoints online share is below
 *    `endpoints_down_below` (if set);
 *  - else DEGRADED when any MCU is not up, an MCU does not answer ping, the endpoints online share
 *    is below `endpoints_degraded_below`, or the management web probe is down;
 *  - else HEALTHY.
 * A part whose state is unknown (management web not probed yet, endpoints file unreadable, ping
 * program missing) changes nothing and is named in the reasons as unknown: never a false down.
 */

export type HealthState = "healthy" | "degraded" | "down";

/** Numeric form for the metric: Grafana maps it to colours; higher is better. */
export const HEALTH_VALUE: Readonly<Record<HealthState, number>> = { healthy: 2, degraded: 1, down: 0 };

export interface PartResult {
  up: boolean;
  reason?: string;
  detail?: string;
}

export interface SipPortResult extends PartResult {
  transport: "udp" | "tcp";
  port: number;
  /** Answered with one of degraded_codes. */
  degraded: boolean;
}

export interface McuParts {
  name: string;
  sip: readonly SipPortResult[];
  /** Ping result; "unknown" when the ping program could not run; undefined when not pinged. */
  icmp?: PartResult | "unknown";
}

export type EndpointsPart =
  { kind: "none" } | { kind: "unknown"; why: string } | { kind: "measured"; online: number; total: number };

export interface SystemParts {
  mcus: readonly McuParts[];
  endpoints: EndpointsPart;
  /** undefined: no management web configured. */
  managementWeb?: PartResult | { unknown: string };
}

export interface HealthThresholds {
  endpointsDegradedBelow: number;
  endpointsDownBelow?: number;
}

export interface Health {
  state: HealthState;
  /** The first reason's code (mcu_down, mcu_degraded, mcu_icmp, endpoints, management_web); none when healthy. */
  reason?: string;
  /** Every reason an operator reads, the worst first; unknown parts last. */
  reasons: string[];
}

type McuState = "up" | "degraded" | "down";

export function mcuState(mcu: McuParts): McuState {
  const up = mcu.sip.filter((p) => p.up).length;
  if (up === mcu.sip.length) return "up";
  return up > 0 || mcu.sip.some((p) => p.degraded) ? "degraded" : "down";
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

function sipProblems(mcu: McuParts): string[] {
  return mcu.sip
    .filter((p) => !p.up)
    .map((p) => `MCU ${mcu.name} ${p.transport}/${p.port}: ${p.detail ?? p.reason ?? "down"}`);
}

export function judgeSystem(parts: SystemParts, thresholds: HealthThresholds): Health {
  const down: { code: string; text: string }[] = [];
  const degraded: { code: string; text: string }[] = [];
  const unknown: string[] = [];

  const states = parts.mcus.map(mcuState);
  parts.mcus.forEach((mcu, i) => {
    const state = states[i];
    if (state === "down") degraded.push({ code: "mcu_down", text: sipProblems(mcu).join("; ") });
    else if (state === "degraded") degraded.push({ code: "mcu_degraded", text: sipProblems(mcu).join("; ") });
    if (mcu.icmp === "unknown") unknown.push(`MCU ${mcu.name} ping: unknown`);
    else if (mcu.icmp !== undefined && !mcu.icmp.up) {
      degraded.push({
        code: "mcu_icmp",
        text: `MCU ${mcu.name} ping: ${mcu.icmp.detail ?? mcu.icmp.reason ?? "no reply"}`,
      });
    }
  });
  if (states.length > 0 && states.every((s) => s === "down")) {
    // Every MCU down: the system cannot hold a meeting. The per-MCU lines move up as the cause.
    const lines = degraded.filter((d) => d.code === "mcu_down");
    down.push({
      code: "mcu_down",
      text: `no MCU answers SIP OPTIONS: ${lines.map((d) => d.text).join("; ")}`,
    });
    degraded.splice(0, degraded.length, ...degraded.filter((d) => d.code !== "mcu_down"));
  }

  const ep = parts.endpoints;
  if (ep.kind === "unknown") unknown.push(`endpoints: unknown (${ep.why})`);
  else if (ep.kind === "measured" && ep.total > 0) {
    const ratio = ep.online / ep.total;
    const text = `endpoints online ${percent(ratio)} (${ep.online} of ${ep.total})`;
    if (thresholds.endpointsDownBelow !== undefined && ratio < thresholds.endpointsDownBelow) {
      down.push({ code: "endpoints", text: `${text}, down below ${percent(thresholds.endpointsDownBelow)}` });
    } else if (ratio < thresholds.endpointsDegradedBelow) {
      degraded.push({
        code: "endpoints",
        text: `${text}, degraded below ${percent(thresholds.endpointsDegradedBelow)}`,
      });
    }
  }

  const web = parts.managementWeb;
  if (web !== undefined) {
    if ("unknown" in web) unknown.push(`management web: unknown (${web.unknown})`);
    else if (!web.up) {
      degraded.push({
        code: "management_web",
        text: `management web: ${web.detail ?? web.reason ?? "down"}`,
      });
    }
  }

  const state: HealthState = down.length > 0 ? "down" : degraded.length > 0 ? "degraded" : "healthy";
  const ordered = [...down, ...degraded];
  return {
    state,
    ...(ordered[0] === undefined ? {} : { reason: ordered[0].code }),
    reasons: [...ordered.map((r) => r.text), ...unknown],
  };
}
