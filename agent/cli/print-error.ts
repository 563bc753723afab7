/**
 * An error that escaped a command, for the person who ran it: one line with what failed (the
 * messages name the file and the fix); the minified bundle's stack trace only with --verbose.
 */
export function printCliError(error: unknown): void {
  console.error(`ops-agent: ${error instanceof Error ? error.message : String(error)}`);
  if (process.argv.includes("--verbose")) console.error(error instanceof Error ? error.stack : error);
  else console.error("(run again with --verbose for the stack trace)");
}
