/** A scene printed as SVG text: deterministic (coordinates rounded to 0.1 px), text escaped, no external resources. */
import { escapeHtml } from "../escape.js";
import { FONT_STACK, PALETTE, type Scene, type Shape } from "./scene.js";

/** A coordinate with at most one decimal, no "-0". */
function n(value: number): string {
  const r = Math.round(value * 10) / 10;
  return String(Object.is(r, -0) ? 0 : r);
}

function shape(s: Shape): string {
  switch (s.kind) {
    case "rect":
      return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="${s.fill}"/>`;
    case "line": {
      const dash = s.dash === undefined ? "" : ` stroke-dasharray="${n(s.dash[0])} ${n(s.dash[1])}"`;
      return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.stroke}" stroke-width="${n(s.width)}"${dash}/>`;
    }
    case "polyline":
      return `<polyline points="${s.points.map(([x, y]) => `${n(x)},${n(y)}`).join(" ")}" fill="none" stroke="${s.stroke}" stroke-width="${n(s.width)}" stroke-linejoin="round" stroke-linecap="round"/>`;
    case "circle":
      return `<circle cx="${n(s.cx)}" cy="${n(s.cy)}" r="${n(s.r)}" fill="${s.fill}"/>`;
    case "text": {
      const anchor = s.anchor === "start" ? "" : ` text-anchor="${s.anchor}"`;
      return `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${n(s.size)}" fill="${s.fill}"${anchor}>${escapeHtml(s.text)}</text>`;
    }
  }
}

export interface SvgOptions {
  /**
   * Write xmlns (needed for a standalone .svg file or an image part); inline SVG in HTML does not
   * need it (the HTML parser puts <svg> in the SVG namespace). Default true.
   */
  xmlns?: boolean;
}

/** The scene as one <svg> element. */
export function toSvg(scene: Scene, options: SvgOptions = {}): string {
  const ns = options.xmlns === false ? "" : ` xmlns="http://www.w3.org/2000/svg"`;
  const title = escapeHtml(scene.title);
  return [
    `<svg${ns} viewBox="0 0 ${n(scene.width)} ${n(scene.height)}" width="${n(scene.width)}" height="${n(scene.height)}" role="img" aria-label="${title}" font-family="${FONT_STACK}">`,
    `<title>${title}</title>`,
    `<rect x="0" y="0" width="${n(scene.width)}" height="${n(scene.height)}" fill="${PALETTE.background}"/>`,
    ...scene.shapes.map(shape),
    `</svg>`,
  ].join("\n");
}
