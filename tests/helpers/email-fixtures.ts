/**
 * Fixtures for email tests: a migrated temporary SQLite file, a session to write about, a config.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../src/core/db/migrate.js';
import { openDatabase, type DB } from '../../src/core/db/open.js';
import type { EmailConfig } from '../../src/core/outbox/types.js';

/** 2021-07-01T09:00:00Z: a fixed "now" for ManualClock. */
export const T0 = Date.parse('2021-07-01T09:00:00Z');

export interface TestDb {
  db: DB;
  file: string;
  dir: string;
  /** Opens another connection to the same file (as a second process would). */
  reopen(): DB;
  cleanup(): void;
}

/** A fresh, migrated database in a temporary directory. */
export function createTestDb(): TestDb {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kairos-email-'));
  const file = path.join(dir, 'test.sqlite');
  const db = openDatabase(file);
  migrate(db);
  const extra: DB[] = [];
  return {
    db,
    file,
    dir,
    reopen() {
      const d = openDatabase(file);
      extra.push(d);
      return d;
    },
    cleanup() {
      for (const d of [...extra, db]) if (d.open) d.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function emailConfig(overrides: Partial<EmailConfig> = {}): EmailConfig {
  return {
    smtpUrl: undefined,
    mailFrom: 'Kairos <no-reply@kairos.example>',
    publicUrl: 'https://kairos.example',
    dispatcherIntervalMs: 100,
    ...overrides,
  };
}

export interface TestSession {
  id: number;
  slug: string;
  title: string;
  zone: string;
  startUtc: number;
}

let counter = 0;

/**
 * Inserts a hub and a scheduled session: by default 15 July 2021, 11:00 Europe/Athens
 * (08:00 UTC), 90 minutes.
 */
export function insertSession(
  db: DB,
  s: { title?: string; zone?: string; startUtc?: number; status?: 'scheduled' | 'cancelled' } = {},
): TestSession {
  counter++;
  const now = T0;
  const hub = db
    .prepare(
      `INSERT INTO hubs (slug, name, country, country_code, zone, language, contact_email, created_at)
       VALUES (?, 'Test hub', 'Greece', 'GR', 'Europe/Athens', 'el', 'hub@kairos.example', ?) RETURNING id`,
    )
    .get(`hub-${counter}-${process.pid}`, now) as { id: number };
  const title = s.title ?? 'Digital skills for SMEs';
  const zone = s.zone ?? 'Europe/Athens';
  const startUtc = s.startUtc ?? Date.parse('2021-07-15T08:00:00Z');
  const slug = `session-${counter}-${process.pid}`;
  const row = db
    .prepare(
      `INSERT INTO sessions (slug, hub_id, title, status, start_date, start_time, zone, duration_minutes, start_utc, end_utc,
         calendar_uid, created_at, updated_at)
       VALUES (?, ?, ?, ?, '2021-07-15', '11:00', ?, 90, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(slug, hub.id, title, s.status ?? 'scheduled', zone, startUtc, startUtc + 90 * 60_000, `${slug}@kairos.example`, now, now) as {
    id: number;
  };
  return { id: row.id, slug, title, zone, startUtc };
}

/** Queues `n` notices (to user1@example.org, user2@...) and returns their ids. */
export function noticeInput(i: number, extra: Record<string, unknown> = {}) {
  return {
    kind: 'notice',
    dedupeKey: `test:${i}:notice`,
    to: { email: `user${i}@example.org`, name: `User ${i}` },
    language: 'en',
    zone: 'Europe/Athens',
    payload: { subject: `Notice ${i}`, body: `Body of notice ${i}` },
    ...extra,
  };
}
