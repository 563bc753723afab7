/**
 * Each chat robot against a loopback receiver that checks the exact documented request: method,
 * path and query, Content-Type, the JSON body, and the signature recomputed from the known test
 * secret. The expected signatures were computed independently (Python hmac/base64/quote_plus,
 * exactly as the DingTalk and Feishu documents show), not with the code under test.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../agent/clock.js";
import { notificationsConfig, type NotificationsConfigInput } from "../../agent/notify/config.js";
import { dingtalkSign } from "../../agent/notify/channels/dingtalk.js";
import { feishuSign } from "../../agent/notify/channels/feishu.js";
import { Notifier } from "../../agent/notify/notifier.js";
import {
  captureLog,
  countingHooks,
  startReceiver,
  waitFor,
  type Answer,
  type Receiver,
  type Received,
} from "./receiver.js";
import { incident, openEvent } from "./fixtures.js";

const WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
const DING_TOKEN = "d1ngt0ken0123456789abcdef";
const DING_SECRET = "SECd1ngtalk-test-secret-0123456789abcdef";
const FEISHU_TOKEN = "5e3d587e-d78e-4a07-bd07-265f269f86fd";
const FEISHU_SECRET = "feishu-test-secret-Xy9";
/** 2026-11-30T00:00:00Z, the signing time on the test clock. */
const NOW_MS = 1795996800000;
const DING_SIGN = "wZmeQFVlm9FLxjClllh/YoesEnzSEE0PQVx5NoHVtX8=";
const FEISHU_SIGN = "YAChwtJmXu5TAvhoWmGd8n6SRcBq3jtpiSv3s3139co=";

const OPEN_TEXT = [
  "【故障】视频会议 P1 mcu-1：无响应",
  "开始：2026-11-30 08:00 +08:00",
  "来源：探测 · 编号 #42",
].join("\n");

const receivers: Receiver[] = [];
const notifiers: Notifier[] = [];

afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((n) => n.close(100)));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  vi.unstubAllEnvs();
});

async function receiver(answer: (req: Received) => Answer): Promise<Receiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

function notifier(section: NotificationsConfigInput) {
  const { log, lines } = captureLog();
  const counts = countingHooks();
  const n = new Notifier({
    config: notificationsConfig.parse(section),
    log,
    hooks: counts.hooks,
    clock: new ManualClock(NOW_MS),
    sleep: async () => {},
  });
  notifiers.push(n);
  return { n, lines, counts };
}

describe("signatures", () => {
  it("match independently computed values for the documented algorithms", () => {
    expect(dingtalkSign(DING_SECRET, NOW_MS)).toBe(DING_SIGN);
    expect(feishuSign(FEISHU_SECRET, NOW_MS / 1000)).toBe(FEISHU_SIGN);
  });
});

describe("WeCom group robot", () => {
  it("format text: POSTs {msgtype:text, text:{content}} to the key URL and takes errcode 0 as success", async () => {
    const robot = await receiver(() => ({ json: { errcode: 0, errmsg: "ok" } }));
    vi.stubEnv("T_WECOM_URL", `${robot.base}/cgi-bin/webhook/send?key=${WECOM_KEY}`);
    const { n, counts } = notifier({
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}", format: "text" }],
    });
    n.notify(openEvent());
    await waitFor(() => counts.sent.length === 1);
    const req = robot.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`/cgi-bin/webhook/send?key=${WECOM_KEY}`);
    expect(req.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(req.body)).toEqual({ msgtype: "text", text: { content: OPEN_TEXT } });
    expect(counts.failed).toEqual([]);
  });

  it("fails on a non-zero errcode, with the robot's errmsg in the log", async () => {
    const robot = await receiver(() => ({ json: { errcode: 93000, errmsg: "invalid webhook url" } }));
    vi.stubEnv("T_WECOM_URL", `${robot.base}/cgi-bin/webhook/send?key=${WECOM_KEY}`);
    const { n, counts, lines } = notifier({
      retries: 0,
      channels: [{ name: "ops-wecom", type: "wecom", url: "${T_WECOM_URL}" }],
    });
    n.notify(openEvent());
    await waitFor(() => counts.failed.length === 1);
    expect(counts.failed).toEqual(["ops-wecom"]);
    const error = lines
      .map((l) => JSON.parse(l) as { msg: string; error?: string })
      .find((l) => l.msg.startsWith("notification failed"));
    expect(error?.error).toBe("errcode 93000: invalid webhook url");
  });
});

