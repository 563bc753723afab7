/**
 * Alertmanager webhook payloads (webhook_config, version "4"), shaped as the Alertmanager
 * configuration docs give them (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config)
 * and as a real Alertmanager sends them (test/e2e/alertmanager.test.ts receives one): RFC 3339
 * times, endsAt the zero time while firing, 16-hex-digit fingerprints, the labels and annotations
 * of a blackbox probe alert. Used by the incidents-scale benchmark and the alert-storm fault test.
 */

export interface AlertOptions {
  /** Alerts in the payload. */
  count: number;
  /** startsAt of every alert. */
  startsAt: Date;
  /** Distinguishes payloads: alerts of different batches have different fingerprints. */
  batch?: number;
  /** Resolved at this time instead of firing. */
  resolvedAt?: Date;
}

/** The fingerprint of alert `index` of `batch`: 16 hexadecimal digits, as Alertmanager's. */
export function fingerprint(batch: number, index: number): string {
  return `${batch.toString(16).padStart(6, "0")}${index.toString(16).padStart(10, "0")}`;
}

const CATEGORIES = ["platform", "videoconf", "machine_room", "antivirus"];
const SEVERITIES = ["critical", "warning", "info", "page"];

export function alertmanagerPayload(options: AlertOptions): Record<string, unknown> {
  const batch = options.batch ?? 0;
  const status = options.resolvedAt === undefined ? "firing" : "resolved";
  const alerts = Array.from({ length: options.count }, (_, i) => {
    const instance = `https://app-${batch}-${i}.jyj.example.edu.cn/`;
    return {
      status,
      labels: {
        alertname: "ApplicationDown",
        instance,
        job: "blackbox",
        severity: SEVERITIES[i % SEVERITIES.length],
        category: CATEGORIES[Math.floor(i / SEVERITIES.length) % CATEGORIES.length],
      },
      annotations: { summary: `应用 ${instance} 无法访问`, description: "probe_success == 0 for 5m" },
      startsAt: options.startsAt.toISOString(),
      endsAt: options.resolvedAt?.toISOString() ?? "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
      fingerprint: fingerprint(batch, i),
    };
  });
  return {
    version: "4",
    groupKey: '{}:{alertname="ApplicationDown"}',
    truncatedAlerts: 0,
    status,
    receiver: "ops-agent",
    groupLabels: { alertname: "ApplicationDown" },
    commonLabels: { alertname: "ApplicationDown", job: "blackbox" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    alerts,
  };
}
