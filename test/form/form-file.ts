/**
 * The real 2026 form export, as the repository keeps it for its readers (docs/form/, a copy of
 * the centre's ../shared/form/2026-performance-target-form.txt, which the tests compare it with
 * where that folder exists), read as rows.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FORM_PATH = fileURLToPath(
  new URL("../../docs/form/2026-performance-target-form.txt", import.meta.url),
);
export const SHARED_FORM_PATH = fileURLToPath(
  new URL("../../../shared/form/2026-performance-target-form.txt", import.meta.url),
);
export const TARGETS_2026_PATH = fileURLToPath(new URL("../../config/targets-2026.yaml", import.meta.url));

export const FORM_TEXT = readFileSync(FORM_PATH, "utf8");

export interface FormRow {
  line: number;
  block: number;
  name: string;
  half: string;
  full: string;
}

/** Independently of the importer: every line after a 三级指标 header that has three cells. */
export function formRows(text = FORM_TEXT): FormRow[] {
  const rows: FormRow[] = [];
  let block = -1;
  text.split("\n").forEach((line, i) => {
    const cells = line.split("\t");
    if (cells[0] === "三级指标" && cells[1] === "半年指标值") {
      block += 1;
      return;
    }
    if (block < 0 || line.trim() === "") return;
    const [name = "", half = "", full = ""] = cells;
    rows.push({ line: i + 1, block, name, half, full });
  });
  return rows;
}
