/**
 * The report's charts as scenes: pure functions from data to shapes (no clock, no randomness), so
 * a fixed report always gives the same SVG and the same PNG.
 *  - ratioChart: a daily ratio (availability, antivirus coverage) as a line with markers, the
 *    target as a dashed line; the y axis runs from a floor (80 % or lower when the data dips
 *    below it, in 5 % steps) to 100 %; a day without data (null) is a gap in the line.
 *  - countChart: a daily count (VM count) against the expected count (dashed line); the axis
 *    covers both the data and the expected value with a little room, in round steps.
 *  - distributionChart: bars of counts per bucket (response-time distribution), from zero.
 */
import type { DailyPoint } from "../model.js";
import { PALETTE, type Scene, type Shape } from "./scene.js";

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { left: 48, right: 16, top: 22, bottom: 28 } as const;
const FONT = 11;

export interface RatioChartOptions {
  /** Accessible title. */
  title: string;
  /** The target ratio (0.95): dashed line, markers below it in red. */
  target?: number;
  /** Label printed at the target line, e.g. "≥95%". */
  targetLabel?: string;
  /** Lowest floor of the y axis when the data stays above it (default 0.8). */
  floor?: number;
  /** Text shown when no day has data ("无数据"). */
  noDataLabel?: string;
}

export interface CountChartOptions {
  title: string;
  expected: number;
  expectedLabel?: string;
  noDataLabel?: string;
}

export interface DistributionChartOptions {
  title: string;
}

interface Axis {
  min: number;
  max: number;
  ticks: number[];
  format: (value: number) => string;
}

