/**
 * 报告: the monthly operations reports (大平台月度运营报告) and self-evaluations (绩效自评表) the
 * agent has written (the store's report log), downloads, and generating one on demand with the
 * writers `ops-agent report` and `ops-agent form-export` use. The writers (docx, exceljs) are
 * imported when first needed, so a console that only shows pages does not load them.
 */
import { readFile } from "node:fs/promises";
import * as z from "zod";
import { MONTHLY_REPORT_KIND } from "../../figures/monthly-reports.js";
import { localYearMonth, previousMonth } from "../../local-time.js";
import type { GeneratedReport } from "../../store/report-log.js";
import { link, type PageContext } from "../context.js";
import type { ConsoleDeps } from "../deps.js";
import { html, type Html } from "../html.js";
import { csrfField, page } from "../layout.js";
import type { Reply } from "../reply.js";
import { may } from "../roles.js";
import { consoleTime } from "../time.js";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

const generateForm = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("monthly_report"),
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: "expected a month like 2026-10" }),
  }),
  z.object({
    kind: z.literal("form_export"),
    period: z
      .string()
      .regex(/^\d{4}(-H1)?$/, { message: "expected 2026-H1 (the half-year) or 2026 (the year)" }),
  }),
]);

async function formExportKind(): Promise<string> {
  return (await import("../../form-export/build.js")).FORM_EXPORT_KIND;
}

/** Who generated a file: a login name, the daemon's schedule (in words), or unknown (before v11). */
function generatedBy(ctx: PageContext, f: GeneratedReport): string {
  if (f.generatedBy === undefined) return "—";
  // "schedule" and "cli" are the agent's own words (the daemon; a CLI run with no $USER), not names.
  if (f.generatedBy === "schedule") return ctx.t.by_schedule;
  return f.generatedBy === "cli" ? ctx.t.by_cli : f.generatedBy;
}

/** A self-evaluation's period as a person says it: 2026-H1 → 2026年上半年, 2026 → 2026年全年. */
function periodLabel(ctx: PageContext, period: string): string {
  const [year = period, half] = period.split("-");
  if (half === "H1") return ctx.t.half_year_of.replace("{year}", year);
  return /^\d{4}$/.test(period) ? ctx.t.whole_year_of.replace("{year}", year) : period;
}

/** How a format is named to a person (MD is a file extension, Markdown the format). */
function formatName(format: string): string {
  return format === "md" ? "Markdown" : format.toUpperCase();
}

