/**
 * The report's charting module: pure functions from data to SVG text (HTML) and PNG bytes (DOCX).
 *
 * How: a chart builder (charts.ts) turns data into a Scene, a list of primitive shapes (rects,
 * lines, polylines, dots, text). svg.ts prints the scene as inline SVG: system fonts only, text
 * escaped, coordinates rounded, so the same data always gives the same bytes. raster.ts paints the
 * same scene into an RGB bitmap and png.ts encodes it (signature, IHDR, IDAT via node:zlib, IEND,
 * CRC-32), with no native or third-party image library.
 *
 * Why PNG alone in the DOCX (not SVG with a PNG fallback): Word 2016+ would draw the SVG, but
 * Word 2010/2013, WPS and LibreOffice show only the fallback, so the PNG has to be right anyway;
 * with PNG alone every reader shows the same picture, the one the tests decode. The bitmap is
 * drawn at 2× (1280×440 px for a 640×220 chart, ~200 dpi at print width). Its text is limited to
 * a built-in pixel font (digits, % . - : / ≥ ≤ < > = and "min"/"h"), so tick values, day numbers
 * and counts appear; Chinese words (bucket names, "no data") are left out of the bitmap, and the
 * DOCX prints every charted figure in the table beside the chart.
 */
import type { Scene } from "./scene.js";
import { encodePng } from "./png.js";
import { rasterize } from "./raster.js";
import { toSvg, type SvgOptions } from "./svg.js";

export {
  barChart,
  countChart,
  distributionChart,
  multiRatioChart,
  ratioChart,
  countAxis,
  ratioAxis,
  SERIES_COLOURS,
} from "./charts.js";
export type { CountChartOptions, DistributionChartOptions, RatioChartOptions } from "./charts.js";
export type { Scene, Shape, Colour } from "./scene.js";
export { FONT_STACK, PALETTE } from "./scene.js";
export { encodePng, crc32 } from "./png.js";
export { rasterize, rasterizable, type Bitmap } from "./raster.js";
export { toSvg, type SvgOptions } from "./svg.js";

/** The scene as SVG text. */
export function chartSvg(scene: Scene, options?: SvgOptions): string {
  return toSvg(scene, options);
}

/** The scene as a PNG file at `scale` device pixels per CSS pixel (default 2). */
export function chartPng(scene: Scene, scale = 2): Buffer {
  const bitmap = rasterize(scene, scale);
  return encodePng(bitmap.width, bitmap.height, bitmap.rgb);
}
