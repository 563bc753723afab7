/** Test helpers for the report renderers: python3 (on every machine) parses XML and unzips DOCX. */
import { execFileSync } from "node:child_process";
import { inflateSync } from "node:zlib";

/** Parses each SVG with python3's xml.etree; returns the error per document ("" when it parses). */
export function xmlErrors(documents: readonly string[]): string[] {
  const script = `
import json, sys, xml.etree.ElementTree as ET
out = []
for doc in json.load(sys.stdin):
    try:
        ET.fromstring(doc)
        out.append("")
    except ET.ParseError as e:
        out.append(str(e))
print(json.dumps(out))
`;
  const stdout = execFileSync("python3", ["-c", script], { input: JSON.stringify(documents) });
  return JSON.parse(stdout.toString("utf8")) as string[];
}

/** The entries of a ZIP file: names, and the text of the XML parts. */
export function unzip(zip: Buffer): {
  names: string[];
  text: Record<string, string>;
  binary: Record<string, Buffer>;
} {
  const script = `
import base64, io, json, sys, zipfile
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
names = z.namelist()
text = {n: z.read(n).decode("utf-8") for n in names if n.endswith(".xml") or n.endswith(".rels")}
binary = {n: base64.b64encode(z.read(n)).decode("ascii") for n in names if n.startswith("word/media/")}
print(json.dumps({"names": names, "text": text, "binary": binary}))
`;
  const stdout = execFileSync("python3", ["-c", script], { input: zip, maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(stdout.toString("utf8")) as {
    names: string[];
    text: Record<string, string>;
    binary: Record<string, string>;
  };
  return {
    names: parsed.names,
    text: parsed.text,
    binary: Object.fromEntries(Object.entries(parsed.binary).map(([k, v]) => [k, Buffer.from(v, "base64")])),
  };
}

export interface DecodedPng {
  width: number;
  height: number;
  /** RGB bytes, rows top to bottom. */
  rgb: Buffer;
  chunks: string[];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A strict decoder for what encodePng writes (8-bit RGB, no interlace), independent of it: checks
 * the signature and every CRC, inflates the IDAT data and undoes the filters (all five types).
 */
export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error("no PNG signature");
  let at = 8;
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (png.readUInt32BE(at + 8 + length) !== crc(png.subarray(at + 4, at + 8 + length)))
      throw new Error(`bad CRC in ${type}`);
    chunks.push(type);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 2 || data[12] !== 0) throw new Error("not 8-bit RGB, non-interlaced");
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  if (raw.length !== (stride + 1) * height)
    throw new Error(`expected ${(stride + 1) * height} bytes, got ${raw.length}`);
  const rgb = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= 3 ? rgb[y * stride + i - 3]! : 0;
      const b = y > 0 ? rgb[(y - 1) * stride + i]! : 0;
      const c = i >= 3 && y > 0 ? rgb[(y - 1) * stride + i - 3]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`unknown filter ${filter}`);
      rgb[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  return { width, height, rgb, chunks };
}

export function pixel(png: DecodedPng, x: number, y: number): string {
  const i = (y * png.width + x) * 3;
  return `#${[png.rgb[i]!, png.rgb[i + 1]!, png.rgb[i + 2]!].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** The SVG elements of an HTML page. */
export function svgsOf(html: string): string[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

/** Splits a Markdown table row on unescaped pipes (GFM), dropping the outer empty cells. */
export function markdownCells(row: string): string[] {
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < row.length; i++) {
    const ch = row[i]!;
    if (ch === "\\" && i + 1 < row.length) {
      current += ch + row[i + 1]!;
      i++;
    } else if (ch === "|") {
      cells.push(current);
      current = "";
    } else current += ch;
  }
  cells.push(current);
  return cells.slice(1, -1).map((c) => c.trim());
}
