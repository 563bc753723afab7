/**
 * The availability families of /metrics, rendered by the agent rather than prom-client:
 * opsagent_availability_ratio, opsagent_availability_coverage_ratio and
 * opsagent_availability_error_budget_remaining_seconds. There are (applications × 4 windows) × 2 +
 * applications series — 90,000 at 10,000 applications — and the figures only change when the
 * availability report is recomputed (on its timer), so the text is rendered once per snapshot and
 * a scrape reuses it. prom-client gauges reset and re-set every label set in collect() and format
 * every line on every scrape: over a second per scrape at that size, and tens of megabytes of
 * garbage.
 *
 * Lines are exactly what the prom-client gauges wrote (text format 0.0.4): HELP and TYPE even for
 * a family without series, labels in the order application, window, then the default `site`.
 */
import type { AvailabilityFigure, AvailabilitySnapshot } from "./kpi/availability-report.js";
import { escapeHelp, escapeLabelValue, formatSampleValue } from "./exposition.js";
import { EncodedPiece } from "./metrics-body.js";

interface FamilySpec {
  /** Unprefixed name. */
  name: string;
  help: string;
}

export const AVAILABILITY_FAMILIES = {
  ratio: {
    name: "availability_ratio",
    help: 'Availability: up ÷ (all − maintenance) samples of the window; application="*" is the mean over the applications.',
  },
  coverage: {
    name: "availability_coverage_ratio",
    help: "Share of the window's expected probe samples that were taken (the rest is unknown time).",
  },
  budget: {
    name: "availability_error_budget_remaining_seconds",
    help: "Down time the full-year target (95 %) still allows this year, per application.",
  },
} as const satisfies Record<string, FamilySpec>;

export interface AvailabilityExpositionOptions {
  /** Family name prefix, e.g. "opsagent_". */
  prefix: string;
  /** Value of the `site` label added to every series. */
  site: string;
  snapshot: () => AvailabilitySnapshot;
}

export class AvailabilityExposition {
  private readonly site: string;
  /** HELP and TYPE lines, UTF-8: the help texts hold non-Latin-1 characters (÷ −). */
  private readonly headers: Record<keyof typeof AVAILABILITY_FAMILIES, Buffer>;
  private readonly names: Record<keyof typeof AVAILABILITY_FAMILIES, string>;
  private renderedFrom: AvailabilitySnapshot | undefined;
  private rendered = new EncodedPiece(Buffer.alloc(0));
  /** text(), decoded from the bytes on demand (the HTTP server sends the bytes themselves). */
  private decoded: string | undefined;
  private renders = 0;

  constructor(private readonly options: AvailabilityExpositionOptions) {
    this.site = `site="${escapeLabelValue(options.site)}"}`;
    const names = {} as Record<keyof typeof AVAILABILITY_FAMILIES, string>;
    const headers = {} as Record<keyof typeof AVAILABILITY_FAMILIES, Buffer>;
    for (const key of Object.keys(AVAILABILITY_FAMILIES) as (keyof typeof AVAILABILITY_FAMILIES)[]) {
      const { name, help } = AVAILABILITY_FAMILIES[key];
      const full = `${options.prefix}${name}`;
      names[key] = full;
      headers[key] = Buffer.from(`\n# HELP ${full} ${escapeHelp(help)}\n# TYPE ${full} gauge\n`, "utf8");
    }
    this.names = names;
    this.headers = headers;
  }

  /** Family names this writer emits (each with the prefix). */
  get familyNames(): string[] {
    return Object.values(this.names);
  }

  /** How many times the text was rendered (tests check the cache with it). */
  get renderCount(): number {
    return this.renders;
  }

  /**
   * The three families, each starting with a blank separator line, as UTF-8 (gzip on demand);
   * rendered again only for a new snapshot.
   */
  piece(): EncodedPiece {
    const snapshot = this.options.snapshot();
    if (snapshot !== this.renderedFrom) {
      this.rendered = this.render(snapshot);
      this.decoded = undefined;
      this.renderedFrom = snapshot;
    }
    return this.rendered;
  }

  /** piece() as text. */
  text(): string {
    const piece = this.piece();
    this.decoded ??= piece.bytes.toString("utf8");
    return this.decoded;
  }

  /**
   * The lines are joined and encoded apart from the headers: with the help texts' ÷ and − inside,
   * the joined string would be two bytes per character, and it is megabytes long.
   */
  private render(snapshot: AvailabilitySnapshot): EncodedPiece {
    this.renders += 1;
    // Flat string pieces joined once per family: no intermediate string per line.
    const ratio: string[] = [];
    const coverage: string[] = [];
    const budget: string[] = [];
    const site = this.site;
    const windowLabels = new Map<string, string>();
    let application: string | undefined;
    let appLabel = "";
    for (const f of uniqueFigures(snapshot.figures)) {
      // Figures come grouped by window, so the same application recurs every n figures: the
      // escaped label is cheap to redo compared with a cache keyed by name.
      if (f.application !== application) {
        application = f.application;
        appLabel = `{application="${escapeLabelValue(application)}",`;
      }
      let window = windowLabels.get(f.window);
      if (window === undefined) windowLabels.set(f.window, (window = `window="${f.window}",`));
      if (f.ratio !== null)
        ratio.push(this.names.ratio, appLabel, window, site, " ", formatSampleValue(f.ratio), "\n");
      coverage.push(this.names.coverage, appLabel, window, site, " ", formatSampleValue(f.coverage), "\n");
      if (f.budgetLeftMinutes !== undefined)
        budget.push(
          this.names.budget,
          appLabel,
          site,
          " ",
          formatSampleValue(f.budgetLeftMinutes * 60),
          "\n",
        );
    }
    for (const o of snapshot.overall) {
      if (o.ratio !== null)
        ratio.push(
          this.names.ratio,
          '{application="*",window="',
          o.window,
          '",',
          site,
          " ",
          formatSampleValue(o.ratio),
          "\n",
        );
    }
    const utf8 = (parts: string[]) => Buffer.from(parts.join(""), "utf8");
    const { headers } = this;
    return new EncodedPiece(
      Buffer.concat([
        headers.ratio,
        utf8(ratio),
        headers.coverage,
        utf8(coverage),
        headers.budget,
        utf8(budget),
      ]),
    );
  }
}

/**
 * One figure per application and window, as the gauges kept them: two http collectors may both
 * have a target of the same name, and a scrape must not repeat a series. The later figure wins,
 * in the earlier one's place (a gauge's set() on a label set it already has).
 */
function uniqueFigures(figures: readonly AvailabilityFigure[]): AvailabilityFigure[] {
  const out: AvailabilityFigure[] = [];
  const byWindow = new Map<string, Map<string, number>>();
  for (const f of figures) {
    let at = byWindow.get(f.window);
    if (at === undefined) byWindow.set(f.window, (at = new Map()));
    const index = at.get(f.application);
    if (index === undefined) {
      at.set(f.application, out.length);
      out.push(f);
    } else out[index] = f;
  }
  return out;
}
