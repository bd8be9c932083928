import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../config.js';
import type { DB } from './open.js';

export const MIGRATIONS_DIR = path.join(ROOT, 'db');

/**
 * Applies db/NNN_name.sql files in order, forward only, tracked by PRAGMA user_version.
 * Each file runs in its own transaction. Returns the versions applied.
 */
export function migrate(db: DB, dir = MIGRATIONS_DIR): number[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort();
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied: number[] = [];
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(path.join(dir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
    applied.push(version);
  }
  return applied;
}
