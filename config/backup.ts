/** The `backup:` section: the daemon's scheduled copy of its database (ops-agent backup, on a schedule). */
import * as z from "zod";
import { isValidCron } from "../agent/schedule-spec.js";

export const backupSchema = z
  .object({
    /**
     * Off by default: a copy on the database's own disk does not survive that disk. Turn it on
     * with `dir` on another disk or a mounted share.
     */
    enabled: z.boolean().default(false),
    /** When (cron, in `timezone`): 03:00 every day by default, a quiet hour. */
    schedule: z
      .string()
      .refine(isValidCron, { message: 'expected a cron expression like "0 3 * * *" (03:00 every day)' })
      .default("0 3 * * *"),
    /** Where the copies go (ops-agent-2026-12-04T0300+0800.db …); default <data_dir>/backups. */
    dir: z.string().min(1).optional(),
    /** How many of the tool's copies the directory keeps; older ones are deleted after each backup. */
    keep: z
      .number({ message: "expected a whole number of copies to keep, e.g. 14" })
      .int({ message: "expected a whole number of copies to keep, e.g. 14" })
      .min(1, { message: "expected at least 1 copy to keep (turn backups off with enabled: false)" })
      .max(10_000)
      .default(14),
  })
  .strict();

export type BackupConfig = z.output<typeof backupSchema>;
