/** A manual record history as a table: who recorded what for which day, and what it corrected. */
import type { ManualRecord } from "../store/manual-records.js";
import type { PageContext } from "./context.js";
import { html, type Html } from "./html.js";
import { consoleTime } from "./time.js";

export function recordTable(ctx: PageContext, records: readonly ManualRecord[]): Html {
  const { t } = ctx;
  if (records.length === 0) return html`<p class="muted">${t.nothing_yet}</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>#</th>
        <th>${t.day}</th>
        <th>${t.record_value}</th>
        <th>${t.record_note}</th>
        <th>${t.corrects}</th>
        <th>${t.recorded_by}</th>
        <th>${t.recorded_at}</th>
      </tr>
    </thead>
    <tbody>
      ${records.map(
        (r) =>
          html`<tr>
            <td>${r.id}</td>
            <td>${r.day}</td>
            <td>${r.value}</td>
            <td>${r.note ?? ""}</td>
            <td>${r.corrects === undefined ? "" : `#${r.corrects}`}</td>
            <td>${r.recordedBy}</td>
            <td>${consoleTime(r.recordedAt, ctx.timeZone)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