interface Plot {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const PLOT: Plot = {
  x0: MARGIN.left,
  x1: WIDTH - MARGIN.right,
  y0: MARGIN.top,
  y1: HEIGHT - MARGIN.bottom,
};

function yOf(value: number, axis: Axis, plot: Plot = PLOT): number {
  const clamped = Math.min(axis.max, Math.max(axis.min, value));
  return plot.y1 - ((clamped - axis.min) / (axis.max - axis.min)) * (plot.y1 - plot.y0);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The ratio axis: from min(floor, the data's minimum rounded down to 5 %) to 100 %. */
export function ratioAxis(values: readonly (number | null)[], floor = 0.8): Axis {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lowest = present.length === 0 ? floor : Math.min(...present);
  const min = Math.max(0, Math.min(floor, Math.floor(round(lowest * 20, 9)) / 20));
  const span = 1 - min;
  const step = span <= 0.25 ? 0.05 : span <= 0.5 ? 0.1 : 0.2;
  const ticks: number[] = [];
  for (let t = 1; t >= min - 1e-9; t = round(t - step, 6)) ticks.unshift(round(t, 6));
  if (ticks[0] !== min) ticks.unshift(min);
  return { min, max: 1, ticks, format: (v) => `${round(v * 100, 1)}%` };
}

const NICE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000];

/** The count axis: covers the data and the expected value with room, in round steps (at most 6 ticks). */
export function countAxis(values: readonly (number | null)[], expected: number): Axis {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(expected, ...present);
  const hi = Math.max(expected, ...present);
  const pad = Math.max(2, Math.ceil((hi - lo) * 0.25));
  const rawMin = Math.max(0, lo - pad);
  const rawMax = hi + pad;
  const step = NICE_STEPS.find((s) => (rawMax - rawMin) / s <= 5) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
  const min = Math.floor(rawMin / step) * step;
  const max = Math.ceil(rawMax / step) * step;
  const ticks: number[] = [];
  for (let t = min; t <= max; t += step) ticks.push(t);
  return { min, max, ticks, format: (v) => String(v) };
}

function yAxis(axis: Axis, shapes: Shape[]): void {
  for (const t of axis.ticks) {
    const y = yOf(t, axis);
    shapes.push({ kind: "line", x1: PLOT.x0, y1: y, x2: PLOT.x1, y2: y, stroke: PALETTE.grid, width: 1 });
    shapes.push({
      kind: "text",
      x: PLOT.x0 - 6,
      y: y + 4,
      text: axis.format(t),
      size: FONT,
      anchor: "end",
      fill: PALETTE.text,
    });
  }
  shapes.push({
    kind: "line",
    x1: PLOT.x0,
    y1: PLOT.y1,
    x2: PLOT.x1,
    y2: PLOT.y1,
    stroke: PALETTE.axis,
    width: 1,
  });
  shapes.push({
    kind: "line",
    x1: PLOT.x0,
    y1: PLOT.y0,
    x2: PLOT.x0,
    y2: PLOT.y1,
    stroke: PALETTE.axis,
    width: 1,
  });
}

/** Day-of-month labels under the x axis: the 1st and every 5th. */
function dayAxis(points: readonly DailyPoint[], xOf: (i: number) => number, shapes: Shape[]): void {
  points.forEach((p, i) => {
    const dom = Number(p.day.slice(8, 10));
    if (dom !== 1 && dom % 5 !== 0) return;
    const x = xOf(i);
    shapes.push({ kind: "line", x1: x, y1: PLOT.y1, x2: x, y2: PLOT.y1 + 4, stroke: PALETTE.axis, width: 1 });
    shapes.push({
      kind: "text",
      x,
      y: PLOT.y1 + 17,
      text: String(dom),
      size: FONT,
      anchor: "middle",
      fill: PALETTE.text,
    });
  });
}

function noData(label: string | undefined, shapes: Shape[]): void {
  if (label === undefined) return;
  shapes.push({
    kind: "text",
    x: (PLOT.x0 + PLOT.x1) / 2,
    y: (PLOT.y0 + PLOT.y1) / 2,
    text: label,
    size: 14,
    anchor: "middle",
    fill: PALETTE.muted,
  });
}

function targetLine(value: number, label: string | undefined, axis: Axis, shapes: Shape[]): void {
  const y = yOf(value, axis);
  shapes.push({
    kind: "line",
    x1: PLOT.x0,
    y1: y,
    x2: PLOT.x1,
    y2: y,
    stroke: PALETTE.target,
    width: 1.5,
    dash: [6, 4],
  });
  if (label !== undefined)
    shapes.push({
      kind: "text",
      x: PLOT.x1 - 2,
      y: y - 4,
      text: label,
      size: FONT,
      anchor: "end",
      fill: PALETTE.target,
    });
}

/**
 * The daily series as a line broken at null days, with a marker per measured day; `bad` colours
 * a marker (below target, off the expected count).
 */
function dailySeries(
  points: readonly DailyPoint[],
  axis: Axis,
  bad: (value: number) => boolean,
  shapes: Shape[],
): (i: number) => number {
  const band = (PLOT.x1 - PLOT.x0) / Math.max(1, points.length);
  const xOf = (i: number): number => PLOT.x0 + (i + 0.5) * band;
  let run: [number, number][] = [];
  const flush = (): void => {
    if (run.length > 1) shapes.push({ kind: "polyline", points: run, stroke: PALETTE.series, width: 2 });
    run = [];
  };
  points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) flush();
    else run.push([xOf(i), yOf(p.value, axis)]);
  });
  flush();
  points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) return;
    shapes.push({
      kind: "circle",
      cx: xOf(i),
      cy: yOf(p.value, axis),
      r: 2.5,
      fill: bad(p.value) ? PALETTE.bad : PALETTE.series,
    });
  });
  return xOf;
}

/** A daily ratio (availability, coverage) with its target line. */
export function ratioChart(points: readonly DailyPoint[], options: RatioChartOptions): Scene {
  const axis = ratioAxis(
    points.map((p) => p.value),
    options.floor ?? 0.8,
  );
  const shapes: Shape[] = [];
  yAxis(axis, shapes);
  const target = options.target;
  const xOf = dailySeries(points, axis, (v) => target !== undefined && v < target - 1e-9, shapes);
  if (target !== undefined) targetLine(target, options.targetLabel, axis, shapes);
  dayAxis(points, xOf, shapes);
  if (points.every((p) => p.value === null)) noData(options.noDataLabel, shapes);
  return { width: WIDTH, height: HEIGHT, title: options.title, shapes };
}

