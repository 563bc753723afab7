/**
 * `ops-agent demo`: the agent on the simulated machine room. Starts the simulated vCenter and Deep
 * Security Manager (simroom/) on the ports config/default.yaml names, then runs the agent on that
 * config until SIGTERM/SIGINT, and closes the simulators after the agent has stopped.
 */
import { DEMO_PORTS, startSimulatedRoom } from "../../simroom/index.js";
import { randomBytes } from "node:crypto";
import { hashPassword } from "../console/password.js";
import { runCommand } from "./run.js";

export async function demoCommand(path: string): Promise<void> {
  let room: Awaited<ReturnType<typeof startSimulatedRoom>>;
  try {
    room = await startSimulatedRoom();
  } catch (error) {
    console.error(
      `ops-agent demo: cannot start the simulated machine room (127.0.0.1 ports ${DEMO_PORTS.vcenter}, ` +
        `${DEMO_PORTS.deepSecurity}, ${DEMO_PORTS.platforms}–${DEMO_PORTS.platforms + 5}, ${DEMO_PORTS.mcu} and ${DEMO_PORTS.busyMcu}): ` +
        `${(error as Error).message}. Is another demo running?`,
    );
    process.exit(1);
  }
  console.error(
    `ops-agent demo: simulated vCenter at ${room.vcenter.url}, Deep Security Manager at ${room.deepSecurity.url}, ` +
      `six web platforms from port ${DEMO_PORTS.platforms}, MCUs (SIP) on ports ${room.mcu.port} and ${room.busyMcu.port} (busy)`,
  );
  // The console's first login: an account that exists only in this demo process, with a password
  // made now and printed once (never stored, never in the config).
  const password = randomBytes(9).toString("base64url");
  const account = {
    name: "demo",
    display_name: "演示管理员",
    role: "admin" as const,
    password_hash: await hashPassword(password),
  };
  await runCommand(path, {
    afterStop: () => room.close(),
    agentOptions: { consoleUsers: [account] },
    afterStart: (agent) => {
      const address = agent.listenAddress;
      const host =
        address === undefined
          ? "127.0.0.1"
          : address.family === "IPv6"
            ? `[${address.address}]`
            : address.address;
      console.error(
        `ops-agent demo: 控制台 console: http://${host}:${address?.port ?? 9464}/  ` +
          `登录 login: demo  一次性密码 one-time password: ${password}  (only for this run)`,
      );
    },
  });
}
