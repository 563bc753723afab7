/**
 * Runs fping / ping with a hard time limit and the run's abort signal: either ends the process
 * with SIGKILL, so no probe outlives its run.
 */
import { spawn } from "node:child_process";

/** The backend itself failed (missing binary, no permission, bad arguments, hung): the whole run fails. */
export class IcmpBackendError extends Error {
  override name = "IcmpBackendError";
}

export interface ProcessResult {
  /** Exit status; null when the process ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Hard limit: the process is killed after this long and the promise rejects. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Keep stdout (ping); fping's per-reply stdout lines are not needed. */
  captureStdout?: boolean;
}

/** Output beyond this is dropped (1000 hosts × 20 RTTs is ~200 KB). */
const MAX_OUTPUT = 16 * 1024 * 1024;

export function runProcess(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const [command, ...args] = argv;
  if (command === undefined) return Promise.reject(new IcmpBackendError("empty command"));
  if (options.signal.aborted) return Promise.reject(options.signal.reason);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["pipe", options.captureStdout === true ? "pipe" : "ignore", "pipe"],
      env: { ...process.env, LC_ALL: "C" },
    });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      fn();
    };
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    const onAbort = (): void => {
      kill();
      finish(() => reject(options.signal.reason));
    };
    const timer = setTimeout(() => {
      kill();
      finish(() =>
        reject(
          new IcmpBackendError(`${command} did not finish within ${options.timeoutMs}ms and was killed`),
        ),
      );
    }, options.timeoutMs);
    options.signal.addEventListener("abort", onAbort, { once: true });

    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    // EPIPE when the process exits before reading its input; the exit status tells the story.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");

    child.on("error", (err: NodeJS.ErrnoException) => {
      kill();
      const why = err.code === "ENOENT" ? "not found" : err.message;
      finish(() => reject(new IcmpBackendError(`cannot run ${command}: ${why}`, { cause: err })));
    });
    child.on("close", (code, signal) => finish(() => resolve({ code, signal, stdout, stderr })));
  });
}
