/** The simulated Deep Security Manager of the simulated machine room (see server.ts for the API it serves). */
export { DEFAULT_API_KEY, buildComputers, simRoles, startDeepSecuritySim } from "./server.js";
export type {
  DeepSecuritySim,
  DeepSecuritySimFaults,
  DeepSecuritySimOptions,
  SimRole,
  SimVmInput,
} from "./server.js";