function fileTable(ctx: PageContext, files: readonly GeneratedReport[], monthly: boolean): Html {
  const { t } = ctx;
  if (files.length === 0) return html`<p class="muted">${t.nothing_yet}</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>${monthly ? t.month : t.period}</th>
        <th>${t.file}</th>
        <th>${t.generated_at}</th>
        <th>${t.generated_by}</th>
        <th class="wide">SHA-256</th>
      </tr>
    </thead>
    <tbody>
      ${[...files].reverse().map(
        (f) =>
          html`<tr>
            <td>${monthly ? f.period : periodLabel(ctx, f.period)}</td>
            <td>
              <a href="${link(ctx, "/reports/file", { kind: f.kind, period: f.period, format: f.format })}"
                >${formatName(f.format)} · ${t.download}</a
              >
            </td>
            <td>${consoleTime(f.generatedAt, ctx.timeZone)}</td>
            <td>${generatedBy(ctx, f)}</td>
            <td class="wide muted">${f.sha256.slice(0, 16)}…</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

async function reportsView(
  deps: ConsoleDeps,
  ctx: PageContext,
  flash?: { ok: boolean; text: string },
  status = 200,
): Promise<Reply> {
  const { t } = ctx;
  const exportKind = await formExportKind();
  const { year } = localYearMonth(ctx.now, ctx.timeZone);
  const generate = (kind: string, period: string) =>
    may(ctx.viewer.role, "report")
      ? html`<form method="post" action="${link(ctx, "/reports/generate")}">
          ${csrfField(ctx)}<input type="hidden" name="kind" value="${kind}" />
          <label
            >${kind === MONTHLY_REPORT_KIND ? t.month : t.period}${t.colon}<input
              name="period"
              value="${period}"
              size="10"
              required
              title="${kind === MONTHLY_REPORT_KIND ? "" : t.period_hint}"
          /></label>
          ${kind === MONTHLY_REPORT_KIND ? "" : html`<span class="muted">${t.period_hint}</span>`}
          <button>${t.generate}</button>
        </form>`
      : "";
  const body = html`<section>
      <h2>${t.monthly_reports}</h2>
      ${generate(MONTHLY_REPORT_KIND, previousMonth(ctx.now, ctx.timeZone))}${fileTable(ctx, deps.store.reports.list(MONTHLY_REPORT_KIND), true)}
    </section>
    <section>
      <h2>${t.self_evaluations}</h2>
      ${generate(exportKind, `${year}-H1`)}${fileTable(ctx, deps.store.reports.list(exportKind), false)}
    </section>`;
  return { kind: "page", status, html: page(ctx, t.reports_title, body, flash) };
}

export function reportsPage(deps: ConsoleDeps, ctx: PageContext): Promise<Reply> {
  const done = ctx.url.searchParams.get("done");
  return reportsView(
    deps,
    ctx,
    done === null ? undefined : { ok: true, text: ctx.t.generated_flash.replace("{period}", done) },
  );
}

/** A file the report log lists (by kind, period and format: never a path from the request). */
export async function reportDownload(deps: ConsoleDeps, ctx: PageContext): Promise<Reply> {
  const q = ctx.url.searchParams;
  const file = deps.store.reports
    .list(q.get("kind") ?? "", q.get("period") ?? "")
    .find((f) => f.period === q.get("period") && f.format === q.get("format"));
  if (file === undefined)
    return {
      kind: "page",
      status: 404,
      html: page(ctx, ctx.t.not_found, html`<section><p>${ctx.t.not_found}</p></section>`),
    };
  let body: Buffer;
  try {
    body = await readFile(file.path);
  } catch (error) {
    return {
      kind: "page",
      status: 410,
      html: page(
        ctx,
        ctx.t.not_found,
        html`<section><p>${file.path}: ${(error as Error).message}</p></section>`,
      ),
    };
  }
  return {
    kind: "file",
    body,
    contentType: CONTENT_TYPES[file.format] ?? "application/octet-stream",
    fileName: file.path.split(/[\\/]/).pop() ?? `${file.period}.${file.format}`,
  };
}

export async function reportGenerateSubmit(
  deps: ConsoleDeps,
  ctx: PageContext,
  _params: readonly string[],
  form: Readonly<Record<string, string>>,
): Promise<Reply> {
  const given = (form.period ?? "").trim();
  // The refusal in the page's language, naming the period as typed.
  const refuse = (message: string) =>
    reportsView(deps, ctx, { ok: false, text: message.replace("{period}", given) }, 400);
  const badPeriod = () =>
    refuse(form.kind === "form_export" ? ctx.t.period_bad_evaluation : ctx.t.period_bad_month);
  const parsed = generateForm.safeParse({ kind: form.kind, period: given });
  if (!parsed.success) return badPeriod();
  const config = deps.config();
  const { kind, period } = parsed.data;
  try {
    const written =
      kind === "monthly_report"
        ? await (
            await import("../../report/write.js")
          ).writeMonthlyReport(deps.store, config, deps.indicators(), {
            month: period,
            formats: config.report.formats,
            now: ctx.now,
            by: ctx.viewer.name,
          })
        : await (
            await import("../../form-export/write.js")
          ).writeFormExport(deps.store, config, deps.indicators(), {
            period,
            formats: config.form_export.formats,
            now: ctx.now,
            by: ctx.viewer.name,
          });
    deps.log.info(
      { user: ctx.viewer.name, kind, period, files: written.map((w) => w.path) },
      "console: document generated",
    );
  } catch (error) {
    if (error instanceof Error && /has not begun yet/.test(error.message))
      return refuse(ctx.t.period_not_begun);
    if (error instanceof Error && /expected/.test(error.message)) return badPeriod();
    throw error;
  }
  return { kind: "redirect", to: link(ctx, "/reports", { done: period }) };
}
