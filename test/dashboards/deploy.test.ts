/**
 * The deployment files (Dockerfile, deploy/): what can be checked without docker or a running
 * systemd. The container image is not built here (no docker daemon in CI).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CLI } from "../helpers/agent-process.js";

const read = (path: string) => readFileSync(join(process.cwd(), path), "utf8");

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it("is multi-stage on the official Node 20 image; better-sqlite3 is compiled in the build stage", () => {
    expect(stages.length).toBe(2);
    for (const stage of stages) expect(stage).toMatch(/^node:20-bookworm-slim\b/);
    expect(stages[0]).toMatch(/^node:20-bookworm-slim AS build/);
    expect(stages[0]).toMatch(/g\+\+/);
    expect(stages[0]).toContain("--build-from-source");
    expect(stages[1]).not.toMatch(/g\+\+|python3/);
    expect(stages[1]).toContain("COPY --from=build /src/node_modules");
  });

  it("runs as a non-root user; only fping gets CAP_NET_RAW (setcap); data in a volume; HEALTHCHECK with node", () => {
    const runtime = stages[1]!;
    expect(runtime).toMatch(/apt-get install[^\n]*fping/);
    expect(runtime).toContain("setcap cap_net_raw+ep /usr/bin/fping");
    expect(runtime).toMatch(/^USER opsagent$/m);
    expect(runtime).toMatch(/^VOLUME \["\/var\/lib\/ops-agent"\]$/m);
    expect(runtime).toMatch(
      /^HEALTHCHECK [\s\S]*CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:9464\/healthz'\)/m,
    );
    const instructions = runtime
      .split("\n")
      .filter((l) => !l.trim().startsWith("#"))
      .join("\n");
    expect(instructions).not.toMatch(/\bcurl\b|\bwget\b/);
    expect(runtime).toContain("OPS_AGENT_CONFIG=/etc/ops-agent/config.yaml");
  });

  it("the HEALTHCHECK command is valid JavaScript that exits 0 on 200 and 1 otherwise", () => {
    const command = /"node", "-e", "(.*)"\]$/m.exec(dockerfile)![1]!;
    expect(() => new Function(command)).not.toThrow();
  });

  it(".dockerignore keeps local data, builds and secrets out of the build context", () => {
    const ignore = read(".dockerignore").split("\n");
    for (const entry of ["node_modules", "dist", "data", ".git", "*.db"]) expect(ignore).toContain(entry);
  });
});

describe("deploy/", () => {
  it("ops-agent.service: hardened, CAP_NET_RAW only, StateDirectory, Restart=on-failure", () => {
    const unit = read("deploy/ops-agent.service");
    for (const line of [
      "AmbientCapabilities=CAP_NET_RAW",
      "CapabilityBoundingSet=CAP_NET_RAW",
      "StateDirectory=ops-agent",
      "Restart=on-failure",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ProtectHome=yes",
      "PrivateTmp=yes",
      "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
      "SystemCallFilter=@system-service",
      "ExecReload=/bin/kill -HUP $MAINPID",
      "RestartPreventExitStatus=78",
    ])
      expect(unit.split("\n")).toContain(line);
    expect(unit).toMatch(/^User=ops-agent$/m);
    // V8 needs W+X memory: MemoryDenyWriteExecute would crash node.
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
  });

  it("compose.yaml: the agent (config read-only, data volume, NET_RAW only), Prometheus and Grafana", () => {
    const compose = parse(read("deploy/compose.yaml")) as {
      services: Record<
        string,
        { volumes?: string[]; cap_drop?: string[]; cap_add?: string[]; build?: unknown }
      >;
      volumes: Record<string, unknown>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(["agent", "grafana", "prometheus"]);
    const agent = compose.services.agent!;
    expect(agent.build).toBeDefined();
    expect(agent.volumes).toContain("./config.yaml:/etc/ops-agent/config.yaml:ro");
    expect(agent.volumes).toContain("ops-agent-data:/var/lib/ops-agent");
    expect(agent.cap_drop).toEqual(["ALL"]);
    expect(agent.cap_add).toEqual(["NET_RAW"]);
    expect(compose.services.prometheus!.volumes).toContain(
      "./prometheus.yml:/etc/prometheus/prometheus.yml:ro",
    );
  });

  it("config.yaml (the container's) is a valid agent config listening beyond loopback, data in the volume", () => {
    const run = spawnSync(process.execPath, [CLI, "check-config", "deploy/config.yaml"], {
      encoding: "utf8",
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const config = parse(read("deploy/config.yaml")) as { data_dir: string; http: { listen: string } };
    expect(config.data_dir).toBe("/var/lib/ops-agent");
    expect(config.http.listen).toBe("0.0.0.0:9464");
  });
});
