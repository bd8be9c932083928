import { ALL } from '../../../src/core/access/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../../src/core/db/migrate.js';
import { openDatabase } from '../../../src/core/db/open.js';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { ADMIN, makeApp } from '../../helpers/app.js';
import { FOLLOW_UP_SLUG } from '../../../src/seed/seed.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kairos-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('apply once, in order, and a second run changes nothing', () => {
    const db = openDatabase(path.join(dir, 'a.sqlite'));
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{3}_.*\.sql$/.test(f));
    const applied = migrate(db);
    expect(applied).toEqual(files.map((f) => Number(f.slice(0, 3))).sort((a, b) => a - b));
    expect(migrate(db)).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('keep the data of a database migrated by an earlier version when the sessions table is rebuilt', () => {
    // Migrate a database up to 006, write a session with hosts, a registration and an outbox row, then apply the rest.
    const early = path.join(dir, 'early');
    mkdirSync(early);
    for (const f of readdirSync(MIGRATIONS_DIR).filter((x) => /^00[1-6]_.*\.sql$/.test(x))) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(early, f));
    const db = openDatabase(path.join(dir, 'b.sqlite'));
    migrate(db, early);
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    db.exec(`INSERT INTO hubs (id, slug, name, country, country_code, zone, language, contact_email, created_at) VALUES (1, 'h', 'Hub', 'Greece', 'GR', 'Europe/Athens', 'el', 'h@example.org', 0), (2, 'h2', 'Hub 2', 'Cyprus', 'CY', 'Asia/Nicosia', 'el', 'h2@example.org', 0);
      INSERT INTO sessions (id, slug, hub_id, title, status, start_date, start_time, zone, duration_minutes, start_utc, end_utc, calendar_uid, sequence, created_at, updated_at, reminder_offsets)
        VALUES (7, 's', 1, 'Τίτλος', 'scheduled', '2026-04-01', '10:00', 'Europe/Athens', 60, 1775026800000, 1775030400000, 'uid@x', 3, 0, 0, '[60]');
      INSERT INTO session_hosts (session_id, hub_id) VALUES (7, 2);
      INSERT INTO registrations (id, session_id, status, name, email, email_norm, org_type, country, language, zone, consent_version, consent_at, token_nonce, token_hash, created_at, updated_at)
        VALUES (9, 7, 'confirmed', 'N', 'n@example.org', 'n@example.org', 'public', 'GR', 'el', 'Europe/Athens', 'v', 0, 'nonce', 'hash', 0, 0);
      INSERT INTO outbox (kind, dedupe_key, recipient_email, zone, session_id, registration_id, not_before, created_at, updated_at)
        VALUES ('notice', 'k', 'n@example.org', 'Europe/Athens', 7, 9, 0, 0, 0);`);
    expect(migrate(db)).toContain(7);
    const row = db.prepare('SELECT title, sequence, reminder_offsets, start_utc FROM sessions WHERE id = 7').get();
    expect(row).toEqual({ title: 'Τίτλος', sequence: 3, reminder_offsets: '[60]', start_utc: 1775026800000 });
    expect(db.prepare('SELECT hub_id FROM session_hosts WHERE session_id = 7').all()).toEqual([{ hub_id: 2 }]);
    expect(db.prepare('SELECT count(*) AS n FROM registrations WHERE session_id = 7').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT session_id FROM outbox').get()).toEqual({ session_id: 7 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // the references still work: deleting the session cascades to its hosts and registrations
    db.prepare('DELETE FROM outbox').run();
    db.prepare('DELETE FROM sessions WHERE id = 7').run();
    expect(db.prepare('SELECT count(*) AS n FROM registrations').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM session_hosts').get()).toEqual({ n: 0 });
    db.close();
  });

  it('let a tentative session without a date be cancelled', async () => {
    const t = await makeApp({ now: '2026-03-01T09:00:00Z' });
    try {
      const admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
      // A tentative session with no date can now be cancelled.
      const f = t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG)!;
      t.services.registrations.register(f.id, { name: 'A', email: 'a@example.org', orgType: 'public', country: 'GR', zone: 'Europe/Athens', consent: true }, 'api');
      const cancelled = t.services.sessions.cancel(f.id, admin);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.startDate).toBeNull();
      expect(t.services.repos.registrations.list(f.id, ALL)).toHaveLength(1);
      expect(t.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('start the kept counts from the registrations and mail already there', () => {
    const early = path.join(dir, 'before-counts');
    mkdirSync(early);
    for (const f of readdirSync(MIGRATIONS_DIR).filter((x) => /^00[1-8]_.*\.sql$/.test(x))) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(early, f));
    const db = openDatabase(path.join(dir, 'c.sqlite'));
    migrate(db, early);
    db.exec(`INSERT INTO hubs (id, slug, name, country, country_code, zone, language, contact_email, created_at) VALUES (1, 'h', 'Hub', 'Greece', 'GR', 'Europe/Athens', 'el', 'h@example.org', 0);
      INSERT INTO sessions (id, slug, hub_id, title, status, start_date, start_time, zone, duration_minutes, start_utc, end_utc, calendar_uid, sequence, created_at, updated_at)
        VALUES (7, 's', 1, 'T', 'scheduled', '2026-04-01', '10:00', 'Europe/Athens', 60, 1775026800000, 1775030400000, 'uid@x', 0, 0, 0);
      INSERT INTO registrations (session_id, status, name, email, email_norm, org_type, country, language, zone, consent_version, consent_at, token_nonce, token_hash, hold_until, created_at, updated_at)
        VALUES (7, 'confirmed', 'A', 'a@example.org', 'a@example.org', 'public', 'GR', 'el', 'Europe/Athens', 'v', 0, 'n1', 'h1', NULL, 0, 0),
               (7, 'confirmed', 'B', 'b@example.org', 'b@example.org', 'public', 'GR', 'el', 'Europe/Athens', 'v', 0, 'n2', 'h2', NULL, 0, 0),
               (7, 'pending', 'C', 'c@example.org', 'c@example.org', 'public', 'GR', 'el', 'Europe/Athens', 'v', 0, 'n3', 'h3', 5000, 0, 0),
               (7, 'pending', 'D', 'd@example.org', 'd@example.org', 'public', 'GR', 'el', 'Europe/Athens', 'v', 0, 'n4', 'h4', NULL, 0, 0),
               (7, 'cancelled', 'E', 'e@example.org', 'e@example.org', 'public', 'GR', 'el', 'Europe/Athens', 'v', 0, 'n5', 'h5', NULL, 0, 0);
      INSERT INTO outbox (kind, dedupe_key, recipient_email, zone, status, not_before, created_at, updated_at)
        VALUES ('notice', 'k1', 'a@example.org', 'Europe/Athens', 'queued', 0, 0, 0), ('notice', 'k2', 'a@example.org', 'Europe/Athens', 'sent', 0, 0, 0),
               ('notice', 'k3', 'b@example.org', 'Europe/Athens', 'sent', 0, 0, 0);`);
    expect(migrate(db)).toContain(9);
    expect(db.prepare('SELECT status, n FROM registration_counts WHERE session_id = 7 ORDER BY status').all()).toEqual([
      { status: 'cancelled', n: 1 },
      { status: 'confirmed', n: 2 },
      { status: 'held', n: 1 },
      { status: 'pending', n: 2 },
    ]);
    expect(db.prepare('SELECT status, n FROM outbox_counts ORDER BY status').all()).toEqual([
      { status: 'queued', n: 1 },
      { status: 'sent', n: 2 },
    ]);
    db.close();
  });
});
