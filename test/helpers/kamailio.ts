/**
 * A private Kamailio for the sip collector's tests: test/fixtures/kamailio/kamailio.cfg with the
 * ports filled in, run in the foreground (-DD -E) in its own process group on 127.0.0.1 ports
 * picked here, and stopped (the whole group) by stop(). It never touches a system instance or
 * /etc/kamailio (the Debian package installs a kamailio.service on 5060; ignored here).
 */
import { spawn } from "node:child_process";
import dgram from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/kamailio/kamailio.cfg");

/** Where Debian (any architecture) and other distributions put Kamailio's modules. */
const MODULE_DIRS = [
  `/usr/lib/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu/kamailio/modules`,
  "/usr/lib/x86_64-linux-gnu/kamailio/modules",
  "/usr/lib/aarch64-linux-gnu/kamailio/modules",
  "/usr/lib/kamailio/modules",
  "/usr/lib64/kamailio/modules",
  "/usr/local/lib64/kamailio/modules",
];

export interface Kamailio {
  /** Answers OPTIONS with 200 (UDP and TCP). */
  upPort: number;
  /** Answers OPTIONS with 503. */
  degradedPort: number;
  /** Drops OPTIONS: no answer. */
  dropPort: number;
  /** What Kamailio wrote to stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export function kamailioModuleDir(): string {
  const dir = MODULE_DIRS.find((d) => existsSync(join(d, "sl.so")));
  if (dir === undefined) throw new Error(`kamailio modules (sl.so) not found in ${MODULE_DIRS.join(", ")}`);
  return dir;
}

/** A 127.0.0.1 port free for both TCP and UDP just now. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const udp = dgram.createSocket("udp4");
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, "127.0.0.1", () => resolve(true));
    });
    udp.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (udpFree) return port;
  }
  throw new Error("no free port for TCP and UDP on 127.0.0.1");
}

/** Does 127.0.0.1:port answer a UDP OPTIONS and accept TCP connections? */
async function answers(port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const socket = dgram.createSocket("udp4");
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 200);
    socket.on("error", () => done(false));
    socket.on("message", (m) => done(m.toString("latin1").startsWith("SIP/2.0 200")));
    socket.connect(port, "127.0.0.1", () => {
      const local = socket.address();
      const sentBy = `${local.address}:${local.port}`;
      socket.send(
        [
          `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
          `Via: SIP/2.0/UDP ${sentBy};branch=z9hG4bKready${Date.now()};rport`,
          "Max-Forwards: 70",
          `From: <sip:ready@${sentBy}>;tag=ready`,
          `To: <sip:127.0.0.1:${port}>`,
          `Call-ID: ready-${Date.now()}`,
          "CSeq: 1 OPTIONS",
          "Content-Length: 0",
          "",
          "",
        ].join("\r\n"),
      );
    });
  });
  if (!udp) return false;
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

export async function startKamailio(binary: string): Promise<Kamailio> {
  const upPort = await freePort();
  let degradedPort = await freePort();
  while (degradedPort === upPort) degradedPort = await freePort();
  let dropPort = await freePort();
  while (dropPort === upPort || dropPort === degradedPort) dropPort = await freePort();

  const dir = mkdtempSync(join(tmpdir(), "kamailio-test-"));
  const cfg = join(dir, "kamailio.cfg");
  writeFileSync(
    cfg,
    readFileSync(FIXTURE, "utf8")
      .replaceAll("@UP_PORT@", String(upPort))
      .replaceAll("@DEGRADED_PORT@", String(degradedPort))
      .replaceAll("@DROP_PORT@", String(dropPort)),
  );

  // -DD: no fork to background; -E: log to stderr; -Y: runtime dir of our own; small memory.
  const child = spawn(
    binary,
    [
      "-f",
      cfg,
      "-DD",
      "-E",
      "-L",
      kamailioModuleDir(),
      "-Y",
      dir,
      "-P",
      join(dir, "kamailio.pid"),
      "-m",
      "16",
      "-M",
      "4",
    ],
    { detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.on("exit", () => {
      exited = true;
      resolve();
    });
    child.on("error", () => {
      exited = true;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    const pid = child.pid;
    if (!exited && pid !== undefined) {
      // The group: Kamailio's main process and the children it forked.
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // already gone
      }
      const killTimer = setTimeout(() => {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 3_000);
      await exit;
      clearTimeout(killTimer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`kamailio exited during start-up:\n${stderr}`);
    }
    if (await answers(upPort)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kamailio did not answer OPTIONS on 127.0.0.1:${upPort} within 10s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { upPort, degradedPort, dropPort, output: () => stderr, stop };
}
