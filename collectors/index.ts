/**
 * The registry of collector plugins: a literal map, so what the agent can run is greppable and a
 * plugin missing here is a compile error wherever it is named. The key is the config's `type:`.
 */
import type { CollectorPlugin } from "./types.js";
import { antivirusPlugin } from "./antivirus/index.js";
import { hostPlugin } from "./host/index.js";
import { httpPlugin } from "./http/index.js";
import { icmpPlugin } from "./icmp/index.js";
import { inventoryPlugin } from "./inventory/index.js";
import { sipPlugin } from "./sip/index.js";
import { vcenterPlugin } from "./vcenter/index.js";
import { videoconfPlugin } from "./videoconf/index.js";

export const plugins = {
  host: hostPlugin,
  http: httpPlugin,
  vcenter: vcenterPlugin,
  inventory: inventoryPlugin,
  icmp: icmpPlugin,
  antivirus: antivirusPlugin,
  sip: sipPlugin,
  videoconf: videoconfPlugin,
  // Each plugin has its own options type; the registry only needs the common shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
} satisfies Record<string, CollectorPlugin<any>>;

export type PluginType = keyof typeof plugins;

export function pluginFor(type: string): CollectorPlugin | undefined {
  return (plugins as Record<string, CollectorPlugin | undefined>)[type];
}
