/**
 * Fault: a helpdesk export far larger than the agent should hold (the 200 MB CSV took
 * 4.2 GB of memory). The built CLI imports a 40 MiB export with its JavaScript heap capped at
 * 32 MiB — less than the file's text would take (about 60 MiB as a V8 string), so a reader that
 * holds the file runs out of heap and dies; the streamed one reads it through, and its peak
 * resident memory (getrusage's maxrss, printed by a preload at exit) stays under 200 MiB.
 * The rows are 2,000 distinct tickets repeated (identical rows count once, as the rule says), so
 * the test spends its time reading, not writing the store. bench/tickets-import.ts measures the
 * real case (distinct tickets, 200 MiB) and its time.
 *
 * A file above incidents.tickets.max_file_size is refused before it is read: exit 1, one line
 * naming the file, its size, the limit and the fix, and nothing stored.
 */
import { execFile } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { peakRssPreload, TICKETS_CONFIG_SECTION } from "../../bench/tickets-import.js";
import { CLI, writeConfig } from "../helpers/agent-process.js";
import { tempDir } from "../helpers/tmp.js";

const HEAP_MIB = 32;

function cli(
  args: string[],
  nodeFlags: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeFlags, CLI, ...args],
      { maxBuffer: 16 * 2 ** 20, timeout: 600_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `distinct` tickets, repeated until the file holds `bytes` bytes. */
function writeRepeatedExport(path: string, bytes: number, distinct: number): void {
  const lines: string[] = [];
  for (let n = 0; n < distinct; n++) {
    const day = String(1 + (n % 28)).padStart(2, "0");
    lines.push(
      `T-${n},${["视频会议", "大平台", "机房", "杀毒"][n % 4]},${["紧急", "高", "中", "低"][n % 4]},` +
        `2026-03-${day} 08:00,2026-03-${day} 08:05,2026-03-${day} 09:00,"教室${n}号终端离线，""已重启""，恢复连接"`,
    );
  }
  const block = Buffer.from(`${lines.join("\n")}\n`);
  const fd = openSync(path, "w");
  try {
    let written = writeSync(fd, "工单号,分类,优先级,创建时间,首次响应时间,解决时间,标题\n");
    while (written < bytes) written += writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}

describe("fault: a very large helpdesk export", { timeout: 600_000 }, () => {
  it("is streamed: 40 MiB through a 32 MiB heap, peak RSS under 200 MiB, every ticket taken once", async () => {
    const dir = tempDir("ops-agent-tickets-large-");
    const config = writeConfig(dir, 1, "  []\n", TICKETS_CONFIG_SECTION);
    const file = join(dir, "tickets.csv");
    writeRepeatedExport(file, 40 * 2 ** 20, 2_000);
    const r = await cli(
      ["tickets", "import", file, "--config", config, "--json"],
      [`--max-old-space-size=${HEAP_MIB}`, "--require", peakRssPreload(dir)],
    );
    expect(r.code, r.stderr.slice(-3_000)).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 2_000, updated: 0, unchanged: 0, rejected: 0 });
    const peakKb = Number(/peak_rss_kb=(\d+)/.exec(r.stderr)?.[1]);
    console.log(`tickets import of 40 MiB: peak RSS ${(peakKb / 1024).toFixed(1)} MiB`);
    expect(peakKb / 1024).toBeLessThanOrEqual(200);

    const list = await cli(["incident", "list", "--limit", "5000", "--json", "--config", config]);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(2_000);
  });

  it("above max_file_size: refused before reading, one line with the size, the limit and the fix; nothing stored", async () => {
    const dir = tempDir("ops-agent-tickets-limit-");
    const config = writeConfig(dir, 1, "  []\n", `${TICKETS_CONFIG_SECTION}    max_file_size: 1MiB\n`);
    const file = join(dir, "tickets.csv");
    writeRepeatedExport(file, 2 * 2 ** 20, 100);
    const r = await cli(["tickets", "import", file, "--config", config]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toMatch(/over the import limit of 1\.0 MiB/);
    expect(lines[0]).toMatch(/max_file_size/);
    const list = await cli(["incident", "list", "--json", "--config", config]);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});
