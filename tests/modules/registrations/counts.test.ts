/**
 * The seat check and the organiser's counts read counts kept by triggers (db/009_speed.sql) instead
 * of counting a session's registrations. They must stay exactly what a count of the rows says
 * through everything that changes a registration, and the queries must never read the session's
 * registrations one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApp, type TestApp } from '../../helpers/app.js';
import { newSession } from '../../helpers/sessions.js';
import { optimizeAtOpen } from '../../../src/core/db/optimize.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
});
afterAll(async () => t.close());

const person = (n: number) => ({
  name: `Person ${n}`,
  email: `person${n}@example.org`,
  organisation: 'Municipality',
  orgType: 'public',
  hubId: '',
  country: 'LT',
  language: 'en',
  zone: 'Europe/Vilnius',
  consent: 'on',
});

const STATUSES = ['pending', 'confirmed', 'waitlisted', 'cancelled', 'expired'] as const;

/** What a plain count of the rows says, for every session. */
function groundTruth(now: number) {
  const counts = t.db.prepare('SELECT session_id, status, count(*) AS n FROM registrations GROUP BY session_id, status').all() as { session_id: number; status: string; n: number }[];
  const seats = t.db
    .prepare(`SELECT session_id, count(*) AS n FROM registrations WHERE status = 'confirmed' OR (status = 'pending' AND hold_until > ?) GROUP BY session_id`)
    .all(now) as { session_id: number; n: number }[];
  const held = t.db.prepare(`SELECT session_id, count(*) AS n FROM registrations WHERE status = 'pending' AND hold_until > ? GROUP BY session_id`).all(now) as { session_id: number; n: number }[];
  return { counts, seats, held };
}

/** Compares the kept counts of every session with the ground truth. */
function expectExact(sessionIds: number[]) {
  const now = t.clock.now();
  const truth = groundTruth(now);
  for (const id of sessionIds) {
    const expected = Object.fromEntries(STATUSES.map((s) => [s, truth.counts.find((r) => r.session_id === id && r.status === s)?.n ?? 0]));
    expect(t.services.registrations.statusCounts(id), `counts of session ${id}`).toEqual(expected);
    expect(t.services.registrations.seatsTaken(id), `seats of session ${id}`).toBe(truth.seats.find((r) => r.session_id === id)?.n ?? 0);
    expect(t.services.repos.registrations.pendingHeld(id, now), `holds of session ${id}`).toBe(truth.held.find((r) => r.session_id === id)?.n ?? 0);
  }
  // No count is ever left below zero or kept for a session that is gone.
  expect(t.db.prepare('SELECT count(*) AS n FROM registration_counts WHERE n < 0 OR session_id NOT IN (SELECT id FROM sessions)').get()).toEqual({ n: 0 });
}