/** A daily count (VM count) against the expected count. */
export function countChart(points: readonly DailyPoint[], options: CountChartOptions): Scene {
  const axis = countAxis(
    points.map((p) => p.value),
    options.expected,
  );
  const shapes: Shape[] = [];
  yAxis(axis, shapes);
  const xOf = dailySeries(points, axis, (v) => v !== options.expected, shapes);
  targetLine(options.expected, options.expectedLabel, axis, shapes);
  dayAxis(points, xOf, shapes);
  if (points.every((p) => p.value === null)) noData(options.noDataLabel, shapes);
  return { width: WIDTH, height: HEIGHT, title: options.title, shapes };
}

/** Counts per bucket as bars from zero, the count above each bar, the bucket under it. */
export function distributionChart(
  buckets: readonly { bucket: string; count: number }[],
  options: DistributionChartOptions,
): Scene {
  const top = Math.max(0, ...buckets.map((b) => b.count));
  const step = NICE_STEPS.find((s) => top / s <= 5) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
  const max = Math.max(step, Math.ceil(top / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  const axis: Axis = { min: 0, max, ticks, format: (v) => String(v) };
  const shapes: Shape[] = [];
  yAxis(axis, shapes);
  const band = (PLOT.x1 - PLOT.x0) / Math.max(1, buckets.length);
  buckets.forEach((b, i) => {
    const cx = PLOT.x0 + (i + 0.5) * band;
    const w = Math.min(56, band * 0.6);
    const y = yOf(b.count, axis);
    if (b.count > 0) shapes.push({ kind: "rect", x: cx - w / 2, y, w, h: PLOT.y1 - y, fill: PALETTE.series });
    shapes.push({
      kind: "text",
      x: cx,
      y: y - 4,
      text: String(b.count),
      size: FONT,
      anchor: "middle",
      fill: PALETTE.text,
    });
    shapes.push({
      kind: "text",
      x: cx,
      y: PLOT.y1 + 17,
      text: b.bucket,
      size: FONT,
      anchor: "middle",
      fill: PALETTE.text,
    });
  });
  return { width: WIDTH, height: HEIGHT, title: options.title, shapes };
}

/** Distinct series colours (colour-blind friendly order), cycled when there are more series. */
export const SERIES_COLOURS = [
  "#2f6db5",
  "#e69500",
  "#2e9e6b",
  "#8e44ad",
  "#d35400",
  "#16a2b8",
  "#7f8c8d",
  "#b8860b",
] as const satisfies readonly `#${string}`[];

export interface MultiRatioChartOptions {
  title: string;
  target: number;
  targetLabel: string;
  noDataLabel?: string;
  floor?: number;
}

/** Legend rows under the plot: a colour swatch and the series' name, as many per row as fit. */
const LEGEND_ROW = 16;
const LEGEND_PER_ROW = 4;

/**
 * Several daily ratios in one chart (each application's availability over the month), one
 * coloured line each, the target as a dashed line, and a legend naming the series under the plot.
 */
export function multiRatioChart(
  series: readonly { name: string; points: readonly DailyPoint[] }[],
  options: MultiRatioChartOptions,
): Scene {
  const legendRows = Math.ceil(series.length / LEGEND_PER_ROW);
  const height = HEIGHT + legendRows * LEGEND_ROW + 4;
  const axis = ratioAxis(
    series.flatMap((s) => s.points.map((p) => p.value)),
    options.floor ?? 0.8,
  );
  const shapes: Shape[] = [];
  yAxis(axis, shapes);
  const days = series[0]?.points ?? [];
  const band = (PLOT.x1 - PLOT.x0) / Math.max(1, days.length);
  const xOf = (i: number): number => PLOT.x0 + (i + 0.5) * band;
  series.forEach((s, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length] as `#${string}`;
    let run: [number, number][] = [];
    const flush = (): void => {
      if (run.length > 1) shapes.push({ kind: "polyline", points: run, stroke: colour, width: 1.75 });
      run = [];
    };
    s.points.forEach((p, i) => {
      if (p.value === null || !Number.isFinite(p.value)) flush();
      else run.push([xOf(i), yOf(p.value, axis)]);
    });
    flush();
    s.points.forEach((p, i) => {
      if (p.value === null || !Number.isFinite(p.value)) return;
      const below = p.value < options.target - 1e-9;
      shapes.push({
        kind: "circle",
        cx: xOf(i),
        cy: yOf(p.value, axis),
        r: below ? 3 : 1.75,
        fill: below ? PALETTE.bad : colour,
      });
    });
  });
  targetLine(options.target, options.targetLabel, axis, shapes);
  dayAxis(days, xOf, shapes);
  if (series.every((s) => s.points.every((p) => p.value === null))) noData(options.noDataLabel, shapes);
  const columnWidth = (PLOT.x1 - PLOT.x0) / LEGEND_PER_ROW;
  series.forEach((s, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length] as `#${string}`;
    const x = PLOT.x0 + (k % LEGEND_PER_ROW) * columnWidth;
    const y = HEIGHT + Math.floor(k / LEGEND_PER_ROW) * LEGEND_ROW + 4;
    shapes.push({ kind: "rect", x, y: y - 8, w: 14, h: 4, fill: colour });
    shapes.push({
      kind: "text",
      x: x + 18,
      y: y - 2,
      text: s.name,
      size: FONT,
      anchor: "start",
      fill: PALETTE.text,
    });
  });
  return { width: WIDTH, height, title: options.title, shapes };
}