describe("DingTalk custom robot", () => {
  it("POSTs {msgtype:text, text:{content}} with &timestamp=…&sign=… appended, signed with the secret", async () => {
    const robot = await receiver(() => ({ json: { errcode: 0, errmsg: "ok" } }));
    vi.stubEnv("T_DING_URL", `${robot.base}/robot/send?access_token=${DING_TOKEN}`);
    vi.stubEnv("T_DING_SECRET", DING_SECRET);
    const { n, counts } = notifier({
      channels: [{ name: "ops-ding", type: "dingtalk", url: "${T_DING_URL}", secret: "${T_DING_SECRET}" }],
    });
    n.notify(openEvent());
    await waitFor(() => counts.sent.length === 1);
    const req = robot.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.headers["content-type"]).toBe("application/json; charset=utf-8");
    // The documented shape: the robot URL, then timestamp (ms) and the URL-encoded sign.
    expect(req.url).toBe(
      `/robot/send?access_token=${DING_TOKEN}&timestamp=${NOW_MS}&sign=${encodeURIComponent(DING_SIGN)}`,
    );
    expect(req.url).toContain("sign=wZmeQFVlm9FLxjClllh%2FYoesEnzSEE0PQVx5NoHVtX8%3D");
    // And what the robot does: decode the query, recompute the signature from its timestamp.
    const query = new URL(req.url, robot.base).searchParams;
    expect(query.get("sign")).toBe(dingtalkSign(DING_SECRET, Number(query.get("timestamp"))));
    expect(JSON.parse(req.body)).toEqual({ msgtype: "text", text: { content: OPEN_TEXT } });
  });

  it("fails on errcode 310000 (sign not match) with the message, never the URL, and does not retry it", async () => {
    const robot = await receiver(() => ({ json: { errcode: 310000, errmsg: "sign not match" } }));
    vi.stubEnv("T_DING_URL", `${robot.base}/robot/send?access_token=${DING_TOKEN}`);
    vi.stubEnv("T_DING_SECRET", DING_SECRET);
    const { n, counts, lines } = notifier({
      retries: 1,
      channels: [{ name: "ops-ding", type: "dingtalk", url: "${T_DING_URL}", secret: "${T_DING_SECRET}" }],
    });
    n.notify(openEvent());
    await waitFor(() => counts.failed.length === 1);
    // A bad signature is the same on every attempt: tried once although retries is 1.
    expect(robot.requests).toHaveLength(1);
    const log = lines.join("");
    expect(log).toContain("errcode 310000: sign not match");
    expect(log).toContain('"reason":"bad_signature"');
    expect(log).not.toContain(DING_TOKEN);
    expect(log).not.toContain(DING_SECRET);
  });
});

