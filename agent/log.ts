/**
 * Logging: pino JSON lines on stdout (what journald and docker collect), human-readable when
 * stdout is a terminal. Secrets never reach a log line: config secrets are Secret objects that
 * serialise as "[secret]", and the usual credential fields are redacted as a second guard.
 */
import { pino, destination as pinoDestination, type Logger, type LevelWithSilent } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export interface LogOptions {
  level: LevelWithSilent;
  format: "auto" | "json" | "pretty";
}

const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "secret",
  "*.secret",
];

export function createLogger(
  options: LogOptions,
  destination: NodeJS.WritableStream = process.stdout,
): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { pid: process.pid },
  };
  const usePretty =
    options.format === "pretty" || (options.format === "auto" && process.stdout.isTTY === true);
  if (usePretty) {
    // Synchronous pretty stream rather than a transport: no worker thread, no extra memory.
    return pino(base, pretty({ sync: true, translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l", destination: 1 }));
  }
  return pino(base, destination === process.stdout ? pinoDestination({ sync: true }) : destination);
}

export const silentLogger: Logger = pino({ level: "silent" });
