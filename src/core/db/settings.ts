import type { DB } from './open.js';
import { perDatabase } from './per-db.js';
import { mustExist } from '../errors.js';

export class SettingsRepository {
  private readonly getStmt;
  private readonly setStmt;
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly versionStmt;

  constructor(db: DB) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');
    // Prepared once: readiness asks on every probe.
    this.versionStmt = db.prepare<[], number>('PRAGMA user_version').pluck();
  }
  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }
  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }
  /** Stores value unless the key exists; returns what is stored (safe with two processes starting at once). */
  getOrInsert(key: string, value: string): string {
    this.insertStmt.run(key, value);
    return mustExist(this.get(key), 'setting');
  }

  /** Removes a key; true if it was there. */
  delete(key: string): boolean {
    return this.deleteStmt.run(key).changes === 1;
  }

  /** The schema version (PRAGMA user_version): answers only if the database does. */
  schemaVersion(): number {
    return mustExist(this.versionStmt.get(), 'schema version');
  }
}

/** The SettingsRepository of a database, built once per connection. */
export const settingsRepository = perDatabase((db) => new SettingsRepository(db));