describe("Feishu custom bot", () => {
  it("format text: POSTs {timestamp, sign, msg_type:text, content:{text}} to the hook URL and takes code 0 as success", async () => {
    const robot = await receiver(() => ({ json: { code: 0, msg: "success", data: {} } }));
    vi.stubEnv("T_FEISHU_URL", `${robot.base}/open-apis/bot/v2/hook/${FEISHU_TOKEN}`);
    vi.stubEnv("T_FEISHU_SECRET", FEISHU_SECRET);
    const { n, counts } = notifier({
      channels: [
        {
          name: "ops-feishu",
          type: "feishu",
          url: "${T_FEISHU_URL}",
          secret: "${T_FEISHU_SECRET}",
          format: "text",
        },
      ],
    });
    n.notify(openEvent());
    await waitFor(() => counts.sent.length === 1);
    const req = robot.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`/open-apis/bot/v2/hook/${FEISHU_TOKEN}`);
    expect(req.headers["content-type"]).toBe("application/json; charset=utf-8");
    const body = JSON.parse(req.body) as { timestamp: string; sign: string };
    expect(body).toEqual({
      timestamp: String(NOW_MS / 1000),
      sign: FEISHU_SIGN,
      msg_type: "text",
      content: { text: OPEN_TEXT },
    });
    expect(typeof body.timestamp).toBe("string");
    expect(body.sign).toBe(feishuSign(FEISHU_SECRET, Number(body.timestamp)));
  });

  it("accepts the older StatusCode 0 answer and fails on code 19021", async () => {
    let call = 0;
    const robot = await receiver(() =>
      call++ === 0
        ? { json: { Extra: null, StatusCode: 0, StatusMessage: "success" } }
        : {
            json: {
              code: 19021,
              msg: "sign match fail or timestamp is not within one hour from current time",
              data: {},
            },
          },
    );
    vi.stubEnv("T_FEISHU_URL", `${robot.base}/open-apis/bot/v2/hook/${FEISHU_TOKEN}`);
    const { n, counts, lines } = notifier({
      retries: 0,
      channels: [{ name: "ops-feishu", type: "feishu", url: "${T_FEISHU_URL}", format: "text" }],
    });
    n.notify(openEvent());
    n.notify({ kind: "resolve", incident: incident(), at: new Date(NOW_MS + 3_600_000) });
    await waitFor(() => counts.sent.length + counts.failed.length === 2);
    expect(counts.sent).toEqual(["ops-feishu"]);
    expect(counts.failed).toEqual(["ops-feishu"]);
    // Without a secret: no signing fields at all.
    expect(JSON.parse(robot.requests[0]!.body)).toEqual({ msg_type: "text", content: { text: OPEN_TEXT } });
    expect(lines.join("")).toContain("code 19021: sign match fail");
    expect(lines.join("")).not.toContain(FEISHU_TOKEN);
  });
});

describe("generic webhook", () => {
  it("POSTs {event, at, actor, incident{…}, text} and takes any 2xx as success", async () => {
    const hook = await receiver(() => ({ status: 204, text: "" }));
    const { n, counts } = notifier({
      lang: "en",
      channels: [{ name: "helpdesk", type: "webhook", url: `${hook.base}/hooks/ops` }],
    });
    const at = new Date(NOW_MS + 5 * 60_000);
    n.notify({
      kind: "ack",
      incident: incident({ status: "acknowledged", acknowledgedAt: at, acknowledgedBy: "Zhang Wei" }),
      at,
      actor: "Zhang Wei",
    });
    await waitFor(() => counts.sent.length === 1);
    const req = hook.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/hooks/ops");
    expect(req.headers["content-type"]).toBe("application/json; charset=utf-8");
    const body = JSON.parse(req.body) as { at: string; incident: Record<string, unknown> };
    expect(body).toEqual({
      event: "ack",
      at: "2026-11-30T08:05:00.000+08:00",
      actor: "Zhang Wei",
      incident: {
        id: 42,
        source: "probe",
        source_key: "videoconf/mcu-1",
        category: "videoconf",
        category_name: "视频会议",
        priority: "P1",
        title: "无响应",
        target: "mcu-1",
        status: "acknowledged",
        started_at: "2026-11-30T08:00:00.000+08:00",
        acknowledged_at: "2026-11-30T08:05:00.000+08:00",
        acknowledged_by: "Zhang Wei",
      },
      text: [
        "[ACKNOWLEDGED] Video conference P1 mcu-1: 无响应",
        "Started: 2026-11-30 08:00 +08:00",
        "Acknowledged: 2026-11-30 08:05 +08:00",
        "By: Zhang Wei",
        "Response time: 5 min",
        "Source: probe · Incident #42",
      ].join("\n"),
    });
    // The notifier's zone (Asia/Shanghai by default) with its offset, never "Z": the same instants.
    const startedAt = String(body.incident.started_at);
    expect(startedAt.endsWith("+08:00")).toBe(true);
    expect(Date.parse(startedAt)).toBe(NOW_MS);
    expect(body.at.endsWith("+08:00")).toBe(true);
    expect(Date.parse(body.at)).toBe(at.getTime());
  });

  it("does not retry a 4xx other than 408/429", async () => {
    const hook = await receiver(() => ({ status: 404, json: { message: "no such hook" } }));
    const { n, counts, lines } = notifier({
      channels: [{ name: "helpdesk", type: "webhook", url: `${hook.base}/x` }],
    });
    n.notify(openEvent());
    await waitFor(() => counts.failed.length === 1);
    expect(hook.requests).toHaveLength(1);
    expect(lines.join("")).toContain("HTTP 404: no such hook");
  });
});
