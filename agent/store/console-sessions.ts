/**
 * The web console's sessions (migration 8). The cookie's session id is random; only its SHA-256
 * is stored. A session ends `idleMs` after its last use, at logout, or when its user leaves the
 * config (the console checks the user on every request).
 */
import { createHash, randomBytes } from "node:crypto";
import type Database from "better-sqlite3";

export interface ConsoleSession {
  userName: string;
  csrf: string;
  address: string;
  createdAt: Date;
  lastUsedAt: Date;
}

interface Row {
  user_name: string;
  csrf: string;
  address: string;
  created_at: number;
  last_used_at: number;
}

function hashOf(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex");
}

export class ConsoleSessionStore {
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;
  private readonly touch: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly expire: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      "INSERT INTO console_sessions (id_hash, user_name, csrf, address, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.select = db.prepare("SELECT * FROM console_sessions WHERE id_hash = ?");
    this.touch = db.prepare("UPDATE console_sessions SET last_used_at = ? WHERE id_hash = ?");
    this.remove = db.prepare("DELETE FROM console_sessions WHERE id_hash = ?");
    this.expire = db.prepare("DELETE FROM console_sessions WHERE last_used_at < ?");
  }

  /** A new session; returns the id for the cookie (never stored) and the session. */
  create(userName: string, address: string, now: Date): { id: string; session: ConsoleSession } {
    const id = randomBytes(32).toString("base64url");
    const csrf = randomBytes(32).toString("base64url");
    this.insert.run(hashOf(id), userName, csrf, address, now.getTime(), now.getTime());
    return { id, session: { userName, csrf, address, createdAt: now, lastUsedAt: now } };
  }

  /**
   * The live session of a cookie id, its last use moved to now; undefined (and the row gone) when
   * unknown or idle longer than idleMs. The touch is written at most once a minute per session.
   */
  use(id: string, now: Date, idleMs: number): ConsoleSession | undefined {
    const key = hashOf(id);
    const row = this.select.get(key) as Row | undefined;
    if (row === undefined) return undefined;
    if (now.getTime() - row.last_used_at > idleMs) {
      this.remove.run(key);
      return undefined;
    }
    if (now.getTime() - row.last_used_at > 60_000) this.touch.run(now.getTime(), key);
    return {
      userName: row.user_name,
      csrf: row.csrf,
      address: row.address,
      createdAt: new Date(row.created_at),
      lastUsedAt: now,
    };
  }

  end(id: string): void {
    this.remove.run(hashOf(id));
  }

  /** Sessions idle longer than idleMs removed; returns how many. */
  expireIdle(now: Date, idleMs: number): number {
    return this.expire.run(now.getTime() - idleMs).changes;
  }
}
