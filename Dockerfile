# syntax=docker/dockerfile:1
# ops-agent: the machine-room monitoring agent, as a container.
#   docker build -t ops-agent .
#   docker run -d --name ops-agent --cap-drop ALL --cap-add NET_RAW --read-only --tmpfs /tmp \
#     -v "$PWD/deploy/config.yaml:/etc/ops-agent/config.yaml:ro" -v ops-agent-data:/var/lib/ops-agent \
#     -p 9464:9464 ops-agent
# The config is mounted read-only; the SQLite database lives in the /var/lib/ops-agent volume.

# ---- build: compile TypeScript and the native better-sqlite3 module (needs a C++ toolchain, which
# the runtime image does not carry).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# --build-from-source: better-sqlite3 is compiled here against this image's Node and glibc,
# not downloaded as a prebuilt binary.
RUN npm ci --no-audit --no-fund --build-from-source
COPY tsconfig.json tsconfig.build.json ./
COPY agent ./agent
COPY collectors ./collectors
COPY config ./config
COPY simroom ./simroom
COPY bench ./bench
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

# ---- runtime
FROM node:20-bookworm-slim
# fping for ICMP reachability (batches of thousands of hosts). It needs a raw socket: rather than
# giving that to the whole Node process (which parses answers from the network all day), only the
# fping binary gets CAP_NET_RAW, as a file capability (setcap), so the agent itself runs as an
# unprivileged user without any capability. The container must keep NET_RAW in its bounding set
# (docker's default; with --cap-drop ALL add --cap-add NET_RAW) and must not run with
# no-new-privileges, which would stop fping from using it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fping libcap2-bin tzdata ca-certificates \
 && setcap cap_net_raw+ep /usr/bin/fping \
 && apt-get purge -y libcap2-bin && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 opsagent \
 && useradd --system --uid 10001 --gid opsagent --home-dir /var/lib/ops-agent --shell /usr/sbin/nologin opsagent \
 && mkdir -p /var/lib/ops-agent /etc/ops-agent \
 && chown opsagent:opsagent /var/lib/ops-agent
WORKDIR /app
# MALLOC_* and the node flags of ENTRYPOINT: as package.json's start script (why: agent/main.ts).
ENV NODE_ENV=production \
    OPS_AGENT_CONFIG=/etc/ops-agent/config.yaml \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=65536
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# config/ holds the form's targets file (targets_file: config/targets-2026.yaml, relative to /app)
# and the documented example; simroom/demo the demo's test material (`ops-agent demo`).
COPY --from=build /src/config ./config
COPY --from=build /src/simroom/demo ./simroom/demo
USER opsagent
VOLUME ["/var/lib/ops-agent"]
EXPOSE 9464
# No curl in the image: Node itself asks /healthz (200 when the database takes writes and every
# collector ran well recently). The agent must listen on an address that includes 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=1", "--optimize-for-size", "dist/agent/main.js"]
CMD ["run"]
