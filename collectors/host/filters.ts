/** Name filters for the host collector's options. */

/**
 * Does `name` match one of `patterns`? A pattern is an exact name, or a glob where "*" stands for
 * any run of characters and "?" for one character ("veth*", "docker?", "br-*").
 */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => globToRegExp(pattern).test(name));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}
