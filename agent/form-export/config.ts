/**
 * The `form_export:` section the daemon reads (to be added to config/schema.ts beside `report:`):
 * whether the half-year export is written on July 1 and the year-end export on January 1, when,
 * in which formats, where.
 */
import * as z from "zod";
import { isValidCron } from "../schedule-spec.js";

export const FORM_EXPORT_FORMATS = ["xlsx", "csv"] as const;
export type FormExportFormat = (typeof FORM_EXPORT_FORMATS)[number];

/** 09:00 on January 1 and July 1: after the monthly report (08:00 on the 1st), so June's and December's count. */
export const DEFAULT_FORM_EXPORT_SCHEDULE = "0 9 1 1,7 *";

export const formExportSchema = z
  .object({
    /** Write the half-year export on July 1 and the year-end export on January 1. */
    enabled: z.boolean().default(true),
    /** When (cron, in `timezone`); each run writes the period that ended last. */
    schedule: z
      .string()
      .refine(isValidCron, { message: 'expected a cron expression like "0 9 1 1,7 *"' })
      .default(DEFAULT_FORM_EXPORT_SCHEDULE),
    formats: z
      .array(z.enum(FORM_EXPORT_FORMATS))
      .min(1)
      .default(() => [...FORM_EXPORT_FORMATS]),
    /** Where the files go; default the monthly reports' directory (<data_dir>/reports). */
    out_dir: z.string().min(1).optional(),
  })
  .strict();

export type FormExportConfig = z.output<typeof formExportSchema>;

/** What the code needs of it: a plain object, so it works before and after the schema has the section. */
export interface FormExportOptions {
  enabled: boolean;
  schedule?: string;
  formats: readonly FormExportFormat[];
  out_dir?: string;
}
