/** The config's targets file for a command: its indicators, or (after printing why) undefined — exit 78. */
import type { Config } from "../../config/schema.js";
import type { Indicator } from "../form/types.js";
import { indicatorsOf, TargetsFileError } from "../kpi/kpi-report.js";

export function indicatorsOrReport(config: Config, command: string): Indicator[] | undefined {
  try {
    return indicatorsOf(config);
  } catch (error) {
    if (!(error instanceof TargetsFileError)) throw error;
    console.error(`${command}: ${error.message}`);
    return undefined;
  }
}
