/** The agent's version, from its package.json. */
export { PACKAGE_VERSION as VERSION } from "./package-root.js";
