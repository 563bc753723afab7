/** Where the scheduled backups go: `backup.dir`, or <data_dir>/backups; relative to the working directory like the database. */
import { isAbsolute, join } from "node:path";
import type { Config } from "../../config/schema.js";

export function backupDirectory(config: Config): string {
  const dir = config.backup.dir ?? join(config.data_dir, "backups");
  return isAbsolute(dir) ? dir : join(process.cwd(), dir);
}
