/**
 * Writes dashboards/zh/*.json and dashboards/en/*.json from dashboards/src/*.json and the word
 * table dashboards/i18n/zh.json (dashboard-i18n.ts says what is translated and why):
 *
 *   npx tsx agent/build/dashboards.ts          # after editing a source dashboard or the table
 *
 * The generated files are committed (Grafana provisions them from the folder as they are);
 * test/dashboards/i18n.test.ts fails while they differ from what this writes, and names every
 * visible string the table lacks. Times are shown in Asia/Shanghai, the config's default zone.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { localiseDashboard, type Lang, type WordTable } from "./dashboard-i18n.js";

export const DASHBOARD_TIME_ZONE = "Asia/Shanghai";
export const LANGS: readonly Lang[] = ["zh", "en"];

/** The generated files, path (relative to dashboards/) → text, and the strings without Chinese. */
export function generateDashboards(dashboardsDir: string): { files: Map<string, string>; missing: string[] } {
  const table = JSON.parse(readFileSync(join(dashboardsDir, "i18n", "zh.json"), "utf8")) as WordTable;
  const files = new Map<string, string>();
  const missing = new Set<string>();
  const sources = readdirSync(join(dashboardsDir, "src"))
    .filter((f) => f.endsWith(".json"))
    .sort();
  for (const file of sources) {
    const source = JSON.parse(readFileSync(join(dashboardsDir, "src", file), "utf8")) as Record<
      string,
      unknown
    >;
    for (const lang of LANGS) {
      const out = localiseDashboard(source, { lang, table, timeZone: DASHBOARD_TIME_ZONE });
      out.missing.forEach((m) => missing.add(`${file}: ${JSON.stringify(m)}`));
      files.set(join(lang, file), `${JSON.stringify(out.dashboard, null, 2)}\n`);
    }
  }
  return { files, missing: [...missing] };
}

function main(): void {
  const dir = fileURLToPath(new URL("../../dashboards/", import.meta.url));
  const { files, missing } = generateDashboards(dir);
  if (missing.length > 0) {
    process.stderr.write(
      `dashboards/i18n/zh.json has no Chinese for ${missing.length} visible string(s); add them to "words":\n` +
        missing.map((m) => `  ${m}\n`).join(""),
    );
    process.exitCode = 1;
    return;
  }
  for (const [path, text] of files) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  process.stdout.write(`wrote ${files.size} dashboards under ${dir}{zh,en}/\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
