/**
 * Types for the four systeminformation modules the host collector imports one by one
 * (source.ts says why): the package declares only its index, whose functions these are. Each is
 * CommonJS, so its functions are the default export (module.exports), in Node and in the bundle.
 */
declare module "systeminformation/lib/cpu.js" {
  const cpu: { currentLoad: typeof import("systeminformation").currentLoad };
  export default cpu;
}
declare module "systeminformation/lib/memory.js" {
  const memory: { mem: typeof import("systeminformation").mem };
  export default memory;
}
declare module "systeminformation/lib/filesystem.js" {
  const filesystem: { fsSize: typeof import("systeminformation").fsSize };
  export default filesystem;
}
declare module "systeminformation/lib/network.js" {
  const network: { networkStats: typeof import("systeminformation").networkStats };
  export default network;
}
