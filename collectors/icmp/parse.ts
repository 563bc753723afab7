/**
 * Pure parsers for what fping and ping print. No I/O here, so the table tests feed them recorded
 * real output (test/collectors/fixtures/fping/).
 */

/** What one host got in one run. */
export interface HostReplies {
  /** One entry per echo request sent: the round-trip time in seconds, or null when it was lost. */
  rtts: (number | null)[];
  /** Messages fping / ping printed about this host (e.g. "Name or service not known"). */
  errors: string[];
}

const RTT_LIST = /^(?:\d+(?:\.\d+)?|-)(?:\s+(?:\d+(?:\.\d+)?|-))*$/;

/**
 * Parses the stderr of `fping -C <n>` (without -q). Summary lines look like
 * `127.0.0.1 : 0.071 0.051 -` (host padded with spaces, RTTs in ms, "-" = lost); per-host errors
 * like `no-such-host.invalid: Name or service not known`. Addresses never contain ": ", so the
 * first ": " splits host from the rest (IPv6 "::1" included). Lines naming no requested host
 * (blank lines, usage text, ICMP unreachable notices) are ignored; the map has only hosts in `hosts`.
 */
export function parseFpingOutput(stderr: string, hosts: readonly string[]): Map<string, HostReplies> {
  const wanted = new Set(hosts);
  const result = new Map<string, HostReplies>();
  const entry = (host: string): HostReplies => {
    let e = result.get(host);
    if (e === undefined) {
      e = { rtts: [], errors: [] };
      result.set(host, e);
    }
    return e;
  };
  for (const raw of stderr.split("\n")) {
    const line = raw.trim();
    const split = line.indexOf(": ");
    if (split <= 0) continue;
    const host = line.slice(0, split).trim();
    if (!wanted.has(host)) continue;
    const rest = line.slice(split + 2).trim();
    if (RTT_LIST.test(rest)) {
      // A duplicated host on the command line gets two summary lines; keep the first.
      const e = entry(host);
      if (e.rtts.length === 0) e.rtts = rest.split(/\s+/).map((v) => (v === "-" ? null : Number(v) / 1000));
    } else {
      entry(host).errors.push(rest);
    }
  }
  return result;
}

/** Parsed output of one `ping -n -q -c <n>` (iputils). */
export interface PingSummary {
  transmitted: number;
  received: number;
  /** Mean RTT in seconds ("rtt min/avg/max/mdev" line), absent when nothing came back. */
  avgSeconds?: number;
}

/** Parses iputils ping's summary; undefined when there is none (ping failed before sending). */
export function parsePingOutput(stdout: string): PingSummary | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  if (counts === null) return undefined;
  const summary: PingSummary = { transmitted: Number(counts[1]), received: Number(counts[2]) };
  const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/\w+)? = [\d.]+\/([\d.]+)\//.exec(stdout);
  if (rtt !== null) summary.avgSeconds = Number(rtt[1]) / 1000;
  return summary;
}

const DNS_MESSAGE =
  /name or service not known|no address associated|address not found|temporary failure in name resolution|nodename nor servname|unknown host|not known/i;

/** True when a per-host message says the name could not be resolved. */
export function isDnsMessage(message: string): boolean {
  return DNS_MESSAGE.test(message);
}
