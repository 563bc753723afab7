/**
 * `ops-agent demo`: the agent on the simulated machine room. Starts the simulated vCenter and Deep
 * Security Manager (simroom/) on the ports config/default.yaml names; on a database that holds no
 * series yet it first writes the simulated room's past (agent/demo-history/: from 1 January of the
 * current year, or `--history-from`), so the monthly report and the self-evaluation have months to
 * show; then runs the agent on that config until SIGTERM/SIGINT, and closes the simulators after
 * the agent has stopped. `--history-only` writes the history and exits (scripts/docs-render).
 */
import * as z from "zod";
import { systemClock } from "../clock.js";
import { databasePath } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { createLogger } from "../log.js";
import { localMidnight } from "../kpi/periods.js";
import { BucketCalendar } from "../store/buckets.js";
import { DEMO_PORTS, startSimulatedRoom } from "../../simroom/index.js";
import { randomBytes } from "node:crypto";
import { hashPassword } from "../console/password.js";
import { loadOrExit } from "./config-arg.js";
import { consoleUrl } from "./console-url.js";
import type { ConsoleLanguage } from "./console-language-option.js";
import { runCommand } from "./run.js";

export interface DemoOptions {
  config: string;
  /** commander's --no-history: false. */
  history?: boolean;
  historyFrom?: string;
  historyOnly?: boolean;
  /** --lang: the console's language whatever the browser prefers. */
  lang?: ConsoleLanguage;
}

const historyFromSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: "expected a date like 2026-01-01 (the history starts at its local midnight)",
  })
  .optional();

export async function demoCommand(options: DemoOptions): Promise<void> {
  const from = historyFromSchema.safeParse(options.historyFrom);
  if (!from.success) {
    console.error(
      `ops-agent demo: --history-from: "${options.historyFrom}": ${from.error.issues[0]?.message ?? "invalid"}`,
    );
    process.exit(78);
  }
  let room: Awaited<ReturnType<typeof startSimulatedRoom>>;
  try {
    room = await startSimulatedRoom();
  } catch (error) {
    console.error(
      `ops-agent demo: cannot start the simulated machine room (127.0.0.1 ports ${DEMO_PORTS.vcenter}, ` +
        `${DEMO_PORTS.deepSecurity}, ${DEMO_PORTS.platforms}–${DEMO_PORTS.platforms + 5}, ${DEMO_PORTS.mcu} and ${DEMO_PORTS.busyMcu}): ` +
        `${(error as Error).message}. Is another demo running?`,
    );
    process.exit(1);
  }
  console.error(
    `ops-agent demo: simulated vCenter at ${room.vcenter.url}, Deep Security Manager at ${room.deepSecurity.url}, ` +
      `six web platforms from port ${DEMO_PORTS.platforms}, MCUs (SIP) on ports ${room.mcu.port} and ${room.busyMcu.port} (busy)`,
  );
  if (options.history !== false) {
    const config = loadOrExit(options.config, "resolve");
    try {
      await writeHistory(config, from.data);
    } catch (error) {
      console.error(
        `ops-agent demo: the simulated history could not be written: ${(error as Error).message}`,
      );
      await room.close();
      process.exit(1);
    }
  }
  if (options.historyOnly) {
    await room.close();
    return;
  }
  // The console's first login: an account that exists only in this demo process, with a password
  // made now and printed once (never stored, never in the config).
  const password = randomBytes(9).toString("base64url");
  const account = {
    name: "demo",
    display_name: "演示管理员",
    role: "admin" as const,
    password_hash: await hashPassword(password),
  };
  await runCommand(options.config, {
    afterStop: () => room.close(),
    agentOptions: { consoleUsers: [account] },
    language: options.lang,
    afterStart: (agent) => {
      console.error(
        `ops-agent demo: 控制台 console: ${consoleUrl(agent.listenAddress)}  ` +
          `登录 login: demo  一次性密码 one-time password: ${password}  (only for this run)`,
      );
    },
  });
}

async function writeHistory(config: Config, fromDate: string | undefined): Promise<void> {
  const now = systemClock.now();
  const cal = new BucketCalendar(config.timezone);
  const [y, m, d] = (
    fromDate ??
    `${new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone, year: "numeric" }).format(now)}-01-01`
  )
    .split("-")
    .map(Number) as [number, number, number];
  const from = new Date(localMidnight(y, m, d, cal) * 1000);
  // Loaded only when a history is written: the daemon does not carry the generator.
  const { captureTemplates } = await import("../demo-history/templates.js");
  const { seedDemoHistory } = await import("../demo-history/seed.js");
  const { localDateTimeWithOffset } = await import("../local-time.js");
  const log = createLogger({ ...config.log, level: "warn" });
  const say = (line: string) => console.error(`ops-agent demo: ${line}`);
  const templates = await captureTemplates(config, { clock: systemClock, log });
  say(
    `writing the simulated machine room's history (模拟数据, not measured) from ${localDateTimeWithOffset(from, config.timezone)} ` +
      `to ${localDateTimeWithOffset(now, config.timezone)} into ${databasePath(config)}`,
  );
  const outcome = await seedDemoHistory(config, templates, { from, now, log: say });
  if ("skipped" in outcome) say(`no simulated history written: ${outcome.skipped}`);
  else {
    const w = outcome.written;
    say(
      `simulated history written in ${w.seconds.toFixed(1)} s (seed ${outcome.marker.seed}): ${w.series} series, ` +
        `${w.counts.throughStore} raw samples and ${w.counts.rollupOnly} more as rollups, ${w.plan.outages.length} outages, ` +
        `${w.incidents} incidents, ${w.records} manual records, ${w.reports.length} monthly reports`,
    );
  }
}
