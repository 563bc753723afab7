/**
 * Paints a scene into an RGB bitmap, for the PNG images in the DOCX: rectangles, (dashed) lines,
 * polylines, dots, and the numeric labels (tick values, day numbers, counts, "≥95%") in a built-in
 * 5×7 pixel font. Text with any character outside that font (Chinese labels, bucket names such as
 * "未响应") is left out of the bitmap: the DOCX prints those words, and every figure, in the table
 * beside the chart. No anti-aliasing: the bitmap is drawn at 2× (or more) so it prints sharply.
 */
import type { Colour, Scene, Shape } from "./scene.js";

/** 5×7 glyphs, 7 rows of 5 cells per character ("#" = ink). */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
  "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
  "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
  "3": ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
  "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
  "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
  "6": ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
  "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
  "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
  "9": [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
  "%": ["##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"],
  ".": [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."],
  "-": [".....", ".....", ".....", "#####", ".....", ".....", "....."],
  ":": [".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."],
  "/": [".....", "....#", "...#.", "..#..", ".#...", "#....", "....."],
  "≥": [".#...", "..#..", "...#.", "..#..", ".#...", ".....", "#####"],
  "≤": ["...#.", "..#..", ".#...", "..#..", "...#.", ".....", "#####"],
  ">": [".#...", "..#..", "...#.", "....#", "...#.", "..#..", ".#..."],
  "<": ["...#.", "..#..", ".#...", "#....", ".#...", "..#..", "...#."],
  "=": [".....", ".....", "#####", ".....", "#####", ".....", "....."],
  m: [".....", ".....", "##.#.", "#.#.#", "#.#.#", "#...#", "#...#"],
  i: ["..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."],
  n: [".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"],
  h: ["#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"],
  " ": [".....", ".....", ".....", ".....", ".....", ".....", "....."],
  "(": ["...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."],
  ")": [".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."],
};

const FONT: ReadonlyMap<string, boolean[]> = new Map(
  Object.entries(GLYPHS).map(([ch, rows]) => [
    ch,
    rows
      .join("")
      .split("")
      .map((c) => c === "#"),
  ]),
);

export interface Bitmap {
  width: number;
  height: number;
  /** width × height × 3 bytes, rows top to bottom. */
  rgb: Uint8Array;
}

function parseColour(colour: Colour): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour)?.[1];
  if (hex === undefined) throw new Error(`colour ${colour} is not #rrggbb`);
  const v = Number.parseInt(hex, 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

class Canvas implements Bitmap {
  readonly rgb: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = new Uint8Array(width * height * 3).fill(255);
  }

  pixel(x: number, y: number, [r, g, b]: readonly [number, number, number]): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.rgb[i] = r;
    this.rgb[i + 1] = g;
    this.rgb[i + 2] = b;
  }

  /** Fills [x0, x1) × [y0, y1) in device pixels. */
  fill(x0: number, y0: number, x1: number, y1: number, c: readonly [number, number, number]): void {
    const xa = Math.max(0, Math.round(x0));
    const xb = Math.min(this.width, Math.round(x1));
    const ya = Math.max(0, Math.round(y0));
    const yb = Math.min(this.height, Math.round(y1));
    // Clamped once, written directly: this is the inner loop of every shape (a report draws
    // dozens of charts of ~560,000 pixels each), so no per-pixel call or bounds check.
    const [r, g, b] = c;
    const rgb = this.rgb;
    for (let y = ya; y < yb; y++) {
      const end = (y * this.width + xb) * 3;
      for (let i = (y * this.width + xa) * 3; i < end; i += 3) {
        rgb[i] = r;
        rgb[i + 1] = g;
        rgb[i + 2] = b;
      }
    }
  }

  disc(cx: number, cy: number, r: number, c: readonly [number, number, number]): void {
    const r2 = r * r;
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++)
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        if (dx * dx + dy * dy <= r2) this.pixel(x, y, c);
      }
  }

  /** A stroked segment: a square brush of the line's width stamped every half pixel; dashes measured from its start. */
  segment(
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    width: number,
    c: readonly [number, number, number],
    dash?: readonly [number, number],
  ): void {
    const length = Math.hypot(x2 - x1, y2 - y1);
    const steps = Math.max(1, Math.ceil(length * 2));
    const half = Math.max(0.5, width / 2);
    if (dash === undefined && (x1 === x2 || y1 === y2)) {
      // Grid and axis lines: the stamps of an unbroken horizontal or vertical segment overlap
      // (half-pixel steps, a brush at least a pixel wide), so their union is one rectangle.
      this.fill(
        Math.min(x1, x2) - half,
        Math.min(y1, y2) - half,
        Math.max(x1, x2) + half,
        Math.max(y1, y2) + half,
        c,
      );
      return;
    }
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      if (dash !== undefined && (t * length) % (dash[0] + dash[1]) >= dash[0]) continue;
      const x = x1 + (x2 - x1) * t;
      const y = y1 + (y2 - y1) * t;
      this.fill(x - half, y - half, x + half, y + half, c);
    }
  }

  text(
    x: number,
    baseline: number,
    text: string,
    size: number,
    anchor: string,
    c: readonly [number, number, number],
  ): void {
    const glyphs = [...text].map((ch) => FONT.get(ch));
    if (glyphs.some((g) => g === undefined)) return; // not in the pixel font: left to the table beside the chart
    const cell = Math.max(1, Math.round(size / 8)); // a 7-row glyph ≈ the cap height of `size`
    const advance = 6 * cell;
    const width = glyphs.length * advance - cell;
    const left = anchor === "middle" ? x - width / 2 : anchor === "end" ? x - width : x;
    const top = baseline - 7 * cell;
    glyphs.forEach((bits, i) => {
      bits!.forEach((on, k) => {
        if (!on) return;
        const gx = left + i * advance + (k % 5) * cell;
        const gy = top + Math.floor(k / 5) * cell;
        this.fill(gx, gy, gx + cell, gy + cell, c);
      });
    });
  }
}

