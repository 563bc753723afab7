/** The `report:` section: when the daemon writes the monthly operations report, in which formats, where. */
import * as z from "zod";
import { isValidCron } from "../agent/schedule-spec.js";

export const REPORT_FORMATS = ["html", "md", "docx"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const reportSchema = z
  .object({
    /** Write the previous month's report on schedule. */
    enabled: z.boolean().default(true),
    /** When (cron, in `timezone`): 08:00 on the 1st by default, for the month just ended. */
    schedule: z
      .string()
      .refine(isValidCron, { message: 'expected a cron expression like "0 8 1 * *"' })
      .default("0 8 1 * *"),
    formats: z
      .array(z.enum(REPORT_FORMATS))
      .min(1)
      .default(() => [...REPORT_FORMATS]),
    /** Where the files go; default <data_dir>/reports. */
    out_dir: z.string().min(1).optional(),
    lang: z.enum(["zh", "en"]).default("zh"),
    /** The organisation named on the report. */
    organisation: z.string().min(1).max(100).default("苏州市电化教育馆"),
  })
  .strict();

export type ReportConfig = z.output<typeof reportSchema>;
