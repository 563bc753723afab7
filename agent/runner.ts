/**
 * One configured collector instance and its runs: no overlap (a tick while a run is going is
 * skipped and counted), optional jitter, a per-run timeout delivered through an AbortSignal, and
 * the outcome handed to a sink (store, latest state, metrics). A run that throws or times out is
 * a failed run: its targets become "unknown" until the next good run.
 */
import type { Collector, CollectorPlugin, Sample } from "../collectors/types.js";
import { abortableSleep, abortRejection, linkedSignal } from "../collectors/shared/abort.js";
import type { Clock } from "./clock.js";
import type { Logger } from "./log.js";

export type RunStatus = "ok" | "failed" | "timeout";

export interface RunOutcome {
  collector: string;
  type: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  samples: Sample[];
  /** Target keys the collector did not probe this run on purpose (not due): their latest state stands. */
  kept: ReadonlySet<string>;
  error?: string;
}

export interface RunSink {
  runFinished(outcome: RunOutcome): void;
  tickSkipped(collector: string): void;
}

export interface InstanceOptions {
  name: string;
  plugin: CollectorPlugin;
  collector: Collector;
  timeoutMs: number;
  jitterMs: number;
  clock: Clock;
  log: Logger;
  sink: RunSink;
  /** Aborted when the agent shuts down: runs in flight are told to stop. */
  shutdown: AbortSignal;
  random?: () => number;
}

class RunTimeout extends Error {
  constructor(ms: number) {
    super(`run timed out after ${ms} ms`);
    this.name = "RunTimeout";
  }
}

export class CollectorInstance {
  private inFlight: Promise<RunOutcome> | undefined;
  /** Runs abandoned after a timeout whose collector has not yet honoured the abort. */
  private abandoned = 0;

  constructor(private readonly options: InstanceOptions) {}

  get name(): string {
    return this.options.name;
  }
  get type(): string {
    return this.options.plugin.type;
  }
  get usesInventory(): boolean {
    return this.options.plugin.usesInventory === true;
  }
  get readsLatest(): boolean {
    return this.options.plugin.readsLatest === true;
  }
  get running(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * A scheduled tick: starts a run, or skips when the previous one is still going. `after`: what
   * the run waits for before it starts (the same tick's inventory runs); the tick is in flight
   * meanwhile, so a later tick is skipped rather than overlapping it.
   */
  tick(after?: () => Promise<unknown>): Promise<RunOutcome> | undefined {
    if (this.inFlight) {
      this.options.log.warn({ collector: this.name }, "previous run still going; tick skipped");
      this.options.sink.tickSkipped(this.name);
      return undefined;
    }
    const start = () => this.runOnce();
    const run = (after === undefined ? start() : after().then(start, start)).finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  /** Resolves when the run in flight (if any) has finished. */
  async settled(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
  }

  private async runOnce(): Promise<RunOutcome> {
    const { clock, log, shutdown, timeoutMs, jitterMs } = this.options;
    if (jitterMs > 0)
      await abortableSleep(Math.floor((this.options.random ?? Math.random)() * jitterMs), shutdown);
    // The run's own signal (shutdown or the run's timeout), undone when the run ends: nothing of a
    // finished run may stay reachable from the agent's long-lived shutdown signal (see abort.ts).
    const run = linkedSignal(shutdown, { ms: timeoutMs, reason: () => new RunTimeout(timeoutMs) });
    const signal = run.signal;
    const aborted = abortRejection(signal);
    const startedAt = clock.now();
    const started = performance.now();
    let status: RunStatus = "ok";
    let samples: Sample[] = [];
    let kept = new Set<string>();
    let error: string | undefined;
    try {
      const collecting = this.options.collector.collect({
        signal,
        now: () => clock.now(),
        log: log.child({ collector: this.name }),
        keepLatest: (keys) => {
          for (const key of keys) kept.add(key);
        },
      });
      // A collector that ignores its signal must not hold the agent: stop waiting on abort and
      // leave the stray promise to settle on its own (counted while it is still pending).
      let pending = true;
      const settle = () => {
        pending = false;
      };
      collecting.then(settle, settle);
      samples = await Promise.race([collecting, aborted.promise]).catch((e: unknown) => {
        if (pending) {
          this.abandoned += 1;
          const release = () => {
            this.abandoned -= 1;
          };
          collecting.then(release, release);
        }
        throw e;
      });
      this.checkSamples(samples);
    } catch (e) {
      samples = [];
      kept = new Set();
      status = run.timedOut() ? "timeout" : "failed";
      error = status === "timeout" ? `timed out after ${timeoutMs} ms` : describeError(e);
      log.warn(
        { collector: this.name, status, error, abandonedRuns: this.abandoned },
        "collector run failed",
      );
    } finally {
      run.dispose();
      aborted.release();
    }
    const outcome: RunOutcome = {
      collector: this.name,
      type: this.type,
      status,
      startedAt,
      finishedAt: clock.now(),
      durationMs: performance.now() - started,
      samples,
      kept,
      ...(error === undefined ? {} : { error }),
    };
    this.options.sink.runFinished(outcome);
    return outcome;
  }

  /** A sample naming a metric its plugin did not declare is a bug in the plugin: fail the run loudly. */
  private checkSamples(samples: Sample[]): void {
    if (!Array.isArray(samples))
      throw new Error("collector returned something other than an array of samples");
    const declared = this.options.plugin.metrics;
    for (const sample of samples) {
      if (!Object.hasOwn(declared, sample.metric)) {
        throw new Error(`collector returned undeclared metric "${String(sample.metric)}"`);
      }
    }
  }

  async close(): Promise<void> {
    await this.options.collector.close?.();
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
