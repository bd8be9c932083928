import Database from 'better-sqlite3';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';

export type DB = Database.Database;

/** DATABASE_PATH cannot be used: the message names the variable, the path and the reason, on one line. */
export class DatabasePathError extends ConfigError {
  constructor(reason: string) {
    super('DATABASE_PATH', reason);
    this.name = 'DatabasePathError';
  }
}

function code(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

/**
 * Checks that the database file can be opened for writing before SQLite tries: its folder exists,
 * is a folder and is writable (SQLite keeps its -wal and -shm files beside the database), and the
 * file, when it exists, is a readable and writable regular file. The folder is never created: a
 * mistyped path must not start an empty database.
 */
export function checkDatabasePath(file: string): void {
  if (file === ':memory:') return;
  const dir = path.dirname(file);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch (err) {
    if (code(err) === 'ENOENT') throw new DatabasePathError(`the folder ${dir} does not exist (create it, or set DATABASE_PATH to a file in an existing folder)`);
    if (code(err) === 'ENOTDIR') throw new DatabasePathError(`${dir} is not a folder: a part of that path is a file`);
    if (code(err) === 'EACCES') throw new DatabasePathError(`the folder ${dir} cannot be reached (permission denied)`);
    throw new DatabasePathError(`the folder ${dir} cannot be used (${code(err) || 'unknown error'})`);
  }
  if (!dirStat.isDirectory()) throw new DatabasePathError(`${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new DatabasePathError(`the folder ${dir} is not writable (SQLite keeps its journal files beside the database)`);
  }
  let fileStat;
  try {
    fileStat = statSync(file);
  } catch (err) {
    if (code(err) === 'ENOENT') return; // created on first start
    throw new DatabasePathError(`${file} cannot be used (${code(err) || 'unknown error'})`);
  }
  if (fileStat.isDirectory()) throw new DatabasePathError(`${file} is a folder, not a database file`);
  if (!fileStat.isFile()) throw new DatabasePathError(`${file} is not a regular file`);
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch {
    throw new DatabasePathError(`the file ${file} is not readable and writable`);
  }
}

/** An SQLite error that means the file itself is unusable becomes a DatabasePathError; anything else is returned as it is. */
export function databasePathError(err: unknown, file: string): unknown {
  const c = code(err);
  if (/^SQLITE_(CANTOPEN|READONLY|NOTADB|PERM|CORRUPT|IOERR)/.test(c)) {
    const message = err instanceof Error ? err.message.replace(/\s+/g, ' ') : c;
    return new DatabasePathError(`${file} cannot be used as the database: ${message} (${c})`);
  }
  return err;
}

/**
 * Opens the SQLite file with the pragmas Kairos relies on (WAL, foreign keys, busy timeout,
 * secure_delete: deleted or overwritten content is zeroed in the file, so erased personal data does
 * not linger in free pages).
 * Throws DatabasePathError when the file cannot be used.
 */
export function openDatabase(file: string): DB {
  checkDatabasePath(file);
  let db: DB | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = NORMAL');
    db.pragma('secure_delete = ON');
    return db;
  } catch (err) {
    db?.close();
    throw databasePathError(err, file);
  }
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
