/**
 * A store problem a person has to act on: what happened, to which file, and what to do. The CLI
 * prints the message as is and exits non-zero; nothing stored has been touched when it is thrown.
 */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code:
      | "data_dir"
      | "locked"
      | "not_a_database"
      | "corrupt"
      | "newer_schema"
      | "open"
      | "read_only"
      | "disk_full",
  ) {
    super(message);
    this.name = "StoreError";
  }
}