export interface BarChartOptions {
  title: string;
  /** The bars' colour (default the series blue). */
  colour?: `#${string}`;
  /** Label each bar with its value (a zero bar too when `labelZero`). */
  labelZero?: boolean;
}

/**
 * Bars from zero with their value above each one: counts per day of the month (the day numbers
 * under the axis) or per bucket (the bucket names under the axis, with a share beside the count).
 */
export function barChart(
  bars: readonly { label: string; value: number; caption?: string; colour?: `#${string}` }[],
  options: BarChartOptions & { dayAxis?: boolean },
): Scene {
  const top = Math.max(0, ...bars.map((b) => b.value));
  const step = NICE_STEPS.find((s) => top / s <= 5) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
  const max = Math.max(step, Math.ceil(top / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  const axis: Axis = { min: 0, max, ticks, format: (v) => String(v) };
  const shapes: Shape[] = [];
  yAxis(axis, shapes);
  const band = (PLOT.x1 - PLOT.x0) / Math.max(1, bars.length);
  bars.forEach((b, i) => {
    const cx = PLOT.x0 + (i + 0.5) * band;
    const w = Math.min(56, band * 0.7);
    const y = yOf(b.value, axis);
    if (b.value > 0)
      shapes.push({
        kind: "rect",
        x: cx - w / 2,
        y,
        w,
        h: PLOT.y1 - y,
        fill: b.colour ?? options.colour ?? PALETTE.series,
      });
    if (b.value > 0 || options.labelZero === true)
      shapes.push({
        kind: "text",
        x: cx,
        y: y - 4,
        text: b.caption ?? String(b.value),
        size: FONT,
        anchor: "middle",
        fill: PALETTE.text,
      });
    if (options.dayAxis === true) {
      const dom = Number(b.label.slice(8, 10));
      if (dom !== 1 && dom % 5 !== 0) return;
      shapes.push({
        kind: "text",
        x: cx,
        y: PLOT.y1 + 17,
        text: String(dom),
        size: FONT,
        anchor: "middle",
        fill: PALETTE.text,
      });
    } else
      shapes.push({
        kind: "text",
        x: cx,
        y: PLOT.y1 + 17,
        text: b.label,
        size: FONT,
        anchor: "middle",
        fill: PALETTE.text,
      });
  });
  return { width: WIDTH, height: HEIGHT, title: options.title, shapes };
}
