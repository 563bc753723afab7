/**
 * The DOCX read by an independent OOXML reader: python-docx (Debian package python3-docx), which
 * follows the package's content types and relationships as Word does and refuses a document
 * whose parts do not hang together. The renderer is our own (agent/report/docx/), so this is the
 * check that another implementation reads what it writes: every heading, figure, table row and
 * picture. With CI set a missing python-docx fails; elsewhere the test is skipped loudly.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDocx } from "../../agent/report/render-docx.js";
import { tempDir } from "../helpers/tmp.js";
import { HOSTILE_VM, octoberReport } from "./fixture.js";

const READ = `
import json, sys, docx
d = docx.Document(sys.argv[1])
print(json.dumps({
  "headings": [p.text for p in d.paragraphs if p.style.name.startswith("Heading")],
  # Cell text only when asked: python-docx reads a cell's row again for each cell (slow on 2,000 rows).
  "text": "\\n".join([p.text for p in d.paragraphs] + ([c.text for t in d.tables for r in t.rows for c in r.cells] if sys.argv[2] == "text" else [])),
  "tables": len(d.tables),
  "rows": [len(t.rows) for t in d.tables],
  "pictures": len(d.inline_shapes),
  "section": [d.sections[0].page_width, d.sections[0].page_height],
}, ensure_ascii=False))
`;

interface Read {
  headings: string[];
  text: string;
  tables: number;
  rows: number[];
  pictures: number;
  section: [number, number];
}

/** A python3 that has python-docx: Debian's (/usr/bin/python3) first, then the one on PATH. */
function pythonWithDocx(): string | undefined {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(python, ["-c", "import docx"], { stdio: "ignore" });
      return python;
    } catch {
      // try the next
    }
  }
  const message =
    'python-docx not found: install the Debian package "python3-docx" (apt-get install -y python3-docx)';
  if (process.env.CI) throw new Error(`${message}; CI must install it in .ci/run`);
  console.warn(`\n*** SKIPPING: ${message} ***\n`);
  return undefined;
}

async function readBack(
  python: string,
  report: ReturnType<typeof octoberReport>,
  cells: "text" | "counts",
): Promise<Read> {
  const path = join(tempDir(), "report.docx");
  writeFileSync(path, await renderDocx(report));
  return JSON.parse(execFileSync(python, ["-c", READ, path, cells], { encoding: "utf8" })) as Read;
}

describe("the DOCX read by python-docx", () => {
  const python = pythonWithDocx();

  it("has every section heading, the figures, the tables and the five charts, on A4", async (ctx) => {
    if (!python) return ctx.skip();
    const read = await readBack(python, octoberReport(), "text");
    for (const section of [
      "一、总体运行情况",
      "二、各平台运行情况",
      "六、故障与响应",
      "八、下月工作计划",
      "附录",
    ])
      expect(read.headings).toContain(section);
    for (const figure of ["96.30%", "=253个", "94.10%", "26小时0分", "−0.82个百分点", "3.4 ms", "编制："])
      expect(read.text).toContain(figure);
    expect(read.text).toContain(HOSTILE_VM);
    expect(read.tables).toBeGreaterThanOrEqual(15);
    expect(read.pictures).toBe(5);
    // A4 in EMU (210 × 297 mm), within a twip's rounding.
    expect(Math.abs(read.section[0] - 7_560_310)).toBeLessThan(1_000);
    expect(Math.abs(read.section[1] - 10_692_130)).toBeLessThan(1_000);
  });

  it("keeps every system of a 50-application month and the longest of its 2,000 outages", async (ctx) => {
    if (!python) return ctx.skip();
    const base = octoberReport();
    const applications = Array.from({ length: 50 }, (_, i) => ({
      ...base.availability.applications[i % 3]!,
      application: `app-${i}`,
      name: `应用-${i}`,
    }));
    const outages = Array.from({ length: 2000 }, (_, i) => ({
      ...base.availability.outages[i % 3]!,
      application: `app-${i % 50}`,
      start: new Date(base.availability.outages[0]!.start.getTime() + i * 60_000),
    }));
    const read = await readBack(
      python,
      { ...base, availability: { ...base.availability, applications, outages } },
      "counts",
    );
    expect(read.rows).toContain(51); // the platforms table: the header and every system
    expect(read.rows).toContain(16); // the printed outages: the header and the 15 longest
    expect(read.pictures).toBe(5); // one availability chart for all systems, VM count, antivirus, faults per day, response times
  });
});
