import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { notificationMetrics } from "../../agent/notify/metrics.js";

describe("notification metrics", () => {
  it("counts sent, failed and dropped per channel, every configured channel from 0", async () => {
    const registry = new Registry();
    const hooks = notificationMetrics(registry, ["ops-wecom", "ops-ding"]);
    hooks.failed("ops-wecom");
    hooks.failed("ops-wecom");
    hooks.sent("ops-ding");
    const text = await registry.metrics();
    expect(text).toContain('opsagent_notifications_failed_total{channel="ops-wecom"} 2');
    expect(text).toContain('opsagent_notifications_failed_total{channel="ops-ding"} 0');
    expect(text).toContain('opsagent_notifications_sent_total{channel="ops-ding"} 1');
    expect(text).toContain('opsagent_notifications_dropped_total{channel="ops-wecom"} 0');
  });
});
