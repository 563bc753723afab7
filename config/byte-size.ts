/**
 * Sizes in the config are written like "200MB", "1GiB", "512KiB" (or a whole number of bytes).
 * MB and MiB both mean 2^20 bytes here: a person writing a limit means "about that much", and one
 * meaning for each letter is easier to check than two. Parsed at load time into bytes.
 */
import * as z from "zod";

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)$/i;

/** Bytes, or undefined when the text is not a size. */
export function parseByteSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (match === null) return undefined;
  return Math.round(Number(match[1]) * (UNIT_BYTES[(match[2] as string).toLowerCase()] as number));
}

const EXPECTED = 'expected a size like "200MB", "1GiB" or "512KiB"';

/** A size option: text with a unit, or a whole number of bytes; at least `min` bytes. */
export function byteSize(options: { min?: number } = {}) {
  const min = options.min ?? 1;
  return z.union([z.string(), z.number()], { error: EXPECTED }).transform((value, ctx) => {
    const bytes =
      typeof value === "number" ? (Number.isSafeInteger(value) ? value : undefined) : parseByteSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: "custom", message: `${EXPECTED}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (bytes < min) {
      ctx.addIssue({
        code: "custom",
        message: `expected at least ${min} bytes, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return bytes;
  });
}
