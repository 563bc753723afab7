/**
 * The paths the daemon hands to the console (agent/console/app.ts, imported on first use). Kept
 * apart from the app so that the daemon can route without loading it; the API, /metrics and
 * /healthz keep their own paths.
 */
export const CONSOLE_PATH =
  /^\/(?:|login|logout|kpi\/[^/]+|records(?:\/[^/]+(?:\/evidence\/\d+)?)?|incidents(?:\/.*)?|platform(?:\/.*)?|room|videoconf|reports(?:\/.*)?)$/;
