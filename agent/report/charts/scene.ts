/**
 * A chart as a list of primitive shapes in a fixed coordinate space (CSS pixels). The chart
 * builders (charts.ts) produce scenes; svg.ts prints a scene as SVG text, raster.ts paints the same
 * scene into an RGB bitmap for PNG. One geometry, two outputs: the PNG in the DOCX shows exactly
 * the lines and bars of the SVG in the HTML.
 */

/** "#rrggbb" only: the rasteriser parses it, and SVG takes it as is. */
export type Colour = `#${string}`;

export type Shape =
  | { kind: "rect"; x: number; y: number; w: number; h: number; fill: Colour }
  | {
      kind: "line";
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      stroke: Colour;
      width: number;
      /** Dash and gap lengths, e.g. [6, 4]. */
      dash?: readonly [number, number];
    }
  | { kind: "polyline"; points: readonly (readonly [number, number])[]; stroke: Colour; width: number }
  | { kind: "circle"; cx: number; cy: number; r: number; fill: Colour }
  | {
      kind: "text";
      x: number;
      /** Baseline. */
      y: number;
      text: string;
      size: number;
      anchor: "start" | "middle" | "end";
      fill: Colour;
    };

export interface Scene {
  width: number;
  height: number;
  /** Accessible name (SVG aria-label / <title>). */
  title: string;
  shapes: Shape[];
}

/** System fonts only (no web fonts): common CJK faces first, so Chinese labels render on Windows, macOS and Linux. */
export const FONT_STACK =
  "'Microsoft YaHei', '微软雅黑', 'SimHei', '黑体', 'PingFang SC', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";

export const PALETTE = {
  background: "#ffffff",
  axis: "#555555",
  grid: "#e3e3e3",
  text: "#333333",
  series: "#2f6db5",
  good: "#2e7d32",
  bad: "#c62828",
  warn: "#e69500",
  target: "#c62828",
  muted: "#9e9e9e",
} as const satisfies Record<string, Colour>;
