/**
 * What each console role may do. Every role reads; an anonymous visitor (console.anonymous_read on
 * a listed network) only reads. A change always needs a login with the right role.
 */
import type { ConsoleRole } from "../../config/console.js";

export type Permission = "read" | "record" | "incident" | "maintenance" | "report";

const GRANTS: Readonly<Record<ConsoleRole | "anonymous", readonly Permission[]>> = {
  anonymous: ["read"],
  viewer: ["read"],
  // Finance and the office enter the form's manual rows.
  recorder: ["read", "record"],
  // The duty engineer: faults, maintenance windows, reports on demand.
  operator: ["read", "incident", "maintenance", "report"],
  admin: ["read", "record", "incident", "maintenance", "report"],
};

export function may(role: ConsoleRole | "anonymous", permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
