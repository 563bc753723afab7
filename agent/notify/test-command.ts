/**
 * `ops-agent notify test [ROUTE]`: sends one test message on each route (or the one named) and
 * prints what the robot answered, so an operator setting up a robot sees at once whether the key,
 * the signature, the keyword and the @s are right — and, when not, which and how to fix it.
 *
 * Exactly what an incident would send (route.ts: the same request, keyword and signature), once:
 * no queue, no retry, no rate-limit wait (one message is within every robot's limit). The message
 * @s the route's people but never everyone (mentions.ts). Exit 0 when every route accepted it,
 * 1 when one did not, 78 (EX_CONFIG) for a route that is not configured.
 */
import { EXIT_CONFIG } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { systemClock, type Clock } from "../clock.js";
import { createLogger } from "../log.js";
import { NotifyError } from "./channels/common.js";
import { FAILURE_FIXES, isRetryable } from "./failure.js";
import { composeTestMessage } from "./message.js";
import { createRoute, describeAnswer, describeFailure, payloadFor, reasonOf, sendToRoute } from "./route.js";

export interface NotifyTestIo {
  out: (line: string) => void;
  err: (line: string) => void;
  clock?: Clock;
}

const DEFAULT_FORMAT = { webhook: "json", wecom: "markdown", dingtalk: "text", feishu: "card" } as const;

const STANDARD_IO: NotifyTestIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function notifyTest(
  config: Config,
  routeName: string | undefined,
  io: NotifyTestIo = STANDARD_IO,
): Promise<number> {
  const section = config.incidents.notifications;
  const channels = section.channels.filter((c) => routeName === undefined || c.name === routeName);
  if (channels.length === 0) {
    const names = section.channels.map((c) => c.name);
    io.err(
      routeName === undefined
        ? "没有配置通知通道 (no routes): add incidents.notifications.channels to the config"
        : `没有名为 ${JSON.stringify(routeName)} 的通知通道 (no such route); configured: ${names.length === 0 ? "none" : names.join(", ")}`,
    );
    return EXIT_CONFIG;
  }
  const clock = io.clock ?? systemClock;
  // Warnings about a route's TLS file go to stderr as JSON; the answers are printed below.
  const log = createLogger({ level: "warn", format: "json" }, process.stderr);
  let failed = 0;
  for (const channel of channels) {
    const route = createRoute(channel, log, config.timezone);
    const now = clock.now();
    const message = composeTestMessage(route.name, now, config.site, {
      lang: section.lang,
      timeZone: config.timezone,
    });
    const payload = payloadFor(route, message);
    const how = `${route.type} · ${route.format ?? DEFAULT_FORMAT[route.type]}`;
    try {
      const answer = await sendToRoute(route, payload, now, new AbortController().signal);
      io.out(
        `${route.name} (${how}): 已送达 (accepted) — HTTP ${answer.status} ${describeAnswer(route, answer)}`,
      );
    } catch (err) {
      failed += 1;
      const reason = reasonOf(err);
      const answer = err instanceof NotifyError ? err.answer : undefined;
      const said =
        answer === undefined
          ? describeFailure(route, err)
          : `HTTP ${answer.status} ${describeAnswer(route, answer)}`;
      const retry = isRetryable(reason) ? "可重试 (retryable)" : "重试无用 (not retryable)";
      io.out(`${route.name} (${how}): 失败 (failed) — ${reason}, ${retry} — ${said}`);
      io.out(`  处理 (fix): ${FAILURE_FIXES[reason]}`);
    }
  }
  return failed === 0 ? 0 : 1;
}
