import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type DB = Database.Database;

/**
 * Opens the SQLite file with the pragmas Kairos relies on (WAL, foreign keys, busy timeout,
 * secure_delete: deleted or overwritten content is zeroed in the file, so erased personal data does
 * not linger in free pages).
 */
export function openDatabase(file: string): DB {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * Copies the write-ahead log into the database file and truncates it, so that content just erased
 * (secure_delete zeroes it in the pages) no longer survives in older page images kept in the WAL.
 * A reader holding an old snapshot makes it partial; the next call finishes the job.
 */
export function checkpoint(db: DB): void {
  if (db.memory || db.inTransaction) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Runs fn in a BEGIN IMMEDIATE transaction: the write lock is taken before anything is read. */
export function immediate<T>(db: DB, fn: () => T): T {
  return db.transaction(fn).immediate();
}