function paint(canvas: Canvas, s: Shape, k: number): void {
  switch (s.kind) {
    case "rect":
      canvas.fill(s.x * k, s.y * k, (s.x + s.w) * k, (s.y + s.h) * k, parseColour(s.fill));
      return;
    case "line":
      canvas.segment(
        s.x1 * k,
        s.y1 * k,
        s.x2 * k,
        s.y2 * k,
        s.width * k,
        parseColour(s.stroke),
        s.dash === undefined ? undefined : [s.dash[0] * k, s.dash[1] * k],
      );
      return;
    case "polyline": {
      const c = parseColour(s.stroke);
      for (let i = 1; i < s.points.length; i++) {
        const [ax, ay] = s.points[i - 1]!;
        const [bx, by] = s.points[i]!;
        canvas.segment(ax * k, ay * k, bx * k, by * k, s.width * k, c);
        canvas.disc(bx * k, by * k, (s.width * k) / 2, c); // round joins
      }
      return;
    }
    case "circle":
      canvas.disc(s.cx * k, s.cy * k, s.r * k, parseColour(s.fill));
      return;
    case "text":
      canvas.text(s.x * k, s.y * k, s.text, s.size * k, s.anchor, parseColour(s.fill));
      return;
  }
}

/** The scene at `scale` device pixels per CSS pixel (integer, default 2), on white. */
export function rasterize(scene: Scene, scale = 2): Bitmap {
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`scale must be a positive integer, got ${scale}`);
  const canvas = new Canvas(Math.round(scene.width * scale), Math.round(scene.height * scale));
  for (const s of scene.shapes) paint(canvas, s, scale);
  return canvas;
}

/** Whether the pixel font can print `text` (tests, and callers deciding what the table must carry). */
export function rasterizable(text: string): boolean {
  return [...text].every((ch) => FONT.has(ch));
}
