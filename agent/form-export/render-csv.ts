/**
 * The self-evaluation as CSV: the main sheet's columns, one line per row of the form, UTF-8 with
 * a byte order mark (Excel on Chinese Windows reads it as UTF-8 then), CRLF line ends. The group
 * columns are repeated on every line (a CSV cannot merge cells; repeated, every line filters on
 * its own). Fields starting with = + - @ tab or CR carry a leading ' (OWASP CSV injection), the
 * form's targets too: "=253个" is written '=253个, which Excel shows as =253个.
 */
import type { FormExport } from "./build.js";
import { mainHeaders } from "./render-xlsx.js";
import { cellText, csvLine, UTF8_BOM } from "./text.js";

export function renderCsv(exp: FormExport): Buffer {
  const lines = [
    csvLine(mainHeaders(exp)),
    ...exp.rows.map((r) =>
      csvLine(
        [r.level1, r.level2, r.task, r.name, r.target, r.value, r.status, r.source, r.reason].map(cellText),
      ),
    ),
  ];
  return Buffer.from(UTF8_BOM + lines.join(""), "utf8");
}
