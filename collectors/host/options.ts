/** The host collector's own options. Every option has a default, so `{}` is a valid config. */
import * as z from "zod";

/**
 * Pseudo and in-memory filesystems: their "usage" is RAM or a read-only image, not disk that can
 * fill up. `overlay` is excluded because on a container host every container adds one mount that
 * repeats the backing disk; a host whose root *is* overlay (the agent inside a container) should
 * override this list.
 */
export const DEFAULT_FILESYSTEMS_EXCLUDE_TYPES = [
  "tmpfs",
  "devtmpfs",
  "overlay",
  "squashfs",
  "proc",
  "sysfs",
  "nsfs",
  "ramfs",
  "efivarfs",
] as const;

export const DEFAULT_INTERFACES_EXCLUDE = ["lo"] as const;

export const hostOptions = z
  .object({
    /** Filesystem types (as df reports them) to skip; "*" and "?" globs allowed, e.g. "fuse.*". */
    filesystems_exclude_types: z
      .array(z.string().min(1))
      .default(() => [...DEFAULT_FILESYSTEMS_EXCLUDE_TYPES]),
    /** Interface names to skip; "*" and "?" globs allowed, e.g. "veth*". */
    interfaces_exclude: z.array(z.string().min(1)).default(() => [...DEFAULT_INTERFACES_EXCLUDE]),
  })
  .strict();

export type HostOptions = z.output<typeof hostOptions>;
