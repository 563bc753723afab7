/**
 * `ops-agent run`: the daemon. SIGTERM/SIGINT stop it cleanly (exit 0); SIGHUP reloads the config
 * file — a config with errors is rejected, its errors logged, and the running one kept.
 */
import { databasePath, loadConfigFile } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import type { ConsoleLanguage } from "./console-language-option.js";
import { systemClock } from "../clock.js";
import { Agent, type AgentOptions } from "../daemon.js";
import { createLogger } from "../log.js";
import { StoreError } from "../store/errors.js";
import { diskFull } from "../store/open.js";
import { loadOrExit } from "./config-arg.js";

export interface RunHooks {
  /** Runs after the agent stopped and before the process exits (the demo closes its simulators). */
  afterStop?: () => Promise<void>;
  /** Options for the agent (the demo's one-time console account). */
  agentOptions?: AgentOptions;
  /** Runs once the agent listens (the demo prints the console's address and login). */
  afterStart?: (agent: Agent) => void;
  /** The command line's settings over the file's (`--lang`), at start and at every SIGHUP reload. */
  language?: ConsoleLanguage;
}

/** The file's config with the command line's settings over it. */
function withCommandLine(config: Config, hooks: RunHooks): Config {
  return hooks.language === undefined
    ? config
    : { ...config, console: { ...config.console, language: hooks.language } };
}

export async function runCommand(path: string, hooks: RunHooks = {}): Promise<void> {
  const config = withCommandLine(loadOrExit(path, "resolve"), hooks);
  const log = createLogger(config.log);
  let agent: Agent;
  let started: Agent | undefined;
  // A rejection nobody handled is a bug, but not one that has corrupted state: the request or run
  // it belonged to failed, the rest of the agent is sound. Node 20 would end the process (and
  // stop measuring the year) — log it, count it, and keep serving. An uncaught exception is
  // different (a synchronous throw may have left any object half-updated): log it and exit 1 so
  // that systemd or the container restarts a clean process.
  process.on("unhandledRejection", (reason) => {
    log.error(
      { err: reason },
      "unhandled promise rejection (a bug: please report it); the agent keeps running",
    );
    started?.noteUnhandledRejection();
  });
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; exiting so that the service manager restarts the agent");
    process.exit(1);
  });
  try {
    agent = await Agent.start(config, systemClock, log, hooks.agentOptions);
    started = agent;
    hooks.afterStart?.(agent);
  } catch (error) {
    // Startup problems (database locked or corrupt, data directory, port taken) are for a person:
    // one clear line on stderr, a non-zero exit, nothing stored touched.
    const code = (error as { code?: string }).code ?? "";
    // A full disk can stop the start anywhere the store writes (the lock, the log, a migration):
    // the message names the database and says to free space.
    const reason =
      !(error instanceof StoreError) && (code.startsWith("SQLITE_FULL") || code === "ENOSPC")
        ? diskFull(databasePath(config), code).message
        : (error as Error).message;
    console.error(`ops-agent: ${reason}`);
    // The trace is for a developer, on request (`--verbose`); the line above is for a person.
    if (process.argv.includes("--verbose")) console.error((error as Error).stack);
    if (!(error instanceof StoreError)) log.debug({ err: error }, "startup failed");
    await hooks.afterStop?.();
    process.exit(error instanceof StoreError && error.code === "locked" ? 75 : 1);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "signal received");
    agent
      .stop()
      .then(() => hooks.afterStop?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          // A full disk is not a failure of the stop: what could not be written is said, and the
          // exit is clean (the rollups are rebuilt from the raw samples at the next start), so the
          // service manager does not report a crash on top of the disk.
          const code = (error as { code?: string }).code ?? "";
          if (code.startsWith("SQLITE_FULL") || code === "ENOSPC") {
            log.error(
              { err: { message: (error as Error).message, code } },
              "stopped; the disk is full: the last rollups could not be written (they are rebuilt from the raw samples at the next start)",
            );
            process.exit(0);
          }
          log.error({ err: error }, "error while stopping");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGHUP", () => {
    const result = loadConfigFile(path);
    if (!result.ok) {
      log.error({ file: path, errors: result.errors }, "new configuration rejected; the running one is kept");
      return;
    }
    agent
      .reload(withCommandLine(result.config, hooks))
      .catch((error: unknown) => log.error({ err: error }, "reload failed"));
  });
}
