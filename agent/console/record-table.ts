/** A manual record history as a table: who recorded what for which day, and what it corrected. */
import type { ManualRecord } from "../store/manual-records.js";
import { link, type PageContext } from "./context.js";
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
        <th>${t.evidence_file}</th>
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
            <td>${evidenceCell(ctx, r)}</td>
            <td>${r.corrects === undefined ? "" : `#${r.corrects}`}</td>
            <td>${r.recordedBy}</td>
            <td>${consoleTime(r.recordedAt, ctx.timeZone)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The file's name (a download link for a logged-in user), size and SHA-256 prefix. */
function evidenceCell(ctx: PageContext, r: ManualRecord): Html | string {
  const e = r.evidence;
  if (e === undefined) return "";
  const size =
    e.size >= 1024 * 1024
      ? `${(e.size / 1024 / 1024).toFixed(1)} MB`
      : e.size >= 1024
        ? `${Math.round(e.size / 1024)} KB`
        : ctx.lang === "zh"
          ? `${e.size} 字节`
          : `${e.size} B`;
  const name =
    ctx.viewer.role === "anonymous"
      ? html`${e.fileName}`
      : html`<a href="${link(ctx, `/records/${r.indicator}/evidence/${r.id}`)}">${e.fileName}</a>`;
  return html`${name}<br /><span class="muted" title="SHA-256 ${e.sha256}"
      >${size} · SHA-256 ${e.sha256.slice(0, 12)}…</span
    >`;
}
