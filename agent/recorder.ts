/**
 * Where a finished run goes: samples into the store (one batch), the run into the run log, the
 * latest state replaced (or, for a failed run, the collector's targets made unknown), and the
 * agent's own metrics. A store failure (disk full, I/O error) is logged and counted; it never
 * stops the agent, and the latest state still reflects what was measured.
 */
import { isInventoryType, inventoryEntries } from "./inventory.js";
import type { AgentMetrics } from "./metrics.js";
import type { Logger } from "./log.js";
import type { RunOutcome, RunSink, RunStatus } from "./runner.js";
import type { LatestState } from "./store/latest.js";
import type { SqliteStore, StoredSample } from "./store/sqlite.js";
import { MaintenanceCalendar } from "./maintenance.js";
import { StoreFailureLog } from "./store-failure-log.js";

export interface CollectorStatus {
  lastRunAt: Date;
  lastStatus: RunStatus;
  lastError?: string;
  lastSuccessAt?: Date;
  lastDurationMs: number;
  lastSamples: number;
}

export class RunRecorder implements RunSink {
  readonly status = new Map<string, CollectorStatus>();
  private readonly storeFailures: StoreFailureLog;

  constructor(
    private readonly latest: LatestState,
    private readonly log: Logger,
    private readonly store?: SqliteStore,
    private readonly metrics?: AgentMetrics,
    /** The maintenance windows in force (they change on reload). */
    private readonly maintenance: () => MaintenanceCalendar = MaintenanceCalendar.empty,
  ) {
    this.storeFailures = new StoreFailureLog(log);
  }

  runFinished(outcome: RunOutcome): void {
    const { collector, type, status } = outcome;
    this.metrics?.runDuration.observe({ collector, type }, outcome.durationMs / 1000);
    this.metrics?.runs.inc({ collector, type, result: status });
    if (status === "ok") {
      this.writeSamples(outcome);
      if (isInventoryType(type)) this.recordInventory(outcome);
      this.latest.replace(collector, outcome.samples, outcome.startedAt, outcome.kept);
      this.metrics?.lastSuccess.set({ collector }, outcome.finishedAt.getTime() / 1000);
    } else {
      this.latest.markUnknown(collector);
    }
    this.metrics?.collectorUp.set({ collector }, status === "ok" ? 1 : 0);
    const previous = this.status.get(collector);
    const lastSuccessAt = status === "ok" ? outcome.finishedAt : previous?.lastSuccessAt;
    this.status.set(collector, {
      lastRunAt: outcome.startedAt,
      lastStatus: status,
      ...(outcome.error === undefined ? {} : { lastError: outcome.error }),
      ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
      lastDurationMs: outcome.durationMs,
      lastSamples: outcome.samples.length,
    });
    try {
      this.store?.recordRun({
        collector,
        type,
        startedAt: outcome.startedAt,
        finishedAt: outcome.finishedAt,
        status,
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        samples: outcome.samples.length,
      });
      this.storeFailures.succeeded("run log", outcome.finishedAt);
    } catch (error) {
      this.storeFailures.failed(
        "run log",
        "could not record the run in the store",
        outcome.finishedAt,
        error,
        {
          collector,
        },
      );
    }
  }

  tickSkipped(collector: string): void {
    this.metrics?.ticksSkipped.inc({ collector });
  }

  private recordInventory(outcome: RunOutcome): void {
    if (!this.store) return;
    try {
      const { baseline, changes } = this.store.recordInventory(
        outcome.collector,
        inventoryEntries(outcome.samples),
        outcome.startedAt,
      );
      if (baseline) this.log.info({ collector: outcome.collector }, "inventory baseline recorded");
      else if (changes.length > 0) {
        this.log.info(
          { collector: outcome.collector, changes: changes.length },
          "inventory changes recorded",
        );
      }
      this.storeFailures.succeeded("inventory", outcome.finishedAt);
    } catch (error) {
      this.storeFailures.failed(
        "inventory",
        "could not record inventory changes",
        outcome.finishedAt,
        error,
        {
          collector: outcome.collector,
        },
      );
    }
  }

  /** Samples of targets inside a maintenance window are stored marked (left out of availability). */
  private markMaintenance(outcome: RunOutcome): StoredSample[] {
    const calendar = this.maintenance();
    if (calendar.size === 0) return outcome.samples;
    return outcome.samples.map((s) =>
      calendar.covers(s.target.name, s.time ?? outcome.startedAt) ? { ...s, maintenance: true } : s,
    );
  }

  private writeSamples(outcome: RunOutcome): void {
    if (!this.store || outcome.samples.length === 0) return;
    try {
      const { written } = this.store.writeSamples(
        outcome.collector,
        this.markMaintenance(outcome),
        outcome.startedAt,
      );
      this.metrics?.samplesWritten.inc({ collector: outcome.collector }, written);
      this.storeFailures.succeeded("samples", outcome.finishedAt);
    } catch (error) {
      this.metrics?.storeWriteErrors.inc({ collector: outcome.collector });
      this.storeFailures.failed(
        "samples",
        "could not write samples to the store; they are lost, earlier data is intact",
        outcome.finishedAt,
        error,
        { collector: outcome.collector, samples: outcome.samples.length },
      );
    }
  }
}
