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
  /** The slot (scheduled time, ms) this entry last fired for, and the run it started or found going. */
  fired?: { slot: number; run: Promise<unknown> };
  /** Waiting for this entry to fire for a slot: told its run when it does. */
  waiters: Map<number, ((fired: { run: Promise<unknown> }) => void)[]>;
}

/**
 * How long a collector that reads the inventory waits for an inventory collector due on the same
 * tick to fire. node-cron fires both within milliseconds; the bound only matters when the other
 * one's tick never comes (a missed execution), so the reader then runs on what it has.
 */
export const SAME_TICK_WAIT_MS = 5_000;

export class Scheduler {
  private readonly entries: Entry[] = [];
  private isInventory: (instance: CollectorInstance) => boolean = () => false;

  constructor(private readonly timeZone: string) {}

  add(instance: CollectorInstance, schedule: Schedule): void {
    const task = cron.createTask(
      cronExpressionFor(schedule),
      // The run's promise is awaited by CollectorInstance.settled(); nothing to do here.
      (context) => this.fire(entry, context.date),
      { timezone: this.timeZone, name: instance.name },
    );
    const entry: Entry = { instance, task, waiters: new Map() };
    this.entries.push(entry);
  }

  /**
   * One scheduled tick. A collector that reads the inventory and is due on the same tick as
   * inventory collectors waits for their runs of that tick, so it computes against that tick's
   * inventory (coverage against 245 running VMs beside a fresh inventory of 242 otherwise).
   */
  private fire(entry: Entry, slotDate: Date): void {
    const slot = slotDate.getTime();
    const { instance } = entry;
    if (this.isInventory(instance)) {
      // A tick skipped because a run is still going: that run is the freshest inventory coming.
      const run = instance.tick() ?? instance.settled();
      entry.fired = { slot, run };
      for (const resolve of entry.waiters.get(slot) ?? []) resolve({ run });
      entry.waiters.delete(slot);
      return;
    }
    const partners = instance.usesInventory
      ? this.entries.filter((e) => e !== entry && this.isInventory(e.instance) && e.task.match(slotDate))
      : [];
    if (partners.length === 0) void instance.tick();
    else void instance.tick(() => Promise.all(partners.map((p) => this.runFor(p, slot))));
  }

  /** The partner's run of `slot`, once it fires (at most SAME_TICK_WAIT_MS), settled. */
  private async runFor(partner: Entry, slot: number): Promise<void> {
    let fired: { run: Promise<unknown> } | undefined;
    if (partner.fired?.slot === slot) fired = partner.fired;
    else {
      let timer: NodeJS.Timeout | undefined;
      fired = await new Promise<{ run: Promise<unknown> } | undefined>((resolve) => {
        const list = partner.waiters.get(slot) ?? [];
        list.push(resolve);
        partner.waiters.set(slot, list);
        timer = setTimeout(() => {
          partner.waiters.delete(slot);
          resolve(undefined);
        }, SAME_TICK_WAIT_MS);
      });
      clearTimeout(timer);
    }
    await fired?.run.catch(() => undefined);
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
    const isInventory = options.isInventory ?? (() => false);
    this.isInventory = isInventory;
    for (const { task } of this.entries) void task.start();
    if (!(options.runNow ?? true)) return;
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
