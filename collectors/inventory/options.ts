/** The static inventory collector's own options. */
import * as z from "zod";

export const inventoryScope = z
  .object({
    /** How the scope is known in reports; its identity ("inventory-scope:<name>"). */
    name: z.string().min(1).max(100).default("static"),
    /** How many VMs the file should list; when given, the listed and expected counts are emitted. */
    expected: z.number().int().min(0).optional(),
  })
  .strict();

export const inventoryOptions = z
  .object({
    /** The CSV or YAML file listing the VMs; re-read on every run. */
    path: z.string().min(1),
    /** "auto": by the file's extension (.csv; .yaml or .yml). */
    format: z.enum(["auto", "csv", "yaml"]).default("auto"),
    scope: inventoryScope.prefault({}),
  })
  .strict();

export type InventoryOptions = z.output<typeof inventoryOptions>;
export type InventoryScope = z.output<typeof inventoryScope>;
