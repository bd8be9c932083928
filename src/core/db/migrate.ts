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
  const applied: number[] = [];
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    const sql = readFileSync(path.join(dir, file), 'utf8');
    // A file that rebuilds a table says so in its first line: foreign keys are off while it runs
    // (they cannot be switched inside a transaction) and every reference is checked before commit.
    const rebuild = /^-- kairos: foreign_keys=off/.test(sql);
    if (rebuild) db.pragma('foreign_keys = OFF');
    try {
      // The version is read inside the write transaction: a server and a worker starting together
      // cannot both apply the same file.
      db.transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        if (version <= current) return;
        db.exec(sql);
        if (rebuild) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`migration ${file} leaves ${broken.length} broken references`);
        }
        db.pragma(`user_version = ${version}`);
        applied.push(version);
      }).immediate();
    } finally {
      if (rebuild) db.pragma('foreign_keys = ON');
    }
  }
  return applied;
}
