/**
 * Types for the four systeminformation modules the host collector imports one by one
 * (source.ts says why): the package declares only its index, whose functions these are. Each is
 * CommonJS, so its functions are the default export (module.exports), in Node and in the bundle.
 */
declare module "systeminformation/lib/cpu.js" {
  import type { currentLoad } from "systeminformation";
  const cpu: { currentLoad: typeof currentLoad };
  export default cpu;
}
declare module "systeminformation/lib/memory.js" {
  import type { mem } from "systeminformation";
  const memory: { mem: typeof mem };
  export default memory;
}
declare module "systeminformation/lib/filesystem.js" {
  import type { fsSize } from "systeminformation";
  const filesystem: { fsSize: typeof fsSize };
  export default filesystem;
}
declare module "systeminformation/lib/network.js" {
  import type { networkStats } from "systeminformation";
  const network: { networkStats: typeof networkStats };
  export default network;
}
