/**
 * A minimal PNG encoder: 8-bit RGB, no interlace. PNG = signature + IHDR + IDAT (zlib of the
 * scanlines, each prefixed with its filter type) + IEND; every chunk is length + type + data +
 * CRC-32 of type and data. Filter "Up" (2) on every row: charts are mostly runs of identical rows,
 * which it turns into zeros that deflate's run-length strategy compresses to almost nothing. node:zlib does the deflate,
 * so the bytes are deterministic for a given image and zlib.
 */
import { constants, deflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG uses it). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  // An indexed loop: the DOCX's document part is megabytes, and an iterator is several times slower.
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes `rgb` (width × height × 3 bytes, rows top to bottom) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new Error(`invalid PNG size ${width}×${height}`);
  if (rgb.length !== width * height * 3)
    throw new Error(`expected ${width * height * 3} bytes of RGB, got ${rgb.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height); // zeros: an unchanged byte filters to zero
  const pixels = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length);
  // Four bytes at a time where the rows allow it: a changed row of a chart differs from the one
  // above in a few places only (a line crossing it), and the unchanged words are skipped.
  const words =
    stride % 4 === 0 && rgb.byteOffset % 4 === 0
      ? new Uint32Array(rgb.buffer, rgb.byteOffset, rgb.length >> 2)
      : undefined;
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    raw[out] = 2; // filter: Up
    const row = y * stride;
    if (y === 0) {
      pixels.copy(raw, out + 1, 0, stride);
      continue;
    }
    // Most rows of a chart repeat the row above (background, bars, vertical lines): a native
    // compare skips them, the loops run only for rows that change.
    if (pixels.compare(pixels, row - stride, row, row, row + stride) === 0) continue;
    if (words === undefined) {
      for (let i = 0; i < stride; i++)
        raw[out + 1 + i] = (pixels[row + i]! - pixels[row - stride + i]!) & 0xff;
      continue;
    }
    const w = row >> 2;
    const above = (row - stride) >> 2;
    for (let k = 0; k < stride >> 2; k++) {
      if (words[w + k] === words[above + k]) continue;
      for (let i = k << 2, end = i + 4; i < end; i++)
        raw[out + 1 + i] = (pixels[row + i]! - pixels[row - stride + i]!) & 0xff;
    }
  }
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", ihdr),
    // Run-length matching only: the Up-filtered rows are long runs of zeros, which it finds at a
    // few milliseconds per chart; level 9's full search took ~15× longer for a file half the size
    // (~14 KB rather than ~6 KB per chart), and a report has a chart per application.
    chunk("IDAT", deflateSync(raw, { level: 9, strategy: constants.Z_RLE })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
