/**
 * Timings leave the collectors in seconds rounded to the microsecond. Nothing that takes them is
 * finer — fping and ping print 10 µs or 1 µs, a network round trip varies by more — and a value
 * with six decimals is stored in about two bytes instead of eight (agent/store/chunk-codec.ts
 * keeps short decimals as scaled integers; a mean or a performance.now() difference has
 * seventeen significant digits of noise).
 */
export function toMicroseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
