/**
 * The videoconf collector's own options: the video-conference systems, each with its MCUs (SIP
 * OPTIONS over the listed transports, and ICMP), its endpoints (one per school meeting room, by
 * ICMP), the http collector target that probes its management web, and the thresholds that turn
 * those parts into one health state.
 */
import * as z from "zod";
import { icmpOptions, icmpTarget, isValidAddress } from "../icmp/options.js";
import { checkCodeSets, sipProbeShape } from "../sip/options.js";

const sipPort = z
  .object({
    port: z.number().int().min(1).max(65535).default(5060),
    transport: z.enum(["udp", "tcp"]).default("udp"),
  })
  .strict();

export const mcuSpec = z
  .object({
    /** How the MCU is known in reports; unique within its system. */
    name: z.string().min(1).max(200),
    /** IPv4/IPv6 address or host name (no scheme, no port). */
    host: z.string().refine(isValidAddress, { message: "expected an IPv4 or IPv6 address or a host name" }),
    /** Where it answers SIP OPTIONS; each is probed every run. */
    sip: z
      .array(sipPort)
      .min(1)
      .default(() => [{ port: 5060, transport: "udp" as const }]),
    /** Also ping it (a bridge that drops ICMP by policy: set false). */
    icmp: z.boolean().default(true),
  })
  .strict();

const ratio = z.number().min(0).max(1);

export const systemSpec = z
  .object({
    /** The system's name as the centre knows it, e.g. 市教育视频会议系统; unique. */
    name: z.string().min(1).max(200),
    mcus: z.array(mcuSpec).min(1),
    /** Endpoints listed in the config. */
    endpoints: z.array(icmpTarget).default(() => []),
    /**
     * A CSV file of endpoints (header `name,address`, further columns become labels, e.g.
     * school,district), re-read when it changes. A bad row is skipped with a warning naming its
     * line; an unreadable file makes the endpoints unknown for the run.
     */
    endpoints_file: z.string().min(1).optional(),
    /** The http collector target that probes the management web, read from its latest result. */
    management_web: z
      .object({
        /** The http collector instance's name. */
        collector: z.string().min(1),
        /** The target's name in that collector. */
        target: z.string().min(1),
      })
      .strict()
      .optional(),
    /** When the parts make the system degraded or down. */
    health: z
      .object({
        /** Endpoints online below this share: degraded. */
        endpoints_degraded_below: ratio.default(0.8),
        /** Endpoints online below this share: down. Default: endpoints alone never make it down. */
        endpoints_down_below: ratio.optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((system, ctx) => {
    const names = new Set<string>();
    system.mcus.forEach((m, i) => {
      if (names.has(m.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["mcus", i, "name"],
          message: `duplicate MCU name "${m.name}"`,
        });
      }
      names.add(m.name);
    });
    const endpoints = new Set<string>();
    system.endpoints.forEach((e, i) => {
      if (endpoints.has(e.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", i, "name"],
          message: `duplicate endpoint name "${e.name}"`,
        });
      }
      endpoints.add(e.name);
    });
    const { endpoints_down_below: down, endpoints_degraded_below: degraded } = system.health;
    if (down !== undefined && down > degraded) {
      ctx.addIssue({
        code: "custom",
        path: ["health", "endpoints_down_below"],
        message: `${down} is above endpoints_degraded_below (${degraded}); down must be the lower bound`,
      });
    }
  });

/** How the pings are sent: the icmp collector's options, minus its own target list. */
const pingOptions = icmpOptions.pick({
  count: true,
  interval: true,
  ping_timeout: true,
  send_interval_ms: true,
  batch_size: true,
  concurrency: true,
  backend: true,
});

const sipProbe = z
  .object(sipProbeShape)
  .strict()
  .superRefine((options, ctx) => checkCodeSets(options, ctx));

export const videoconfOptions = z
  .object({
    systems: z
      .array(systemSpec)
      .min(1)
      .superRefine((systems, ctx) => {
        const seen = new Set<string>();
        systems.forEach((s, i) => {
          if (seen.has(s.name)) {
            ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate system name "${s.name}"` });
          }
          seen.add(s.name);
        });
      }),
    /** SIP OPTIONS: probe_timeout, up_codes, degraded_codes, concurrency (as the sip collector). */
    sip: sipProbe.prefault({}),
    /** Pings: count, interval, ping_timeout, … (as the icmp collector). */
    icmp: pingOptions.prefault({}),
  })
  .strict();

export type VideoconfOptions = z.output<typeof videoconfOptions>;
export type SystemSpec = z.output<typeof systemSpec>;
export type McuSpec = z.output<typeof mcuSpec>;
