/**
 * The demo's data for tests: config/default.yaml pointed at a simulated machine room on ports
 * chosen at start and at a temporary data directory, and the demo's simulated history written into
 * it (agent/demo-history/) up to an injected `now`, as `ops-agent demo` writes it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { ManualClock } from "../../agent/clock.js";
import { captureTemplates } from "../../agent/demo-history/templates.js";
import { seedDemoHistory, type SeedOutcome } from "../../agent/demo-history/seed.js";
import { silentLogger } from "../../agent/log.js";
import { startSimulatedRoom, type SimulatedRoom } from "../../simroom/index.js";
import { PLATFORM_NAMES } from "../../simroom/platforms/index.js";

/** config/default.yaml pointed at `room`, with its own data directory and /metrics port. */
export function demoConfigText(room: SimulatedRoom, dataDir: string, port = 9): string {
  let text = readFileSync("config/default.yaml", "utf8")
    .replaceAll("127.0.0.1:9464", `127.0.0.1:${port}`)
    .replaceAll("127.0.0.1:19443", `127.0.0.1:${room.vcenter.port}`)
    .replaceAll("127.0.0.1:19444", `127.0.0.1:${room.deepSecurity.port}`)
    .replaceAll("port: 15060", `port: ${room.mcu.port}`)
    .replaceAll("port: 15062", `port: ${room.busyMcu.port}`)
    .replace("data_dir: ./data", `data_dir: ${JSON.stringify(dataDir)}`);
  PLATFORM_NAMES.forEach((name, i) => {
    text = text.replaceAll(`127.0.0.1:${19450 + i}/`, `127.0.0.1:${room.platforms.platforms[name].port}/`);
  });
  return text;
}

export interface SeededDemo {
  config: Config;
  configPath: string;
  outcome: SeedOutcome;
}

/** Starts a simulated room, writes the demo's history into `dir`/data up to `now`, stops the room. */
export async function seededDemo(
  dir: string,
  from: Date,
  now: Date,
  log: (line: string) => void = () => {},
): Promise<SeededDemo> {
  const room = await startSimulatedRoom({ vcenter: 0, deepSecurity: 0, platforms: 0, mcu: 0, busyMcu: 0 });
  try {
    const text = demoConfigText(room, join(dir, "data"));
    const configPath = join(dir, "default.yaml");
    writeFileSync(configPath, text);
    const loaded = parseConfigText(text);
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    const clock = new ManualClock(now);
    const templates = await captureTemplates(loaded.config, { clock, log: silentLogger });
    const outcome = await seedDemoHistory(loaded.config, templates, { from, now, log });
    return { config: loaded.config, configPath, outcome };
  } finally {
    await room.close();
  }
}
