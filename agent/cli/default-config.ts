/**
 * The config file a command reads when none is given. Its own module so that registering the
 * commands (agent/main.ts) does not load the config schema; config-arg.ts re-exports it.
 */
export const DEFAULT_CONFIG_PATH = process.env.OPS_AGENT_CONFIG || "config/default.yaml";