describe('kept registration counts', () => {
  it('stay exact through register, confirm, cancel, promotion, hold expiry, organiser moves, capacity changes, erasure, session cancel and deletion', () => {
    const admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
    const reg = t.services.registrations;
    const optIn = newSession(t, { title: 'Double opt-in', capacity: 4, doubleOptIn: true });
    const direct = newSession(t, { title: 'Direct', capacity: 2, doubleOptIn: false });
    const ids = [optIn.id, direct.id];
    expectExact(ids);

    // Registering: pending (holding a seat or not), confirmed, waitlisted.
    const a = Array.from({ length: 7 }, (_, i) => reg.register(optIn.id, person(i)).registration);
    const b = Array.from({ length: 4 }, (_, i) => reg.register(direct.id, person(100 + i)).registration);
    expect(b.map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted']);
    expectExact(ids);

    // Confirming the address: a held seat becomes confirmed.
    reg.confirm(reg.tokenFor(a[0]!));
    reg.confirm(reg.tokenFor(a[5]!));
    expectExact(ids);

    // Cancelling: the first in line is promoted.
    const promotedBefore = reg.statusCounts(direct.id).waitlisted;
    reg.cancel(reg.get(b[0]!.id));
    expect(reg.statusCounts(direct.id).waitlisted).toBe(promotedBefore - 1);
    expectExact(ids);

    // An organiser adds someone (confirmed at once or waitlisted), and moves someone off the waitlist after raising the capacity.
    reg.register(direct.id, person(200), 'organiser');
    t.services.sessions.update(direct.id, { capacity: 5 }, admin);
    expectExact(ids);
    const waiting = reg.list(direct.id, { all: true }, { status: 'waitlisted' });
    for (const w of waiting) reg.moveFromWaitlist(w.id);
    expectExact(ids);

    // Holds run out: first only by the clock (the seat is free again at once), then expired by the maintenance run.
    t.clock.advance(49 * 3_600_000);
    expectExact(ids);
    reg.expireHolds();
    expectExact(ids);

    // A cancelled registration is taken up again; a person erases their data.
    reg.register(direct.id, person(100));
    reg.erase(reg.tokenFor(reg.get(b[1]!.id)));
    expectExact(ids);

    // The session is cancelled; the retention run anonymises; the session is deleted.
    t.services.sessions.cancel(optIn.id, admin);
    expectExact(ids);
    t.clock.advance(400 * 86_400_000);
    reg.anonymiseExpired();
    expectExact(ids);
    t.db.prepare('DELETE FROM outbox WHERE session_id = ?').run(direct.id);
    t.db.prepare('DELETE FROM sessions WHERE id = ?').run(direct.id);
    expectExact([optIn.id]);
    expect(t.db.prepare('SELECT count(*) AS n FROM registration_counts WHERE session_id = ?').get(direct.id)).toEqual({ n: 0 });
  });

  it('seat checks and counts read the kept counts and one short index range, never the session’s registrations', () => {
    const s = newSession(t, { title: 'Large', date: '2027-04-15', capacity: 100000, doubleOptIn: false });
    const hold = t.clock.now() + 3_600_000;
    t.db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
      INSERT INTO registrations (session_id, status, name, email, email_norm, org_type, country, language, zone, consent_version, consent_at, token_nonce, token_hash, hold_until, waitlisted_at, created_at, updated_at)
      SELECT ${s.id}, CASE WHEN i % 10 = 0 THEN 'cancelled' WHEN i % 7 = 0 THEN 'pending' WHEN i % 11 = 0 THEN 'waitlisted' ELSE 'confirmed' END,
        'P', 'bulk' || i || '@example.org', 'bulk' || i || '@example.org', 'public', 'LT', 'en', 'Europe/Vilnius', 'v', 0, 'n' || i, 'bulk-hash-' || i,
        CASE WHEN i % 7 = 0 THEN ${hold} END, CASE WHEN i % 11 = 0 THEN i END, 0, 0 FROM n`);
    optimizeAtOpen(t.db);
    expectExact([s.id]);

    const plan = (sql: string, params: unknown) => (t.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);
    // The repository's own statements, as prepared.
    const stmts = (t.services.repos.registrations as unknown as { s: Record<string, { source: string }> }).s;
    const seats = plan(must(stmts.seatsTaken, 'seatsTaken').source, { sessionId: s.id, now: t.clock.now() });
    expect(seats).toContain('SEARCH registration_counts USING PRIMARY KEY (session_id=? AND status=?)');
    expect(seats).toContain('SEARCH registrations USING COVERING INDEX registrations_pending_hold (session_id=? AND hold_until<?)');
    const held = plan(must(stmts.pendingHeld, 'pendingHeld').source, { sessionId: s.id, now: t.clock.now() });
    expect(held).toContain('SEARCH registrations USING COVERING INDEX registrations_pending_hold (session_id=? AND hold_until<?)');
    expect(plan(must(stmts.statusCounts, 'statusCounts').source, [s.id])).toEqual(['SEARCH registration_counts USING PRIMARY KEY (session_id=?)']);
    for (const detail of [...seats, ...held]) {
      expect(detail).not.toMatch(/SCAN registrations|registrations_session_status|TEMP B-TREE/);
    }
    // The waitlist position is a range of the waitlist index up to the person, not the whole session.
    expect(plan(must(stmts.waitlistPosition, 'waitlistPosition').source, [1])).toContain('SEARCH r USING COVERING INDEX registrations_waitlist (session_id=? AND waitlisted_at<?)');

    // The retention run picks the sessions past the period first, then reads only their registrations
    // not yet anonymised: never every registration of every session (it runs every minute, in a write transaction).
    const due = plan(must(stmts.dueForAnonymising, 'dueForAnonymising').source, { before: t.clock.now() });
    expect(due).toContain('SEARCH r USING INDEX registrations_live (session_id=?)');
    for (const detail of due) expect(detail).not.toMatch(/SCAN r\b|SCAN registrations|registrations_session_status|TEMP B-TREE/);

    // And registering on the full session still answers right.
    const r = t.services.registrations.register(s.id, person(9999));
    expect(r.outcome).toBe('confirmed');
    expectExact([s.id]);
  });
});
