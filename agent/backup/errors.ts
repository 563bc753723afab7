/**
 * A backup or restore problem a person has to act on: Chinese first, then English, naming the
 * file and the fix. The CLI prints the message as is; `locked` exits 75 like a second agent does.
 */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly code:
      | "not_found"
      | "not_a_database"
      | "not_ops_agent"
      | "newer_schema"
      | "corrupt"
      | "locked"
      | "exists"
      | "usage",
  ) {
    super(message);
    this.name = "BackupError";
  }
}
