/**
 * Query plans that keep the dispatcher and the mail page flat as the outbox grows: checked with
 * EXPLAIN QUERY PLAN on a database with enough rows and statistics (PRAGMA optimize at open), and
 * the counts kept by triggers compared with a plain count. Also: the periodic PRAGMA optimize is
 * stopped when the app closes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { openMigrated } from '../../../src/core/boot.js';
import type { DB } from '../../../src/core/db/open.js';
import { startOptimizing } from '../../../src/core/db/optimize.js';
import { claimDue, markFinal, markSentMany } from '../../../src/core/outbox/leases.js';
import { enqueue, pendingCount, requeue, withdraw } from '../../../src/core/outbox/queue.js';
import { stmts } from '../../../src/core/outbox/statements.js';
import { listMail, mailSummary } from '../../../src/modules/mail/repository.js';
import { makeApp, testConfig } from '../../helpers/app.js';
import { createTestDb, insertSession, noticeInput, T0, type TestDb } from '../../helpers/email-fixtures.js';

let t: TestDb;
let db: DB;
let sessionIds: number[];
const clock = new ManualClock(T0);

/** The plan's lines for a statement's SQL with these parameters. */
const plan = (sql: string, params: unknown = {}) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);

beforeAll(() => {
  t = createTestDb();
  sessionIds = [insertSession(t.db).id, insertSession(t.db).id, insertSession(t.db).id];
  // 20,000 rows: mostly sent long ago, some failed, 1 % queued for later, a few with a deadline.
  t.db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
    INSERT INTO outbox (kind, dedupe_key, recipient_email, zone, session_id, registration_id, status, attempts, not_before, deadline, created_at, updated_at, sent_at)
    SELECT 'notice', 'bulk:' || i, 'p' || i || '@example.org', 'Europe/Athens', ${sessionIds[0]} + i % 3, i,
      CASE WHEN i % 100 = 0 THEN 'queued' WHEN i % 97 = 0 THEN 'failed' ELSE 'sent' END, 1,
      CASE WHEN i % 100 = 0 THEN ${T0} + 86400000 + i ELSE ${T0} - 86400000 * 30 + i END,
      CASE WHEN i % 300 = 0 THEN ${T0} + 2 * 86400000 + i END, ${T0} - 86400000 * 40, ${T0} - 86400000 * 40, NULL FROM n`);
  t.db.close();
  // Opened again the way the server and the worker open it: migrations, then PRAGMA optimize.
  db = openMigrated({ ...testConfig(t.dir), databasePath: t.file }).db;
});
afterAll(() => {
  db.close();
  t.cleanup();
});

describe('outbox query plans at 20,000 rows', () => {
  it('PRAGMA optimize at open leaves statistics for the planner', () => {
    const stats = db.prepare(`SELECT idx FROM sqlite_stat1 WHERE tbl = 'outbox'`).all() as { idx: string | null }[];
    expect(stats.map((r) => r.idx)).toEqual(expect.arrayContaining(['outbox_queued_due', 'outbox_status', 'outbox_session']));
  });

  it('the due rows come from the partial indexes in index order, with no sort and no scan', () => {
    const s = stmts(db);
    const params = { now: T0, limit: 50 };
    expect(plan(s.dueQueued.source, params)).toEqual(['SEARCH outbox USING COVERING INDEX outbox_queued_due (not_before<?)']);
    expect(plan(s.dueLeases.source, params)).toEqual(['SEARCH outbox USING COVERING INDEX outbox_sending_lease (lease_until<?)']);
    expect(plan(s.claim.source, { id: 1, now: T0, owner: 'o', leaseUntil: T0 })).toEqual(['SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)']);
    const idle = plan(s.anyDue.source, { now: T0 });
    expect(idle).toEqual(expect.arrayContaining([
      'SEARCH outbox USING COVERING INDEX outbox_queued_due (not_before<?)',
      'SEARCH outbox USING COVERING INDEX outbox_sending_lease (lease_until<?)',
      'SEARCH outbox USING INDEX outbox_deadline (deadline>? AND deadline<?)',
    ]));
    expect(plan(s.expireOverdue.source, { now: T0 })).toEqual(['SEARCH outbox USING INDEX outbox_deadline (deadline>? AND deadline<?)']);
    for (const line of [...idle, ...plan(s.dueQueued.source, params), ...plan(s.dueLeases.source, params)]) {
      expect(line).not.toMatch(/TEMP B-TREE|SCAN outbox|outbox_status/);
    }
  });

  it('the mail page lists by session and by status in index order, and reads its counts from the kept totals', () => {
    // Every statement the mail page prepares, on a connection of its own (statements are prepared once per connection).
    const seen: string[] = [];
    const other = openMigrated({ ...testConfig(t.dir), databasePath: t.file }).db;
    const prepare = other.prepare.bind(other);
    other.prepare = (sql: string) => (seen.push(sql), prepare(sql));
    try {
      listMail(other, { sessionId: sessionIds[1] });
      listMail(other, { status: 'failed' });
      listMail(other, {});
      mailSummary(other, { now: T0 });
    } finally {
      other.close();
    }
    // The mail page's own statements (a hub's scope, prepared with them, is not used here).
    const mine = seen.filter((sql) => /FROM outbox o\b|outbox_counts|outbox_pending_created/.test(sql) && !sql.includes('@hubId'));
    const lines = mine.flatMap((sql) => plan(sql, { sessionId: sessionIds[1], status: 'failed', limit: 50, offset: 0 }));
    expect(lines).toEqual(expect.arrayContaining([
      // a session's mail and one status's mail, newest first, straight from their indexes
      'SEARCH o USING INDEX outbox_session (session_id=?)',
      'SEARCH o USING INDEX outbox_status (status=?)',
      // the oldest waiting and the next due: the first entry of a partial index
      'SCAN outbox USING INDEX outbox_pending_created',
      'SCAN outbox USING COVERING INDEX outbox_queued_due',
      // counts and totals: the kept table of at most six rows
      'SCAN outbox_counts',
    ]));
    // Only the unfiltered page reads the table itself: backwards by id, stopping after the page.
    expect(lines.filter((l) => /^SCAN (o|outbox)$/.test(l))).toEqual(['SCAN o']);
    for (const line of lines) expect(line).not.toMatch(/TEMP B-TREE/);
  });

  it('a run with nothing due takes no write lock; the kept counts match a plain count through claim, send, failure, withdrawal and requeue', () => {
    // Another connection holds the write lock: an idle run must not wait for it.
    const other = openMigrated({ ...testConfig(t.dir), databasePath: t.file }).db;
    other.pragma('busy_timeout = 0');
    db.pragma('busy_timeout = 0');
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      expect(claimDue(db, { owner: 'a', now: T0, leaseMs: 30_000, limit: 10, messageIdHost: 'kairos.example' })).toEqual({ claimed: [], expired: [] });
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
      db.pragma('busy_timeout = 10000');
    }

    const ids = Array.from({ length: 6 }, (_, i) => enqueue(db, noticeInput(i, { sessionId: sessionIds[2] }), clock)!);
    const { claimed } = claimDue(db, { owner: 'a', now: T0, leaseMs: 30_000, limit: 4, messageIdHost: 'kairos.example' });
    expect(claimed.map((r) => r.id)).toEqual(ids.slice(0, 4));
    expect(markSentMany(db, 'a', claimed.slice(0, 2).map((r) => ({ id: r.id, now: T0, transport: 'smtp', response: '250 ok', rendered: {} })))).toEqual([true, true]);
    markFinal(db, claimed[2]!.id, 'a', T0, 'failed', { error: 'refused', code: '550' });
    withdraw(db, { id: ids[5] }, clock, 'test');
    requeue(db, claimed[2]!.id, clock);

    const truth = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[];
    const kept = db.prepare('SELECT status, n FROM outbox_counts WHERE n <> 0').all() as { status: string; n: number }[];
    const byStatus = (rows: { status: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(byStatus(kept)).toEqual(byStatus(truth));
    expect(pendingCount(db)).toBe((byStatus(truth).queued ?? 0) + (byStatus(truth).sending ?? 0));
    expect(mailSummary(db, { now: T0 }).total).toBe(20_006);
    expect(listMail(db, { status: 'withdrawn' }).total).toBe(1);
  });
});

describe('periodic PRAGMA optimize', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs on a timer that stop() clears', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const errors: unknown[] = [];
    const o = startOptimizing(db, { everyMs: 60_000, onError: (e) => errors.push(e) });
    expect(o.running).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(120_000);
    o.stop();
    expect(o.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('is stopped when the app closes', async () => {
    const app = await makeApp({ seed: false });
    expect(app.app.dbOptimizer.running).toBe(true);
    await app.close();
    expect(app.app.dbOptimizer.running).toBe(false);
  });
});
