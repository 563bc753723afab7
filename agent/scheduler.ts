/**
 * Fires each collector instance on its schedule with node-cron (every: periods are turned into
 * cron expressions by schedule-spec.ts). The scheduler only decides *when*; CollectorInstance
 * decides whether a tick runs (no overlap), how long it may take and where the outcome goes.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { CollectorInstance } from "./runner.js";
import { everyToCron } from "./schedule-spec.js";

export interface Schedule {
  every?: number;
  cron?: string;
}

export function cronExpressionFor(schedule: Schedule): string {
  if (schedule.cron !== undefined) return schedule.cron;
  const expression = everyToCron(schedule.every ?? 60_000);
  if (expression === undefined) throw new Error(`cannot schedule every ${schedule.every} ms`);
  return expression;
}

interface Entry {
  instance: CollectorInstance;
  task: ScheduledTask;
}

export class Scheduler {
  private readonly entries: Entry[] = [];

  constructor(private readonly timeZone: string) {}

  add(instance: CollectorInstance, schedule: Schedule): void {
    const task = cron.createTask(
      cronExpressionFor(schedule),
      () => {
        // The run's promise is awaited by CollectorInstance.settled(); nothing to do here.
        void instance.tick();
      },
      { timezone: this.timeZone, name: instance.name },
    );
    this.entries.push({ instance, task });
  }

  get instances(): CollectorInstance[] {
    return this.entries.map((e) => e.instance);
  }

  /**
   * Start the schedules, and run every collector once right away so a fresh agent has data at
   * once. Collectors that read the VM inventory make their first run after the inventory
   * collectors' first run has finished (however it ended); collectors that combine other
   * collectors' results (readsLatest) make theirs after every other first run.
   */
  start(options: { runNow?: boolean; isInventory?: (instance: CollectorInstance) => boolean } = {}): void {
    for (const { task } of this.entries) void task.start();
    if (!(options.runNow ?? true)) return;
    const isInventory = options.isInventory ?? (() => false);
    const combining = this.instances.filter((i) => i.readsLatest);
    const onInventory = this.instances.filter((i) => !i.readsLatest && i.usesInventory);
    const first = this.instances.filter((i) => !i.readsLatest && !i.usesInventory);
    const firstRuns = first.map((instance) => ({ instance, run: instance.tick() }));
    const inventoryRuns = firstRuns.filter((r) => isInventory(r.instance)).map((r) => r.run);
    void Promise.allSettled(inventoryRuns)
      .then(() => Promise.allSettled([...firstRuns.map((r) => r.run), ...onInventory.map((i) => i.tick())]))
      .then(() => {
        for (const instance of combining) void instance.tick();
      });
  }

  /** Stop firing new ticks; runs in flight go on (see drain). */
  async stop(): Promise<void> {
    await Promise.all(this.entries.map(({ task }) => task.destroy()));
  }

  /** Wait for the runs in flight, at most graceMs; returns the names still running after that. */
  async drain(graceMs: number): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(this.instances.map((i) => i.settled())), deadline]);
    clearTimeout(timer);
    return this.instances.filter((i) => i.running).map((i) => i.name);
  }
}
