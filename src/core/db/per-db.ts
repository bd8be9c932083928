import type { DB } from './open.js';

/**
 * One instance per database connection, built on first use: a repository prepares its statements
 * once and every service, renderer and route of that database shares them.
 */
export function perDatabase<T>(build: (db: DB) => T): (db: DB) => T {
  const cache = new WeakMap<DB, T>();
  return (db) => {
    let value = cache.get(db);
    if (value === undefined) cache.set(db, (value = build(db)));
    return value;
  };
}
