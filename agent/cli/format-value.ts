/** Values for people: bytes in IEC units, ratios as percentages, seconds with sensible precision. */
export function formatValue(metric: string, value: number): string {
  if (metric.endsWith("_bytes") || metric.endsWith("_bytes_total")) return formatBytes(value);
  if (metric.endsWith("_bytes_per_second")) return `${formatBytes(value)}/s`;
  if (metric.endsWith("_ratio")) return `${(value * 100).toFixed(1)}%`;
  if (metric.endsWith("_seconds"))
    return value >= 100 ? `${Math.round(value)} s` : `${Number(value.toPrecision(3))} s`;
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function formatBytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
