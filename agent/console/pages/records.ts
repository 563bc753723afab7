/**
 * 手工填报: the form's manual rows, a form per row, validated by recordManualValue — the code
 * `ops-agent record` and the records API use — and recorded under the logged-in user's name.
 * A correction is a new record naming the one it corrects; the history stays visible.
 */
import * as z from "zod";
import type { Indicator } from "../../form/types.js";
import { recordManualValue } from "../../kpi/records.js";
import { isWellFormedText } from "../../well-formed-text.js";
import { link, type PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html } from "../html.js";
import { csrfField, page } from "../layout.js";
import { recordTable } from "../record-table.js";
import { formIssueText, refusalText } from "../../kpi/refusal-text.js";
import type { MultipartLimits, UploadedFile } from "../multipart.js";
import type { Reply } from "../reply.js";
import { EVIDENCE_MAX_BYTES, EvidenceFileError, readEvidence } from "../../store/evidence-files.js";
import { may } from "../roles.js";

const text = (max: number) =>
  z.string().max(max).refine(isWellFormedText, {
    message: "contains a broken character (a lone UTF-16 surrogate): type it again",
  });

/** The form's fields; empty optional fields mean "not given". */
const recordForm = z.object({
  value: text(200).trim().min(1, { message: "enter a value in the indicator's unit (e.g. 3, 96.5%, 及时)" }),
  date: z
    .string()
    .trim()
    .transform((s) => (s === "" ? undefined : s))
    .optional(),
  note: text(2000)
    .trim()
    .transform((s) => (s === "" ? undefined : s))
    .optional(),
  corrects: z
    .string()
    .trim()
    .regex(/^\d{0,15}$/, { message: "expected the number (#) of an earlier record of this row, or nothing" })
    .transform((s) => (s === "" ? undefined : Number(s)))
    .optional(),
});

/** The record form as multipart/form-data: its text fields, one evidence file. */
export const RECORD_UPLOAD: MultipartLimits = {
  maxBytes: EVIDENCE_MAX_BYTES + 64 * 1024,
  maxFileBytes: EVIDENCE_MAX_BYTES,
  maxFieldBytes: 8 * 1024,
  fields: ["csrf", "value", "date", "note", "corrects"],
  fileFields: ["evidence"],
};

function manualIndicators(deps: ConsoleDeps): Indicator[] {
  return deps.indicators().filter((i) => i.binding.source === "manual");
}

export function recordsPage(deps: ConsoleDeps, ctx: PageContext): Reply {
  const { t } = ctx;
  const rows = manualIndicators(deps).map((i) => {
    const history = deps.store.records.history(i.key);
    const latest = history[history.length - 1];
    return html`<tr>
      <td><a href="${link(ctx, `/records/${i.key}`)}">${i.name}</a></td>
      <td class="wide">${i.level2}</td>
      <td class="num">${i.half.text}</td>
      <td class="num">${i.full.text}</td>
      <td>
        ${latest === undefined ? html`<span class="muted">${t.nothing_yet}</span>` : `${latest.value}（${latest.day}，${latest.recordedBy}）`}
      </td>
    </tr>`;
  });
  const body = html`<section>
    <h2>${t.records_title}</h2>
    <p class="muted">${t.records_hint}</p>
    <table>
      <thead>
        <tr>
          <th>${t.indicator}</th>
          <th class="wide">—</th>
          <th>${t.period_half}</th>
          <th>${t.period_year}</th>
          <th>${t.history}</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
  return { kind: "page", html: page(ctx, t.records_title, body) };
}

function recordView(
  deps: ConsoleDeps,
  ctx: PageContext,
  indicator: Indicator,
  entered: Readonly<Record<string, string>> = {},
  flash?: { ok: boolean; text: string },
  status = 200,
): Reply {
  const { t } = ctx;
  const form = may(ctx.viewer.role, "record")
    ? html`<form
        method="post"
        enctype="multipart/form-data"
        action="${link(ctx, `/records/${indicator.key}`)}"
      >
        ${csrfField(ctx)}
        <label
          >${t.record_value}（${t.target}${t.colon}${indicator.full.text}）<br /><input
            name="value"
            required
            value="${entered.value ?? ""}"
        /></label>
        <label>${t.record_date}<br /><input name="date" type="date" value="${entered.date ?? ""}" /></label>
        <label
          >${t.record_note}<br /><textarea name="note" rows="2" cols="60" maxlength="2000">
${entered.note ?? ""}</textarea>
        </label>
        <label
          >${t.record_corrects}<br /><input
            name="corrects"
            inputmode="numeric"
            size="8"
            value="${entered.corrects ?? ""}"
        /></label>
        <label>${t.record_evidence}<br /><input name="evidence" type="file" /></label>
        <p><button>${t.record_submit}</button></p>
      </form>`
    : "";
  const body = html`<section>
    <h2>${indicator.name}</h2>
    <p class="muted">
      ${indicator.level1} · ${indicator.level2}${indicator.task === undefined ? "" : ` · ${indicator.task}`} ·
      ${t.period_half} ${indicator.half.text} · ${t.period_year} ${indicator.full.text}
    </p>
    ${form}
    <h3>${t.history}</h3>
    ${recordTable(ctx, deps.store.records.history(indicator.key))}
  </section>`;
  return { kind: "page", status, html: page(ctx, `${t.records_title} · ${indicator.name}`, body, flash) };
}

function indicatorOf(deps: ConsoleDeps, key: string | undefined): Indicator | undefined {
  return manualIndicators(deps).find((i) => i.key === key);
}

/** A row key that is no manual row of the targets file: 404, saying which key, in the page's language. */
function unknownRow(ctx: PageContext, key: string | undefined): Reply {
  const text = ctx.t.unknown_row.replace("{key}", key ?? "");
  return {
    kind: "page",
    status: 404,
    html: page(ctx, ctx.t.not_found, html`<section><p>${text}</p></section>`, { ok: false, text }),
  };
}

export function recordPage(deps: ConsoleDeps, ctx: PageContext, params: readonly string[]): Reply {
  const indicator = indicatorOf(deps, params[0]);
  if (indicator === undefined) return unknownRow(ctx, params[0]);
  const saved = ctx.url.searchParams.get("saved");
  return recordView(
    deps,
    ctx,
    indicator,
    {},
    saved === null ? undefined : { ok: true, text: `${ctx.t.record_saved} #${saved}` },
  );
}

