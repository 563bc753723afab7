/**
 * Whether a person at this terminal reads Chinese: the help texts (agent/cli/help-text.ts) and
 * `once`'s progress lines follow it. A file of its own so a command can ask without loading the
 * help strings.
 */

/** LC_ALL, then LC_MESSAGES, then LANG, as POSIX orders them; zh_CN.UTF-8, zh_TW, zh… are Chinese. */
export function wantsChinese(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^zh/i.test(locale);
}
