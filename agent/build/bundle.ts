/**
 * The last step of `npm run build`: the CLI tsc wrote to dist/agent/main.js becomes one minified
 * ES module graph — main.js, which is still the file every place starts (the bin, `npm start`, the
 * Dockerfile, the systemd unit, the tests), and the chunks its commands import lazily, in
 * dist/agent/chunks/. The rest of dist/ (what the benchmarks import) is left as tsc wrote it.
 *
 * Why: memory. V8 keeps the source text of every module it loaded for the life of the process (two
 * bytes per character when a file has one non-ASCII character), and Node keeps records per module;
 * the daemon loads hundreds (ours, zod, prom-client, yaml, pino, node-cron, systeminformation).
 * Measured on the default config (`npx tsx bench/index.ts --only rss`, three runs each, same
 * machine): 79–86 MiB resident bundled against 85–90 MiB as tsc wrote it, and a peak of 83–86 MiB
 * against 94–95 MiB.
 *
 * better-sqlite3 stays outside (a native addon, loaded from node_modules). Code only some commands
 * need (the report and form writers, the simulated machine room, exceljs) goes into chunks loaded
 * by those commands: esbuild splits the graph at each dynamic import().
 */
import { build } from "esbuild";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/agent (this file is dist/agent/build/bundle.js). */
const agentDir = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(agentDir, "main.js");
const chunks = join(agentDir, "chunks");

const compiled = readFileSync(entry, "utf8");
if (compiled.includes("__createRequire")) {
  // Bundling the bundle would still work but hides that tsc did not run: say so instead.
  process.stderr.write(`${entry} is already bundled: run \`npm run build\` (tsc first, then this step)\n`);
  process.exit(1);
}
// Chunk names carry a content hash: remove the previous build's, or they pile up.
rmSync(chunks, { recursive: true, force: true });

await build({
  entryPoints: [entry],
  outdir: agentDir,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["better-sqlite3"],
  // Whitespace, syntax and local names: the source V8 keeps is what is saved. Stack traces then
  // name minified functions; the source maps beside the chunks translate them
  // (`node --enable-source-maps dist/agent/main.js …`, which costs memory, so it is not the default).
  minify: true,
  sourcemap: "linked",
  // Licence comments go to .LEGAL.txt files beside the chunks: shipped, but not kept in memory.
  legalComments: "external",
  // Non-ASCII characters are written as escapes, so V8 stores the source one byte per character
  // (one non-ASCII character makes the whole chunk two bytes per character).
  charset: "ascii",
  // CommonJS packages bundled into an ES module still call require() (node: built-ins, optional
  // peers): give the bundle a real one.
  banner: {
    js: "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);",
  },
  logLevel: "warning",
});

// Warn when a large chunk could not be kept ASCII (esbuild leaves a non-ASCII character in a
// regular expression literal or a raw template as written): V8 would keep all of it at two bytes
// per character. Small ones (a few KB, e.g. a /万/ in the form's value parser) are not worth it.
const LARGE = 64 * 1024;
for (const file of [entry, ...readdirSync(chunks).map((name) => join(chunks, name))]) {
  if (!file.endsWith(".js")) continue;
  const text = readFileSync(file, "utf8");
  // eslint-disable-next-line no-control-regex
  if (text.length >= LARGE && /[^\x00-\x7f]/.test(text))
    process.stderr.write(
      `bundle: ${file} has non-ASCII characters: V8 keeps its ${text.length} characters at two bytes each\n`,
    );
}
