import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type DB = Database.Database;

/** Opens the SQLite file with the pragmas Kairos relies on (WAL, foreign keys, busy timeout). */
export function openDatabase(file: string): DB {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** Runs fn in a BEGIN IMMEDIATE transaction: the write lock is taken before anything is read. */
export function immediate<T>(db: DB, fn: () => T): T {
  return db.transaction(fn).immediate();
}
