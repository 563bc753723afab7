/**
 * The web console (issue 19): server-rendered pages at `/`, loaded by the daemon on the first
 * request to one of its paths (agent/daemon.ts imports this module lazily, so nobody pays its
 * memory until somebody opens it).
 *
 * Every request: who is asking (session cookie, or anonymous read on a listed network); a GET of a
 * page needs `read` (else a redirect to the login page); a POST needs a login (else 401), the
 * session's CSRF token in the form and a same-origin Origin when sent (else 403), and the role's
 * permission (else 403). Changes are recorded under the user's login name.
 */
import type { IncomingMessage } from "node:http";
import type { HttpResponse } from "../http.js";
import { clientOf, identify, sameToken as sameTokenOf, type Identity } from "./auth.js";
import type { PageContext, Viewer } from "./context.js";
import { link } from "./context.js";
import type { ConsoleDeps } from "./deps.js";
import { FormBodyError, readForm } from "./form-body.js";
import { MultipartError, readMultipart, type MultipartLimits, type UploadedFile } from "./multipart.js";
import { languageOf, messages } from "./i18n.js";
import { messagePage } from "./layout.js";
import { LoginLimiter } from "./rate-limit.js";
import { toResponse, type Reply } from "./reply.js";
import { may, type Permission } from "./roles.js";
import { loginPage, loginSubmit, logoutSubmit } from "./pages/login.js";
import { overviewPage, evidencePage } from "./pages/overview.js";
import { recordsPage, recordPage, recordSubmit, RECORD_UPLOAD, evidenceDownload } from "./pages/records.js";
import { incidentsPage, incidentSubmit } from "./pages/incidents.js";
import { platformPage, maintenanceAddSubmit, maintenanceRemoveSubmit } from "./pages/platform.js";
import { roomPage } from "./pages/room.js";
import { videoconfPage } from "./pages/videoconf.js";
import { reportsPage, reportDownload, reportGenerateSubmit } from "./pages/reports.js";

export type PageHandler = (
  deps: ConsoleDeps,
  ctx: PageContext,
  params: readonly string[],
) => Reply | Promise<Reply>;
export type FormHandler = (
  deps: ConsoleDeps,
  ctx: PageContext,
  params: readonly string[],
  form: Readonly<Record<string, string>>,
  files: readonly UploadedFile[],
) => Reply | Promise<Reply>;

interface PageRoute {
  pattern: RegExp;
  GET?: PageHandler;
  /** multipart: the form may also come as multipart/form-data with these limits (a file upload). */
  POST?: { need: Permission; handle: FormHandler; multipart?: MultipartLimits };
}

const ROUTES: readonly PageRoute[] = [
  { pattern: /^\/$/, GET: overviewPage },
  { pattern: /^\/kpi\/([A-Za-z0-9_.-]{1,100})$/, GET: evidencePage },
  { pattern: /^\/records$/, GET: recordsPage },
  {
    pattern: /^\/records\/([A-Za-z0-9_.-]{1,100})$/,
    GET: recordPage,
    POST: { need: "record", handle: recordSubmit, multipart: RECORD_UPLOAD },
  },
  { pattern: /^\/records\/([A-Za-z0-9_.-]{1,100})\/evidence\/(\d{1,15})$/, GET: evidenceDownload },
  { pattern: /^\/incidents$/, GET: incidentsPage },
  {
    pattern: /^\/incidents\/(\d{1,15})\/(ack|resolve|note)$/,
    POST: { need: "incident", handle: incidentSubmit },
  },
  { pattern: /^\/platform$/, GET: platformPage },
  { pattern: /^\/platform\/maintenance$/, POST: { need: "maintenance", handle: maintenanceAddSubmit } },
  {
    pattern: /^\/platform\/maintenance\/remove$/,
    POST: { need: "maintenance", handle: maintenanceRemoveSubmit },
  },
  { pattern: /^\/room$/, GET: roomPage },
  { pattern: /^\/videoconf$/, GET: videoconfPage },
  { pattern: /^\/reports$/, GET: reportsPage },
  { pattern: /^\/reports\/file$/, GET: reportDownload },
  { pattern: /^\/reports\/generate$/, POST: { need: "report", handle: reportGenerateSubmit } },
];

