/**
 * Readiness (`GET /healthz`): the schema version as the database states it, asked again at most once
 * a second, so a flood of probes does not take a read lock each; a bad answer shows on the first
 * probe after that second and is never kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { READINESS_WINDOW_MS } from '../../../src/modules/health/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ organisers: false });
});
afterAll(async () => {
  await t.close();
});

const probe = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/healthz' });
  return { status: res.statusCode, body: res.json<{ status: string; database?: string; schema?: number }>() };
};

describe('readiness', () => {
  it('answers with the migrated schema version, re-asks the database after a second, and reports a lost schema at once then', async () => {
    const migrated = t.db.pragma('user_version', { simple: true }) as number;
    expect(migrated).toBeGreaterThan(0);
    expect(await probe()).toEqual({ status: 200, body: { status: 'ok', database: 'ok', schema: migrated } });

    // Another process rolls the schema back to nothing (as a botched restore would).
    const other = new Database(t.config.databasePath);
    try {
      other.pragma('user_version = 0');
      // Within the second, the last good answer stands.
      t.clock.advance(READINESS_WINDOW_MS - 1);
      expect((await probe()).status).toBe(200);
      // After it, the database is asked again: not ready.
      t.clock.advance(1);
      expect(await probe()).toEqual({ status: 503, body: { status: 'unavailable', database: 'not migrated', schema: 0 } });
      // A failure is not kept: put right, the very next probe is ready again.
      other.pragma(`user_version = ${migrated}`);
      expect(await probe()).toEqual({ status: 200, body: { status: 'ok', database: 'ok', schema: migrated } });
    } finally {
      other.close();
    }
  });
});
