import type { AddressInfo } from "node:net";

/**
 * The console's address as a browser on this machine opens it. Listening on every address
 * (0.0.0.0 or ::), "http://0.0.0.0:9464/" is not an address to visit: loopback is.
 */
export function consoleUrl(address: AddressInfo | undefined): string {
  if (address === undefined) return "http://127.0.0.1:9464/";
  const everywhere = address.address === "0.0.0.0" || address.address === "::";
  const host = everywhere
    ? "127.0.0.1"
    : address.family === "IPv6"
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}/`;
}