export class ConsoleApp {
  private readonly limiter: LoginLimiter;

  constructor(private readonly deps: ConsoleDeps) {
    this.limiter = new LoginLimiter(() => ({
      attempts: deps.config().console.login_attempts,
      windowMs: deps.config().console.login_window,
    }));
  }

  async handle(request: IncomingMessage, path: string): Promise<HttpResponse> {
    return toResponse(await this.reply(request, path));
  }

  private async reply(request: IncomingMessage, path: string): Promise<Reply> {
    const deps = this.deps;
    const config = deps.config();
    const url = new URL(request.url ?? "/", "http://console");
    const { lang, explicit } = languageOf(request, url.searchParams, config.console.language);
    const t = messages(lang);
    const now = deps.clock.now();
    const client = clientOf(request, config.console.trusted_proxies);
    const base = { request, client, url, lang, langExplicit: explicit, t, now, timeZone: config.timezone };
    const post = request.method === "POST";

    if (path === "/login") {
      return post ? loginSubmit(deps, base, this.limiter) : loginPage(deps, base);
    }

    const identity: Identity | undefined = identify(
      request,
      client,
      config.console,
      deps.extraUsers(),
      deps.store.consoleSessions,
      now,
    );
    const bare = (status: number, title: string, text: string): Reply => ({
      kind: "page",
      status,
      html: messagePage(identity ? { ...base, viewer: identity.viewer } : undefined, title, text),
    });

    if (path === "/logout") {
      if (!post) return bare(405, t.bad_request, "POST /logout");
      if (identity?.sessionId === undefined) return { kind: "redirect", to: link(base, "/login") };
      const body = await formOf(request);
      if ("error" in body || !this.sameOrigin(request) || !csrfOk(identity.viewer, body.fields))
        return bare(403, t.forbidden, t.csrf_failed);
      return logoutSubmit(deps, base, identity.sessionId);
    }

    let params: readonly string[] = [];
    const route = ROUTES.find((r) => {
      const m = r.pattern.exec(path);
      if (m) params = m.slice(1);
      return m !== null;
    });
    if (route === undefined) return bare(404, t.not_found, path);

    if (!post) {
      if (route.GET === undefined) return bare(405, t.bad_request, `GET ${path}`);
      if (identity === undefined)
        return { kind: "redirect", to: link(base, "/login", { next: url.pathname + url.search }) };
      return route.GET(deps, { ...base, viewer: identity.viewer }, params);
    }

    if (route.POST === undefined) return bare(405, t.bad_request, `POST ${path}`);
    if (identity === undefined || identity.viewer.role === "anonymous")
      return bare(401, t.login, t.login_needed);
    // The body is read (and a multipart one parsed in memory, within its limits) before the CSRF
    // check, but nothing is stored until the handler runs, after every check below.
    const body = await formOf(request, route.POST.multipart);
    if ("error" in body) return bare(body.status, t.bad_request, body.error);
    if (!this.sameOrigin(request) || !csrfOk(identity.viewer, body.fields))
      return bare(403, t.forbidden, t.csrf_failed);
    if (!may(identity.viewer.role, route.POST.need)) return bare(403, t.forbidden, t.forbidden);
    return route.POST.handle(deps, { ...base, viewer: identity.viewer }, params, body.fields, body.files);
  }

  /** A browser says where a form came from; one from another site is refused (SameSite aside). */
  private sameOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined || origin === "null") return origin === undefined;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
}

type FormOrError =
  { fields: Record<string, string>; files: UploadedFile[] } | { error: string; status: 400 | 413 };

/** A urlencoded form, or (where the route takes uploads) a multipart one; else why not. */
async function formOf(request: IncomingMessage, multipart?: MultipartLimits): Promise<FormOrError> {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  try {
    if (multipart !== undefined && type === "multipart/form-data")
      return await readMultipart(request, multipart);
    return { fields: await readForm(request), files: [] };
  } catch (error) {
    if (error instanceof MultipartError) return { error: error.message, status: error.status };
    if (error instanceof FormBodyError) return { error: error.message, status: 400 };
    throw error;
  }
}

function csrfOk(viewer: Viewer, form: Readonly<Record<string, string>>): boolean {
  return viewer.csrf !== undefined && sameTokenOf(form.csrf, viewer.csrf);
}