export function recordSubmit(
  deps: ConsoleDeps,
  ctx: PageContext,
  params: readonly string[],
  form: Readonly<Record<string, string>>,
  files: readonly UploadedFile[] = [],
): Reply {
  const indicator = indicatorOf(deps, params[0]);
  if (indicator === undefined) return unknownRow(ctx, params[0]);
  const parsed = recordForm.safeParse(form);
  if (!parsed.success) {
    const error = formIssueText(ctx.lang, parsed.error.issues);
    return recordView(deps, ctx, indicator, form, { ok: false, text: error }, 400);
  }
  const evidence = files.find((f) => f.field === "evidence");
  const result = recordManualValue(deps.store, deps.config(), deps.indicators(), ctx.now, {
    key: indicator.key,
    value: parsed.data.value,
    ...(parsed.data.date === undefined ? {} : { date: parsed.data.date }),
    ...(parsed.data.note === undefined ? {} : { note: parsed.data.note }),
    ...(parsed.data.corrects === undefined ? {} : { corrects: parsed.data.corrects }),
    ...(evidence === undefined
      ? {}
      : {
          evidence: { fileName: evidence.fileName, contentType: evidence.contentType, data: evidence.data },
        }),
    by: ctx.viewer.name,
  });
  if (!result.ok) {
    const nameOf = (key: string) => deps.indicators().find((i) => i.key === key)?.name;
    const text = refusalText(ctx.lang, result, nameOf);
    return recordView(deps, ctx, indicator, form, { ok: false, text }, 400);
  }
  deps.log.info(
    {
      user: ctx.viewer.name,
      indicator: indicator.key,
      record: result.record.id,
      evidence: result.record.evidence?.sha256,
    },
    "console: manual record",
  );
  return {
    kind: "redirect",
    to: link(ctx, `/records/${indicator.key}`, { saved: String(result.record.id) }),
  };
}

/**
 * An evidence file, for a logged-in user only (an anonymous reader sees that a file exists, not
 * its content: a survey or a contract may name people). Found by the record's id; the bytes by
 * the SHA-256 stored with it, never by anything in the address. Always a download, as
 * application/octet-stream: an uploaded HTML file must never run as a page of the console.
 */
export function evidenceDownload(deps: ConsoleDeps, ctx: PageContext, params: readonly string[]): Reply {
  const notFound: Reply = {
    kind: "page",
    status: 404,
    html: page(ctx, ctx.t.not_found, html`<section><p>${ctx.t.not_found}</p></section>`),
  };
  if (ctx.viewer.role === "anonymous")
    return { kind: "redirect", to: link(ctx, "/login", { next: ctx.url.pathname }) };
  const record = deps.store.records.get(Number(params[1]));
  if (record?.evidence === undefined || record.indicator !== params[0]) return notFound;
  try {
    const data = readEvidence(deps.config().data_dir, record.evidence.sha256);
    return {
      kind: "file",
      body: data,
      contentType: "application/octet-stream",
      fileName: record.evidence.fileName,
    };
  } catch (error) {
    if (error instanceof EvidenceFileError) {
      deps.log.error({ record: record.id, sha256: record.evidence.sha256 }, error.message);
      return {
        kind: "page",
        status: 409,
        html: page(ctx, ctx.t.evidence_file, html`<section><p>${ctx.t.evidence_changed}</p></section>`),
      };
    }
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return notFound;
    throw error;
  }
}
