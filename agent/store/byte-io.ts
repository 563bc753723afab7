/**
 * Variable-length integers for the raw-sample chunks (chunk-codec.ts). Unsigned LEB128 written
 * with arithmetic rather than bit operators, because JavaScript's bit operators cut to 32 bits and
 * the chunks carry integers up to 2^53 (scaled sample values). Signed numbers are zigzag-mapped
 * first, so small magnitudes of either sign take one byte.
 */

/** Thrown for bytes that do not decode: names what was being read and where. */
export class ChunkDecodeError extends Error {
  override readonly name = "ChunkDecodeError";
}

export class ByteWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  /** A non-negative safe integer, 7 bits a byte, low bits first. */
  uvarint(value: number): void {
    this.ensure(8);
    let v = value;
    while (v >= 128) {
      this.buffer[this.length++] = (v % 128) + 128;
      v = Math.floor(v / 128);
    }
    this.buffer[this.length++] = v;
  }

  /** Any safe integer: 0, -1, 1, -2, 2 … become 0, 1, 2, 3, 4 … */
  svarint(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  float64(value: number): void {
    this.ensure(8);
    new DataView(this.buffer.buffer).setFloat64(this.length, value, true);
    this.length += 8;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  byte(what: string): number {
    if (this.offset >= this.data.length) throw this.truncated(what);
    return this.data[this.offset++] as number;
  }

  uvarint(what: string): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.data.length) throw this.truncated(what);
      const b = this.data[this.offset++] as number;
      value += (b % 128) * scale;
      if (b < 128) break;
      scale *= 128;
      // Eight 7-bit groups already exceed 2^53: longer is not something the writer produced.
      if (scale > 2 ** 56) throw new ChunkDecodeError(`${what}: varint too long at byte ${this.offset}`);
    }
    if (!Number.isSafeInteger(value)) throw new ChunkDecodeError(`${what}: ${value} is not a safe integer`);
    return value;
  }

  svarint(what: string): number {
    const u = this.uvarint(what);
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  float64(what: string): number {
    if (this.offset + 8 > this.data.length) throw this.truncated(what);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  get done(): boolean {
    return this.offset === this.data.length;
  }

  private truncated(what: string): ChunkDecodeError {
    return new ChunkDecodeError(`${what}: the chunk ends at byte ${this.offset} of ${this.data.length}`);
  }
}
