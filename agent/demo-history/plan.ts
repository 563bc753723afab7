/**
 * What happened in the simulated machine room's past, decided up front from the seed: the
 * platforms' outages (a few a month on some platforms, a long one on one of them), a maintenance
 * window, a month whose antivirus coverage misses the form's 95 % (an appliance inactive for two
 * weeks in July), and faults of a video-conference MCU. The history (generate.ts) turns it into
 * samples; the same seed gives the same year.
 */
export type OutageReason = "status" | "connect" | "timeout";

export interface Spell {
  /** Unix seconds, [from, to). */
  from: number;
  to: number;
}

export interface Outage extends Spell {
  application: string;
  reason: OutageReason;
}

export interface McuFault extends Spell {
  system: string;
  mcu: string;
}

export interface DemoPlan {
  outages: Outage[];
  /** One maintenance window for every platform (机房配电检修). */
  maintenance: Spell & { name: string; note: string };
  /** VMs the antivirus appliance stopped protecting, and when. */
  coverageDip: Spell & { vms: number };
  mcuFaults: McuFault[];
  /** Hours the vCenter scope was one VM short (a VM being rebuilt). */
  vmShort: Spell[];
}

const HOUR = 3600;
const DAY = 86_400;
const REASONS: readonly OutageReason[] = ["status", "connect", "timeout"];

export function planYear(options: {
  applications: readonly string[];
  mcus: readonly { system: string; mcu: string }[];
  from: number;
  to: number;
  year: number;
  /** A local time of the year in the configured zone, as unix seconds. */
  localTime: (month: number, day: number, hour: number) => number;
  random: () => number;
}): DemoPlan {
  const { applications, from, to, random, year } = options;
  const at = (month: number, day: number, hour: number) => options.localTime(month, day, hour);
  const outages: Outage[] = [];
  applications.forEach((application, i) => {
    // Outages per 30 days: some platforms are steady, some are not.
    const perMonth = [0.5, 1, 3, 1.5, 2, 0.8][i % 6] as number;
    let t = from;
    for (;;) {
      t += Math.floor((-Math.log(1 - random()) * 30 * DAY) / perMonth);
      if (t >= to) break;
      const minutes = 2 + Math.floor(random() ** 3 * 180);
      outages.push({
        application,
        from: t,
        to: Math.min(to, t + minutes * 60),
        reason: REASONS[Math.floor(random() * 3)] as OutageReason,
      });
    }
  });
  // One long outage: the third platform down most of a March working day (a database failure).
  const long = applications[Math.min(2, applications.length - 1)];
  const longFrom = at(3, 17, 9);
  if (long !== undefined && longFrom >= from && longFrom < to)
    outages.push({ application: long, from: longFrom, to: longFrom + 7 * HOUR, reason: "connect" });
  outages.sort((a, b) => a.from - b.from);
  const maintenanceFrom = at(8, 15, 22);
  const mcuFaults: McuFault[] = [];
  for (const { system, mcu } of options.mcus.slice(0, 1)) {
    // The city MCU fails a few times a year, for an hour or three.
    for (const month of [2, 5, 9, 11]) {
      const start = at(month, 3 + Math.floor(random() * 20), 8 + Math.floor(random() * 9));
      if (start >= from && start < to)
        mcuFaults.push({
          system,
          mcu,
          from: start,
          to: Math.min(to, start + (1 + Math.floor(random() * 3)) * HOUR),
        });
    }
  }
  const vmShort: Spell[] = [];
  for (
    let t = from + Math.floor(random() * 40 * DAY);
    t < to;
    t += 30 * DAY + Math.floor(random() * 40 * DAY)
  )
    vmShort.push({ from: t, to: Math.min(to, t + (2 + Math.floor(random() * 6)) * HOUR) });
  return {
    outages,
    maintenance: {
      name: `${year}年8月机房配电检修`,
      note: "模拟数据：机房 UPS 与配电柜年度检修，所有教育平台停机",
      from: maintenanceFrom,
      to: maintenanceFrom + 6 * HOUR,
    },
    coverageDip: { from: at(7, 6, 10), to: at(7, 20, 16), vms: 22 },
    mcuFaults,
    vmShort,
  };
}

/** Walks sorted spells in time order: is `ts` inside one? (each query at or after the last). */
export class SpellCursor<S extends Spell> {
  private i = 0;
  constructor(private readonly spells: readonly S[]) {}

  at(ts: number): S | undefined {
    while (this.i < this.spells.length && (this.spells[this.i] as S).to <= ts) this.i++;
    const s = this.spells[this.i];
    return s !== undefined && s.from <= ts ? s : undefined;
  }
}
