/**
 * Finding an indicator as a person names it: by its key (`ecard_equipment_overhauls`, the
 * identity every record is stored under) or by its Chinese name as the form prints it (`设备检修`),
 * which is only a label — it resolves to the key, and a name two rows share is refused with both
 * keys. Unknown input gets the nearest keys and names as a hint.
 */
import type { Indicator } from "../form/types.js";
import { nearest } from "../nearest.js";

export type Lookup = { ok: true; indicator: Indicator } | { ok: false; error: string };

export function findIndicator(indicators: readonly Indicator[], keyOrName: string): Lookup {
  const wanted = keyOrName.normalize("NFKC").trim();
  const byKey = indicators.find((i) => i.key === wanted);
  if (byKey !== undefined) return { ok: true, indicator: byKey };
  const byName = indicators.filter((i) => i.name.normalize("NFKC").trim() === wanted);
  if (byName.length === 1 && byName[0] !== undefined) return { ok: true, indicator: byName[0] };
  if (byName.length > 1) {
    return {
      ok: false,
      error: `"${keyOrName}" names ${byName.length} indicators (${byName.map((i) => i.key).join(", ")}); give the key`,
    };
  }
  const manual = indicators.filter((i) => i.binding.source === "manual");
  const hint = nearest(
    wanted,
    manual.flatMap((i) => [i.key, i.name]),
  );
  return {
    ok: false,
    error:
      `unknown indicator "${keyOrName}"` +
      (hint === undefined ? "" : `; did you mean "${hint}"?`) +
      " (ops-agent kpi --keys lists every key and name)",
  };
}
