/** The incidents table, shared by the video-conference and the faults sections. */
import { formatDateTimeWithOffset, formatMinutes } from "./format.js";
import type { Labels } from "./labels.js";
import type { IncidentRow, MonthlyReport } from "./model.js";
import { cell, num, table, type TableBlock } from "./blocks.js";

export function incidentTable(rows: readonly IncidentRow[], report: MonthlyReport, t: Labels): TableBlock {
  const { lang, timeZone } = report;
  return table(
    [t.id, t.categoryHeader, t.priority, t.titleHeader, t.start, t.response, t.resolution, t.verdict],
    rows.map((i) => [
      num(`#${i.id}`),
      cell(t.category(i.category)),
      cell(i.priority),
      cell(i.title),
      cell(formatDateTimeWithOffset(i.start, timeZone)),
      num(formatMinutes(i.responseMinutes, lang)),
      num(formatMinutes(i.resolutionMinutes, lang)),
      cell(t.sla[i.withinSla], i.withinSla === "within" ? "good" : i.withinSla === "late" ? "bad" : "warn"),
    ]),
    t.none,
    [true, false, false, false, false, true, true, false],
  );
}
