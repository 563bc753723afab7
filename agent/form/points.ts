/**
 * 分值 (points) of the form's rows and the rule that scores them, as the self-evaluation
 * (绩效自评表) uses them. The 2026 form gives no points, so they are a setting of the targets file
 * (`scoring:` at the top, `points:` / `rule:` on a row), never presented as the finance bureau's:
 *  - `total` (default 100) is shared out over the rows that set no `points:` of their own;
 *  - with `level1_points` (分值 of each 一级指标), each group's points are shared over its rows;
 *    without, the rest of the total is shared equally over all rows;
 *  - shares are cut to 0.01 by largest remainder (ties to the earlier row), so they add up exactly;
 *  - `rule` (default `proportional`): full points when met; otherwise a number target scores
 *    points × the share achieved and a word target 0. `full_or_zero`: full when met, else 0.
 */
import * as z from "zod";

export const SCORING_RULES = ["proportional", "full_or_zero"] as const;
export type ScoringRule = (typeof SCORING_RULES)[number];

/** Where a row's points came from, for the sheet's notes. */
export type PointsFrom = "row" | "level1" | "equal";

export interface RowScoring {
  points: number;
  rule: ScoringRule;
  from: PointsFrom;
}

export const DEFAULT_TOTAL_POINTS = 100;
export const DEFAULT_SCORING_RULE: ScoringRule = "proportional";

/** A 分值: a number ≥ 0 with at most two decimals. */
export const pointsSchema = z
  .number({ error: "expected a number of points (分值), e.g. 2 or 1.5" })
  .min(0, { error: "expected points ≥ 0" })
  .refine((n) => Math.round(n * 100) === n * 100, {
    error: "expected at most two decimals (分值 are written to 0.01)",
  });

export const scoringRuleSchema = z.enum(SCORING_RULES, {
  error: `expected ${SCORING_RULES.join(" or ")} (full points when met; otherwise proportional for numbers, or zero)`,
});

export const scoringSchema = z.strictObject({
  total: pointsSchema.default(DEFAULT_TOTAL_POINTS),
  rule: scoringRuleSchema.default(DEFAULT_SCORING_RULE),
  /** 分值 of each 一级指标, by its name on the form (决策, 过程, 履职, 效益指标, 满意度指标). */
  level1_points: z.record(z.string(), pointsSchema).optional(),
});

export type ScoringSettings = z.output<typeof scoringSchema>;

export const DEFAULT_SCORING: ScoringSettings = { total: DEFAULT_TOTAL_POINTS, rule: DEFAULT_SCORING_RULE };

export interface PointsRow {
  level1: string;
  points?: number;
  rule?: ScoringRule;
}

/** Shares `total` hundredths over `count` rows: equal, the remainder one hundredth each to the first rows. */
function share(totalHundredths: number, count: number): number[] {
  const base = Math.floor(totalHundredths / count);
  const rest = totalHundredths - base * count;
  return Array.from({ length: count }, (_, i) => (base + (i < rest ? 1 : 0)) / 100);
}

/**
 * Every row's points and rule; or the problems (a level1_points group with no row, groups that
 * do not add up to the total, rows' own points above what their group or the total has).
 */
export function allocatePoints(
  rows: readonly PointsRow[],
  settings: ScoringSettings,
): { ok: true; rows: RowScoring[] } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const hundredths = (n: number) => Math.round(n * 100);
  const out: (RowScoring | undefined)[] = rows.map((r) =>
    r.points === undefined ? undefined : { points: r.points, rule: r.rule ?? settings.rule, from: "row" },
  );
  // The pools to share: one per 一级指标 with level1_points, else one for the whole form.
  const pools = new Map<string, { points: number; rows: number[] }>();
  if (settings.level1_points !== undefined) {
    const groups = settings.level1_points;
    const sum = Object.values(groups).reduce((s, p) => s + hundredths(p), 0);
    if (sum !== hundredths(settings.total))
      errors.push(
        `scoring.level1_points: the groups add up to ${sum / 100}, not scoring.total ${settings.total}; make them add up`,
      );
    for (const [name, p] of Object.entries(groups)) {
      if (!rows.some((r) => r.level1 === name))
        errors.push(
          `scoring.level1_points.${name}: no row has level1 "${name}"; expected one of ${[...new Set(rows.map((r) => r.level1))].join(", ")}`,
        );
      pools.set(name, { points: p, rows: [] });
    }
    rows.forEach((r, i) => {
      const pool = pools.get(r.level1);
      if (pool === undefined) {
        errors.push(
          `scoring.level1_points: no points for level1 "${r.level1}" (row ${i + 1}); add "${r.level1}: N"`,
        );
        return;
      }
      pool.rows.push(i);
    });
  } else {
    pools.set("", { points: settings.total, rows: rows.map((_, i) => i) });
  }
  for (const [name, pool] of pools) {
    // A group no row belongs to is reported above.
    if (pool.rows.length === 0) continue;
    const own = pool.rows.reduce((s, i) => s + hundredths(rows[i]?.points ?? 0), 0);
    const left = hundredths(pool.points) - own;
    const open = pool.rows.filter((i) => rows[i]?.points === undefined);
    const where = name === "" ? "scoring.total" : `scoring.level1_points.${name}`;
    if (left < 0 || (open.length === 0 && left !== 0)) {
      errors.push(
        `${where}: ${pool.points} points, but its rows' own points add up to ${own / 100}; change the rows' points or ${where}`,
      );
      continue;
    }
    const shares = open.length === 0 ? [] : share(left, open.length);
    open.forEach((i, k) => {
      out[i] = {
        points: shares[k] as number,
        rule: rows[i]?.rule ?? settings.rule,
        from: name === "" ? "equal" : "level1",
      };
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, rows: out.map((r) => r ?? { points: 0, rule: settings.rule, from: "equal" }) };
}
