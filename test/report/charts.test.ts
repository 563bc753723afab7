import { describe, expect, it } from "vitest";
import {
  chartPng,
  countAxis,
  countChart,
  crc32,
  distributionChart,
  encodePng,
  rasterizable,
  ratioAxis,
  ratioChart,
  toSvg,
} from "../../agent/report/charts/index.js";
import type { DailyPoint } from "../../agent/report/model.js";
import { decodePng, pixel, xmlErrors } from "./helpers.js";

function month(value: (day: number) => number | null): DailyPoint[] {
  return Array.from({ length: 31 }, (_, i) => ({
    day: `2026-10-${String(i + 1).padStart(2, "0")}`,
    value: value(i + 1),
  }));
}

const availability = month((d) => (d === 12 ? 0.71 : d === 20 || d === 21 ? null : 1));

describe("chart axes", () => {
  it("starts the ratio axis at 80 % unless the data dips lower, then at the 5 % below the minimum", () => {
    expect(ratioAxis([0.97, 1, null]).min).toBe(0.8);
    expect(ratioAxis([0.71, 1]).min).toBe(0.7);
    expect(ratioAxis([0.8, 1]).min).toBe(0.8);
    expect(ratioAxis([0.45]).min).toBe(0.45);
    expect(ratioAxis([null, null]).min).toBe(0.8);
    expect(ratioAxis([0.97]).ticks).toEqual([0.8, 0.85, 0.9, 0.95, 1]);
    expect(ratioAxis([0.97]).max).toBe(1);
  });

  it("covers the data and the expected count in round steps", () => {
    const axis = countAxis([251, 252, 253, null], 253);
    expect(axis.min).toBeLessThanOrEqual(251);
    expect(axis.max).toBeGreaterThanOrEqual(253);
    expect(axis.ticks.length).toBeLessThanOrEqual(6);
    expect(countAxis([null], 253).ticks).toContain(254);
  });
});

describe("SVG charts", () => {
  it("draws a ratio line broken at days without data, markers below target in red, and the target line", () => {
    const svg = toSvg(ratioChart(availability, { title: "可用率", target: 0.95, targetLabel: "≥95%" }));
    expect(svg.match(/<polyline /g)).toHaveLength(2); // days 1–19 and 22–31
    expect(svg.match(/<circle /g)).toHaveLength(29);
    expect(svg.match(/<circle [^>]*fill="#c62828"/g)).toHaveLength(1); // day 12
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain(">≥95%</text>");
    expect(svg).toContain(">70%</text>");
    expect(svg).toContain("'Microsoft YaHei'");
    expect(svg).not.toMatch(/href|url\(|@import/);
  });

  it("is deterministic and well-formed XML, with text escaped", () => {
    const scenes = [
      ratioChart(availability, { title: "a & <b>", target: 0.95 }),
      countChart(
        month((d) => (d < 10 ? 253 : 251)),
        { title: "VM", expected: 253, expectedLabel: "=253" },
      ),
      ratioChart(
        month(() => null),
        { title: "none", noDataLabel: "无数据" },
      ),
      distributionChart(
        [
          { bucket: "≤5 min", count: 3 },
          { bucket: "<script>&'\"", count: 1 },
        ],
        { title: "分布" },
      ),
    ];
    const svgs = scenes.map((s) => toSvg(s));
    expect(scenes.map((s) => toSvg(s))).toEqual(svgs);
    expect(xmlErrors(svgs)).toEqual(["", "", "", ""]);
    expect(svgs[0]).toContain('aria-label="a &amp; &lt;b&gt;"');
    expect(svgs[2]).toContain(">无数据</text>");
    expect(svgs[2]).not.toContain("<polyline");
    expect(svgs[3]).toContain("&lt;script&gt;&amp;&#39;&quot;");
    expect(svgs[3]).not.toContain("<script>");
  });
});

describe("PNG", () => {
  it("computes the PNG CRC-32", () => {
    expect(crc32(Buffer.from("IEND", "ascii"))).toBe(0xae426082);
    expect(crc32(Buffer.from("123456789", "ascii"))).toBe(0xcbf43926);
  });

  it("encodes an RGB image that decodes back to the same pixels", () => {
    const rgb = new Uint8Array(7 * 5 * 3).map((_, i) => (i * 37) % 256);
    const decoded = decodePng(encodePng(7, 5, rgb));
    expect(decoded.chunks).toEqual(["IHDR", "IDAT", "IEND"]);
    expect([decoded.width, decoded.height]).toEqual([7, 5]);
    expect([...decoded.rgb]).toEqual([...rgb]);
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(/expected 12 bytes/);
  });

  it("rasterises a chart at 2×: white background, the series in blue, the target line in red", () => {
    const scene = ratioChart(availability, { title: "可用率", target: 0.95, targetLabel: "≥95%" });
    const png = chartPng(scene);
    expect(chartPng(scene).equals(png)).toBe(true);
    const decoded = decodePng(png);
    expect([decoded.width, decoded.height]).toEqual([1280, 440]);
    expect(pixel(decoded, 2, 2)).toBe("#ffffff");
    const colours = new Set<string>();
    for (let y = 0; y < decoded.height; y++) colours.add(pixel(decoded, 700, y));
    expect(colours).toContain("#2f6db5"); // the 100 % line crosses x = 350 css px
    const row = Array.from({ length: decoded.width }, (_, x) => pixel(decoded, x, decoded.height - 1));
    expect(row.every((c) => c === "#ffffff")).toBe(true);
    let red = 0;
    for (let x = 0; x < decoded.width; x++)
      for (let y = 0; y < decoded.height; y++) if (pixel(decoded, x, y) === "#c62828") red++;
    expect(red).toBeGreaterThan(500); // dashed target line, its label, the day-12 marker
  });

  it("prints numbers in the pixel font and leaves other text to the table", () => {
    expect(rasterizable("95%")).toBe(true);
    expect(rasterizable("≤15 min")).toBe(true);
    expect(rasterizable("未响应 unanswered")).toBe(false);
  });
});
