/**
 * `ops-agent tickets import` on a large helpdesk export: the built CLI in a child process on a
 * generated GBK-free UTF-8 CSV of distinct tickets (the fixtures' Chinese mapping), its peak
 * resident memory (VmHWM, read by a preload at exit: getrusage's ru_maxrss) and its wall time.
 * The baseline, in the same run, is the same import of a file one tenth the size: the ratio says
 * whether memory grows with the file (the target is ≤ 200 MiB whatever the size).
 *
 *   npx tsx bench/tickets-import.ts [--quick] [--mb 200]
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainModule, repoRoot } from "./paths.js";
import type { BenchResult } from "./types.js";

export const TICKETS_CONFIG_SECTION = `incidents:
  tickets:
    timezone: Asia/Shanghai
    mapping: { id: 工单号, category: 分类, priority: 优先级, created: 创建时间, first_response: 首次响应时间, resolved: 解决时间, title: 标题 }
    category_map: { 视频会议: videoconf, 大平台: platform, 机房: machine_room, 杀毒: antivirus }
    priority_map: { 紧急: P1, 高: P2, 中: P3, 低: P4 }
`;

const CATEGORIES = ["视频会议", "大平台", "机房", "杀毒"];
const PRIORITIES = ["紧急", "高", "中", "低"];

/**
 * Writes a helpdesk export of about `bytes` bytes: distinct tickets, a quoted title with a comma
 * and a line break every tenth row. Returns the number of tickets.
 */
export function writeTicketsCsv(path: string, bytes: number): number {
  const fd = openSync(path, "w");
  let written = 0;
  let n = 0;
  try {
    const header = "工单号,分类,优先级,创建时间,首次响应时间,解决时间,标题\n";
    written += writeSync(fd, header);
    const base = Date.UTC(2026, 0, 1);
    while (written < bytes) {
      const lines: string[] = [];
      for (let k = 0; k < 2000; k++, n++) {
        const t = new Date(base + n * 37_000);
        const at = (ms: number) => new Date(t.getTime() + ms).toISOString().slice(0, 19).replace("T", " ");
        const title =
          n % 10 === 0
            ? `"第${n}号工单，""机房""空调告警,
已派单处理"`
            : `教室${n % 300}号终端离线，已重启并恢复视频会议连接`;
        lines.push(
          `T-${n},${CATEGORIES[n % 4]},${PRIORITIES[n % 4]},${at(0)},${at(300_000)},${at(3_600_000)},${title}`,
        );
      }
      written += writeSync(fd, `${lines.join("\n")}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/** A preload that prints the process's peak resident memory (kB) on stderr as it exits. */
export function peakRssPreload(dir: string): string {
  const path = join(dir, "peak-rss.cjs");
  writeFileSync(
    path,
    'process.on("exit", () => process.stderr.write(`\\npeak_rss_kb=${process.resourceUsage().maxRSS}\\n`));\n',
  );
  return path;
}

interface Run {
  fileBytes: number;
  tickets: number;
  peakMiB: number;
  seconds: number;
  created: number;
}

function importOnce(dir: string, fileMiB: number): Run {
  const run = mkdtempSync(join(dir, "run-"));
  const config = join(run, "config.yaml");
  writeFileSync(
    config,
    `site: bench\ndata_dir: ${join(run, "data")}\nlog: { level: warn }\nhttp: { listen: 127.0.0.1:1 }\n${TICKETS_CONFIG_SECTION}collectors: []\n`,
  );
  const csv = join(run, "tickets.csv");
  const tickets = writeTicketsCsv(csv, fileMiB * 2 ** 20);
  const started = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    [
      // How the CLI runs when installed (agent/main.ts's shebang).
      "--max-semi-space-size=1",
      "--optimize-for-size",
      "--require",
      peakRssPreload(run),
      join(repoRoot(), "dist/agent/main.js"),
      "tickets",
      "import",
      csv,
      "--config",
      config,
      "--json",
    ],
    {
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, MALLOC_ARENA_MAX: "2", MALLOC_TRIM_THRESHOLD_: "65536" },
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0)
    throw new Error(`tickets import exited ${child.status}: ${child.stderr.slice(-2000)}`);
  const peak = Number(/peak_rss_kb=(\d+)/.exec(child.stderr)?.[1] ?? Number.NaN);
  const summary = JSON.parse(child.stdout) as { created: number };
  const fileBytes = statSync(csv).size;
  rmSync(run, { recursive: true, force: true });
  return { fileBytes, tickets, peakMiB: peak / 1024, seconds, created: summary.created };
}

export function runTicketsImport(options: { fileMiB: number; log: (line: string) => void }): BenchResult {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-bench-tickets-"));
  try {
    const baseMiB = Math.max(1, Math.round(options.fileMiB / 10));
    options.log(`tickets import: baseline ${baseMiB} MiB`);
    const base = importOnce(dir, baseMiB);
    options.log(`tickets import: ${options.fileMiB} MiB`);
    const big = importOnce(dir, options.fileMiB);
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    options.log(
      `tickets import: ${mib(base.fileBytes)} MiB (${base.tickets} tickets) peak ${base.peakMiB.toFixed(1)} MiB in ${base.seconds.toFixed(1)} s; ` +
        `${mib(big.fileBytes)} MiB (${big.tickets} tickets) peak ${big.peakMiB.toFixed(1)} MiB in ${big.seconds.toFixed(1)} s; ` +
        `peak ratio ${(big.peakMiB / base.peakMiB).toFixed(2)}× for ${(big.fileBytes / base.fileBytes).toFixed(1)}× the file`,
    );
    return {
      benchmark: "tickets import",
      rows: [
        {
          benchmark: "tickets import",
          figure: `peak RSS, ${mib(big.fileBytes)} MiB export`,
          value: big.peakMiB,
          unit: "MiB",
          target: { kind: "max", value: 200 },
        },
        {
          benchmark: "tickets import",
          figure: `peak RSS ratio against a ${mib(base.fileBytes)} MiB export`,
          value: big.peakMiB / base.peakMiB,
          unit: "×",
        },
        {
          benchmark: "tickets import",
          figure: `wall time, ${mib(big.fileBytes)} MiB export`,
          value: big.seconds,
          unit: "s",
        },
      ],
      details: { baseline: base, large: big },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const mbAt = args.indexOf("--mb");
  const fileMiB = mbAt >= 0 ? Number(args[mbAt + 1]) : args.includes("--quick") ? 20 : 200;
  const result = runTicketsImport({ fileMiB, log: (l) => process.stderr.write(`${l}\n`) });
  for (const row of result.rows) console.log(`${row.figure}: ${row.value.toFixed(2)} ${row.unit}`);
}
