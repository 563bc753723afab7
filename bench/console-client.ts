/**
 * A browser's side of the console for the benchmarks: log in as a person does and open pages.
 * Shared by bench/console.ts (page times, RSS growth) and bench/rss.ts (the steady-RSS target with
 * the console opened), so both open the console the same way.
 */

/** The seven pages of the console's navigation. */
export const CONSOLE_PAGES = ["/", "/room", "/platform", "/videoconf", "/incidents", "/records", "/reports"];

/** Logs in as a browser does (login page's token, then the form); returns the session cookie. */
export async function login(base: string, user: string, password: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const token = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  const loginCookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const answer = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: loginCookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf: token, user, password, next: "/" }).toString(),
  });
  const session = answer.headers.getSetCookie().find((c) => c.startsWith("opsagent_session="));
  if (answer.status !== 303 || session === undefined) throw new Error(`login answered ${answer.status}`);
  return session.split(";")[0] as string;
}

/** Milliseconds to the last byte of a GET, `n` times after one warm-up. */
export async function timeGet(url: string, cookie: string, n: number): Promise<number[]> {
  const once = async () => {
    const t0 = performance.now();
    const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
    await response.arrayBuffer();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    return ms;
  };
  await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await once());
  return times;
}
