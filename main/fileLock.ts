// Exclusive locks between processes. Node has no flock(); SQLite's exclusive transaction takes a POSIX
// (fcntl) lock on its file, which the kernel drops when the holder exits or is killed, so a lock can
// never be left behind by a crash. better-sqlite3 is already what the accounts database uses.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

export class FileLockTimeout extends Error {
  constructor(readonly file: string) {
    super(`Another sfbackup process kept ${file} locked for too long; try again when it has finished.`);
    this.name = 'FileLockTimeout';
  }
}

export class FileLock {
  private constructor(private db: Database.Database | undefined) {}

  /** Takes the lock, waiting up to `waitMs` for its holder (0: do not wait); undefined when still held. */
  static acquire(file: string, waitMs = 0): FileLock | undefined {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const db = new Database(file, { timeout: waitMs });
    try {
      chmodSync(file, 0o600);
      // Nothing is ever written: the transaction exists only for its lock, and no journal is needed.
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN EXCLUSIVE');
      return new FileLock(db);
    } catch (err) {
      db.close();
      if (isBusy(err)) return undefined;
      throw err;
    }
  }

  get held(): boolean {
    return this.db !== undefined;
  }

  release(): void {
    const db = this.db;
    this.db = undefined;
    if (!db) return;
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }
}

/** Runs a short read-modify-write with the lock held; other processes doing the same wait their turn. */
export function withFileLock<T>(file: string, work: () => T, waitMs = 15_000): T {
  const lock = FileLock.acquire(file, waitMs);
  if (!lock) throw new FileLockTimeout(file);
  try {
    return work();
  } finally {
    lock.release();
  }
}
