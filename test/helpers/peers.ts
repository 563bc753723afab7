/**
 * Real peers (promtool, prometheus, fping, …). With CI set, a missing peer fails the test: CI must
 * install it (.ci/run). Elsewhere the test is skipped with a loud message naming the package.
 */
import { execFileSync } from "node:child_process";

export function findPeer(binary: string, debianPackage: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${binary}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    const message = `${binary} not found: install the Debian package "${debianPackage}" (apt-get install -y ${debianPackage})`;
    if (process.env.CI) throw new Error(`${message}; CI must install it in .ci/run`);
    console.warn(`\n*** SKIPPING: ${message} ***\n`);
    return undefined;
  }
}
