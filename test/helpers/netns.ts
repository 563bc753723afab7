/**
 * Network namespaces for tests that need hosts which do not answer, without touching any real
 * network: `unshare -n` gives a fresh namespace whose only interface is a loopback holding just
 * the addresses a test chooses. Needs root (CAP_SYS_ADMIN) plus util-linux (unshare) and
 * iproute2 (ip). With CI set, a missing prerequisite throws; elsewhere it warns loudly and
 * returns undefined, and the test calls ctx.skip().
 */
import { execFileSync } from "node:child_process";
import { findPeer } from "./peers.js";

const IPV4 = /^127(?:\.\d{1,3}){3}$/;

/**
 * A command prefix that runs the command after it inside a new network namespace whose loopback
 * holds exactly `addresses` (127.0.0.0/8 addresses as /32, and ::1 unless `ipv6` is false); every
 * other 127.x address has no route, so pings to it get no reply. Append the program and its
 * arguments: the prefix ends in `sh -c '…; exec "$0" "$@"'`.
 */
export function loopbackOnlyPrefix(addresses: readonly string[]): string[] {
  const steps = ["ip link set lo up", "ip addr del 127.0.0.1/8 dev lo"];
  for (const address of addresses) {
    if (!IPV4.test(address)) throw new Error(`loopbackOnlyPrefix: ${address} is not a 127.0.0.0/8 address`);
    steps.push(`ip addr add ${address}/32 dev lo`);
  }
  return ["unshare", "--net", "sh", "-c", `set -e; ${steps.join("; ")}; exec "$0" "$@"`];
}

let checked: boolean | undefined;

/** True when this machine can make network namespaces (see the file comment for CI and skipping). */
export function netnsAvailable(): boolean {
  if (checked !== undefined) return checked;
  if (findPeer("unshare", "util-linux") === undefined || findPeer("ip", "iproute2") === undefined) {
    return (checked = false);
  }
  try {
    const [command, ...args] = loopbackOnlyPrefix(["127.0.0.1"]);
    execFileSync(command as string, [...args, "true"], { stdio: "pipe" });
    return (checked = true);
  } catch (err) {
    const message = `cannot create a network namespace (unshare --net needs root / CAP_SYS_ADMIN): ${String(err).split("\n")[0]}`;
    if (process.env.CI) throw new Error(`${message}; CI must run these tests as root`);
    console.warn(`\n*** SKIPPING: ${message} ***\n`);
    return (checked = false);
  }
}
