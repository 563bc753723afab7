/**
 * Peers that misbehave the way broken servers in a machine room do, on 127.0.0.1 ports chosen at
 * start, for the fault tests:
 *
 * - hang: accepts TCP connections and never sends a byte (a wedged process, a half-open firewall);
 * - drip: accepts (and, with `tls`, completes the TLS handshake), then sends `payload` one byte per
 *   second, forever (a server stuck in a slow loop; slowloris in reverse);
 * - reset: accepts, then aborts the connection with a TCP RST;
 * - silentUdp: a bound UDP port that reads datagrams and never answers (a SIP server that drops).
 *
 * close() destroys every connection and stops the servers.
 */
import dgram from "node:dgram";
import net from "node:net";
import tls from "node:tls";

export interface BadPeer {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export type BadPeerKind = "hang" | "drip" | "reset";

export interface BadPeerOptions {
  /** What drip sends, one byte per second (default: the start of an HTTP answer). */
  payload?: string;
  /** Serve TLS with this key and certificate first (drip and hang: the handshake completes). */
  tls?: { key: string; cert: string };
  /** Milliseconds between dripped bytes (default 1000). */
  dripEveryMs?: number;
}

const HTTP_START = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n[";

export async function startBadPeer(kind: BadPeerKind, options: BadPeerOptions = {}): Promise<BadPeer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;
  const payload = Buffer.from(options.payload ?? HTTP_START);
  const onSocket = (socket: net.Socket): void => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.once("close", () => sockets.delete(socket));
    // Read (and drop) whatever the client sends, so its writes never block.
    socket.on("data", () => undefined);
    if (kind === "reset") {
      socket.resetAndDestroy();
      return;
    }
    if (kind === "drip") {
      let next = 0;
      const timer = setInterval(() => {
        if (socket.destroyed) {
          clearInterval(timer);
          timers.delete(timer);
          return;
        }
        socket.write(payload.subarray(next % payload.length, (next % payload.length) + 1));
        next += 1;
      }, options.dripEveryMs ?? 1_000);
      timers.add(timer);
    }
  };
  const server =
    options.tls && kind !== "reset"
      ? tls.createServer({ ...options.tls }, onSocket)
      : net.createServer(onSocket);
  if (server instanceof tls.Server) server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    accepted: () => accepted,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A UDP port that takes datagrams and never answers. */
export async function startSilentUdp(): Promise<BadPeer> {
  const socket = dgram.createSocket("udp4");
  let received = 0;
  socket.on("message", () => (received += 1));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    accepted: () => received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
