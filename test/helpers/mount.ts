/**
 * Small file systems for the disk-full fault test: a tmpfs of a given size mounted on a test's
 * directory, unmounted by the caller (in a finally). Needs root (CAP_SYS_ADMIN) and mount(8).
 * With CI set, a machine that cannot mount fails the test; elsewhere it warns loudly and the test
 * calls ctx.skip().
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPeer } from "./peers.js";

let checked: boolean | undefined;

/** True when this process can mount a tmpfs (see the file comment for CI and skipping). */
export function tmpfsAvailable(): boolean {
  if (checked !== undefined) return checked;
  if (findPeer("mount", "mount") === undefined || findPeer("umount", "mount") === undefined)
    return (checked = false);
  const probe = mkdtempSync(join(tmpdir(), "ops-agent-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "pipe" });
    execFileSync("umount", [probe], { stdio: "pipe" });
    return (checked = true);
  } catch (err) {
    const message = `cannot mount a tmpfs (needs root / CAP_SYS_ADMIN): ${String(err).split("\n")[0]}`;
    if (process.env.CI) throw new Error(`${message}; CI must run the fault tests as root`);
    console.warn(`\n*** SKIPPING: ${message} ***\n`);
    return (checked = false);
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `size` (mount's syntax: "4m") on `dir` (created if missing). */
export function mountTmpfs(dir: string, size: string): { unmount(): void } {
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir], { stdio: "pipe" });
  let mounted = true;
  return {
    unmount() {
      if (!mounted) return;
      mounted = false;
      try {
        execFileSync("umount", [dir], { stdio: "pipe" });
      } catch {
        // Still busy (a process that has not let go yet): detach it now, freed when released.
        execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      }
    },
  };
}
