/**
 * The notifier's counters for prom-client: opsagent_notifications_{sent,failed,dropped}_total
 * {channel}. Pass the channel names to have every series exist at 0 from the start, so
 * `increase(opsagent_notifications_failed_total[1h]) > 0` works from the first failure.
 *
 * opsagent_notifications_errors_total{channel,reason} counts every failed attempt by why it
 * failed (failure.ts: a bounded set of 12 reasons); bad_key, bad_signature, keyword_missing,
 * ip_not_allowed and bad_request are never retried — an operator has to fix the route.
 */
import { Counter, type Registry } from "prom-client";
import { FAILURE_REASONS } from "./failure.js";
import type { NotifierHooks } from "./notifier.js";

export function notificationMetrics(registry: Registry, channels: readonly string[] = []): NotifierHooks {
  const counter = (what: string, help: string) =>
    new Counter({
      name: `opsagent_notifications_${what}_total`,
      help,
      labelNames: ["channel"] as const,
      registers: [registry],
    });
  const sent = counter("sent", "Incident notifications the channel accepted.");
  const failed = counter(
    "failed",
    "Incident notifications given up on: retries exhausted, a failure not worth retrying, or shutdown.",
  );
  const dropped = counter(
    "dropped",
    "Incident notifications never attempted: pushed out of a full queue or still queued at shutdown.",
  );
  const errors = new Counter({
    name: "opsagent_notifications_errors_total",
    help: "Failed attempts to send a notification, by reason (bad_key, bad_signature, keyword_missing, ip_not_allowed and bad_request are not retried).",
    labelNames: ["channel", "reason"] as const,
    registers: [registry],
  });
  for (const channel of channels) {
    sent.inc({ channel }, 0);
    failed.inc({ channel }, 0);
    dropped.inc({ channel }, 0);
    for (const reason of FAILURE_REASONS) errors.inc({ channel, reason }, 0);
  }
  return {
    sent: (channel) => sent.inc({ channel }),
    failed: (channel) => failed.inc({ channel }),
    dropped: (channel) => dropped.inc({ channel }),
    error: (channel, reason) => errors.inc({ channel, reason }),
  };
}
