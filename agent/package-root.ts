/** The ops-agent package's root folder (found by walking up from this module, in src or dist). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): { dir: string; version: string } | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "ops-agent") return { dir, version: pkg.version ?? "0.0.0-unknown" };
    }
    dir = dirname(dir);
  }
  return undefined;
}

const root = findRoot();

/** The package root, e.g. to find simroom/demo when running from dist/. */
export const PACKAGE_ROOT = root?.dir ?? process.cwd();
export const PACKAGE_VERSION = root?.version ?? "0.0.0-unknown";
