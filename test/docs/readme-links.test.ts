/**
 * Issue 20 point 4: the README links nothing outside the repository — no `../`, no absolute path,
 * no file: URL — and every relative link names a file or folder that exists in it. The other
 * Markdown files of the repository (DESIGN.md, the collectors' READMEs, docs/form/, …) link to
 * no file outside it either, their links read from their own folder (they may cite a public web
 * page: a product's documentation, an RFC).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = process.cwd();

/** Markdown links and images `[text](target)` and HTML href/src attributes, outside code. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  const markdownLinks = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)];
  const html = [...prose.matchAll(/\b(?:href|src)\s*=\s*"([^"]+)"/g)];
  return [...markdownLinks, ...references, ...html].map((m) => m[1] ?? "");
}

function problem(target: string, from = ".", web = false): string | undefined {
  if (target.startsWith("#")) return undefined;
  if (web && /^https?:\/\//i.test(target)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target))
    return `${target}: a URL; the README links only into the repository`;
  const path = decodeURIComponent(target.replace(/#.*$/, ""));
  if (isAbsolute(path)) return `${target}: an absolute path`;
  const inside = relative(REPO, resolve(REPO, from, path));
  if (inside.startsWith("..")) return `${target}: outside the repository`;
  if (!existsSync(join(REPO, inside))) return `${target}: no such file in the repository`;
  return undefined;
}

describe("README links", () => {
  it("finds links, anchors and references", () => {
    expect(linkTargets("see [a](docs/x.md), [b](#top), ![c](<img.png>) and `[d](../e)`\n[r]: ../f")).toEqual([
      "docs/x.md",
      "#top",
      "img.png",
      "../f",
    ]);
    expect(problem("../shared/form.txt")).toMatch(/outside the repository/);
    expect(problem("/etc/passwd")).toMatch(/absolute path/);
    expect(problem("file:///etc/passwd")).toMatch(/a URL/);
    expect(problem("docs/form/INDICATORS.md")).toBeUndefined();
  });

  it("links nothing outside the repository", () => {
    const targets = linkTargets(readFileSync(join(REPO, "README.md"), "utf8"));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.flatMap((t) => problem(t) ?? [])).toEqual([]);
  });

  it("no Markdown file of the repository links to a file outside it or to a file it lacks", () => {
    const files = execFileSync("git", ["ls-files", "*.md"], { cwd: REPO, encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "" && existsSync(join(REPO, f)));
    expect(files.length).toBeGreaterThan(10);
    const problems = files.flatMap((file) =>
      linkTargets(readFileSync(join(REPO, file), "utf8")).flatMap((t) => {
        const found = problem(t, dirname(file), file !== "README.md");
        return found === undefined ? [] : [`${file}: ${found}`];
      }),
    );
    expect(problems).toEqual([]);
  });
});
