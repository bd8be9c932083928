/**
 * The large database of `npm run bench`: 1,000 sessions, 100,000 registrations (50,000 of them on
 * one upcoming session) and 1,000,000 outbox rows, written by direct SQL in one transaction per
 * table. The schema and the seed come from Kairos itself (migrations, seed); the rows satisfy every
 * CHECK and foreign key of db/*.sql and look like a year of use:
 *
 * - sessions from 170 days back to a year ahead (inside the retention period, so that nothing is
 *   due for anonymising), every hub, some co-hosted, some in series; past ones mostly completed,
 *   future ones mostly scheduled, some tentative or cancelled;
 * - registrations in every hub's country, language and zone; confirmed, cancelled, pending,
 *   expired; past ones partly attended;
 * - ten outbox rows per registration: past mail sent (some failed, expired, withdrawn), reminders of
 *   upcoming sessions queued for later. Nothing is due.
 *
 * No ANALYZE: the app runs it (or not) itself. Deterministic (a fixed pseudo-random sequence);
 * dates are relative to today.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { migrate } from '../src/core/db/migrate.js';
import { openDatabase } from '../src/core/db/open.js';
import { wallToInstant } from '../src/core/time/index.js';
import { REG_EMAIL } from '../src/modules/registrations/service-types.js';
import { PRIVACY_VERSION } from '../src/modules/registrations/validate.js';
import { seed } from '../src/seed/seed.js';
import { createServices } from '../src/services.js';
import { nowMs } from './stats.js';

export const LARGE = { sessions: 1_000, registrations: 100_000, bigSession: 50_000, outboxPerRegistration: 10 } as const;

export interface LargeDb {
  /** The upcoming session holding 50,000 registrations (capacity 100,000, no double opt-in). */
  bigSessionId: number;
  counts: { sessions: number; registrations: number; outbox: number; queued: number };
  ms: { schema: number; sessions: number; registrations: number; outbox: number; total: number };
  bytes: number;
}

const DAY = 86_400_000;

/** A small deterministic generator (mulberry32). */
function rng(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GenSession {
  id: number;
  status: string;
  startUtc: number | null;
  hubId: number;
  big: boolean;
}

export function generateLargeDb(file: string): LargeDb {
  const t0 = nowMs();
  // Schema and seed, by Kairos itself.
  const config = loadConfig({ ...process.env, DATABASE_PATH: file }, path.join(path.dirname(file), 'no.env'));
  const kdb = openDatabase(file);
  migrate(kdb);
  seed(kdb, createServices({ db: kdb, clock: systemClock, config }), systemClock);
  kdb.close();
  const tSchema = nowMs();

  const db = new Database(file);
  // Only while generating: the rollback journal in memory (better-sqlite3's defensive mode refuses
  // OFF), no sync; the app opens the file in WAL mode afterwards.
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -262144');
  const rand = rng(12);
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  const hubs = db.prepare('SELECT id, zone, language, country_code AS country FROM hubs ORDER BY id').all() as { id: number; zone: string; language: string; country: string }[];
  const seedSeries = (db.prepare('SELECT id FROM series ORDER BY id').all() as { id: number }[]).map((r) => r.id);

  // ---------------------------------------------------------------- sessions
  const sessions: GenSession[] = [];
  const bigIndex = Math.round(((30 + 170) * LARGE.sessions) / 535);
  db.transaction(() => {
    const addSeries = db.prepare('INSERT INTO series (slug, title, description, created_at) VALUES (?, ?, ?, ?)');
    const series = [...seedSeries];
    for (let i = 0; i < 30; i++) series.push(Number(addSeries.run(`bench-series-${i}`, `Series ${i + 1}: public services`, 'Sessions on one theme.', now - 200 * DAY).lastInsertRowid));
    const insert = db.prepare(
      `INSERT INTO sessions (slug, series_id, hub_id, title, description, status, start_date, start_time, zone, duration_minutes,
         start_utc, end_utc, time_stated, approx_month, approx_part, join_url, capacity, language, double_opt_in, calendar_uid,
         sequence, created_at, updated_at, cancelled_at)
       VALUES (@slug, @seriesId, @hubId, @title, @description, @status, @date, @time, @zone, @duration,
         @startUtc, @endUtc, 1, @approxMonth, @approxPart, @joinUrl, @capacity, @language, @doubleOptIn, @uid,
         @sequence, @createdAt, @updatedAt, @cancelledAt)`,
    );
    const host = db.prepare('INSERT INTO session_hosts (session_id, hub_id) VALUES (?, ?)');
    const seriesHub = db.prepare('INSERT OR IGNORE INTO series_hubs (series_id, hub_id) VALUES (?, ?)');
    const times = ['09:00', '10:30', '11:00', '14:00', '16:30'];
    for (let i = 0; i < LARGE.sessions; i++) {
      const hub = hubs[i % hubs.length]!;
      const big = i === bigIndex;
      const offset = -170 + Math.floor((i * 535) / LARGE.sessions);
      const date = new Date(Date.parse(today) + offset * DAY).toISOString().slice(0, 10);
      const time = times[i % times.length]!;
      const duration = [60, 90, 120][i % 3]!;
      const start = wallToInstant({ date, time, zone: hub.zone });
      const r = rand();
      let status = start < now ? (r < 0.05 ? 'cancelled' : r < 0.1 ? 'scheduled' : 'completed') : r < 0.08 ? 'tentative' : r < 0.12 ? 'cancelled' : 'scheduled';
      if (big) status = 'scheduled';
      const tentative = status === 'tentative';
      const created = Math.min(start, now) - 30 * DAY;
      const seriesId = i % 4 === 3 ? null : series[i % series.length]!;
      const id = Number(
        insert.run({
          slug: `bench-${i}-${date}`,
          seriesId,
          hubId: hub.id,
          title: big ? 'Open day: digital public services across Europe' : `Session ${i + 1}: interoperable public services`,
          description: 'An online session of the network: talks, a demonstration and questions. '.repeat(3).trim(),
          status,
          date: tentative ? null : date,
          time: tentative ? null : time,
          zone: hub.zone,
          duration,
          startUtc: tentative ? null : start,
          endUtc: tentative ? null : start + duration * 60_000,
          approxMonth: tentative ? date.slice(0, 7) : null,
          approxPart: tentative ? 'mid' : null,
          joinUrl: `https://meet.example.org/kairos-${i}`,
          capacity: big ? 100_000 : r < 0.5 ? null : 100 + (i % 5) * 100,
          language: i % 4 === 0 ? hub.language : 'en',
          doubleOptIn: big ? 0 : 1,
          uid: `bench-${i}-${date}@kairos.localhost`,
          sequence: i % 7 === 0 ? 1 : 0,
          createdAt: created,
          updatedAt: created,
          cancelledAt: status === 'cancelled' ? created + DAY : null,
        }).lastInsertRowid,
      );
      if (i % 5 === 0) host.run(id, hubs[(i + 3) % hubs.length]!.id);
      if (seriesId !== null) seriesHub.run(seriesId, hub.id);
      sessions.push({ id, status, startUtc: tentative ? null : start, hubId: hub.id, big });
    }
  })();
  const tSessions = nowMs();

  // ---------------------------------------------------------------- registrations
  const big = sessions.find((s) => s.big)!;
  const others = sessions.filter((s) => !s.big && s.startUtc !== null && (s.status === 'scheduled' || s.status === 'completed'));
  const orgTypes = ['public', 'public', 'public', 'sme', 'large', 'research', 'ngo', 'other'];
  db.transaction(() => {
    const insert = db.prepare(
      `INSERT INTO registrations (session_id, status, name, email, email_norm, organisation, org_type, hub_id, country, language, zone,
         consent_version, consent_at, followup_consent, followup_consent_at, answers, token_nonce, token_hash, email_verified_at,
         hold_until, waitlisted_at, confirmed_at, cancelled_at, cycle, source, created_at, updated_at, attended_at, attendance_source)
       VALUES (@sessionId, @status, @name, @email, @email, @organisation, @orgType, @hubId, @country, @language, @zone,
         @consentVersion, @created, @followup, @followupAt, '{}', @nonce, @tokenHash, @verifiedAt,
         @holdUntil, NULL, @confirmedAt, @cancelledAt, 1, @source, @created, @created, @attendedAt, @attendanceSource)`,
    );
    for (let k = 0; k < LARGE.registrations; k++) {
      const session = k < LARGE.bigSession ? big : others[k % others.length]!;
      const hub = hubs[k % hubs.length]!;
      const start = session.startUtc!;
      const created = Math.min(now - (1 + (k % 1440)) * 60_000 - (k % 45) * DAY, start - (1 + (k % 30)) * DAY);
      const r = rand();
      const past = start < now;
      const status = past ? (r < 0.88 ? 'confirmed' : r < 0.95 ? 'cancelled' : 'expired') : r < 0.95 ? 'confirmed' : r < 0.99 ? 'cancelled' : 'pending';
      const attended = past && status === 'confirmed' && r < 0.55;
      const email = `participant${k}@org${k % 997}.example.org`;
      const nonce = `bench${k}`;
      const name = `Participant ${k}`;
      insert.run({
          sessionId: session.id,
          status,
          name,
          email,
          organisation: `Municipality ${k % 500}`,
          orgType: orgTypes[k % orgTypes.length],
          hubId: k % 10 === 9 ? null : hub.id,
          country: hub.country,
          language: hub.language,
          zone: hub.zone,
          consentVersion: PRIVACY_VERSION,
          created,
          followup: k % 2,
          followupAt: k % 2 ? created : null,
          nonce,
          tokenHash: createHash('sha256').update(nonce).digest('hex'),
          verifiedAt: status === 'pending' || status === 'expired' ? null : created,
          holdUntil: status === 'pending' ? now + DAY : null,
          confirmedAt: status === 'confirmed' || status === 'cancelled' ? created : null,
          cancelledAt: status === 'cancelled' ? created + 3_600_000 : null,
          source: k % 5 === 0 ? 'api' : 'form',
          attendedAt: attended ? start + 5 * 60_000 : null,
          attendanceSource: attended ? 'link' : null,
      });
    }
  })();
  const tRegs = nowMs();

  // ---------------------------------------------------------------- outbox
  // Ten rows per registration, by one INSERT … SELECT (SQLite builds the million rows itself). The
  // "random" spread of outcomes is a hash of (registration id, row number): fixed from run to run.
  db.prepare(
    `INSERT INTO outbox (kind, dedupe_key, recipient_email, recipient_name, language, zone, session_id, registration_id, payload,
       message_id, status, attempts, not_before, deadline, last_error, last_error_code, last_attempt_at, sent_at, transport,
       smtp_response, withdrawn_reason, created_at, updated_at, rendered_subject, rendered_text)
     SELECT kind, 'registration:' || rid || ':1:' || kind || ':' || j, email, name, language, zone, sid, rid,
       CASE WHEN reminder THEN '{"offset":' || off || ',"startUtc":' || start || '}' ELSE '{}' END,
       CASE WHEN status IN ('sent', 'failed') THEN '<outbox-' || (rid * 10 + j) || '.' || ((rid * 10 + j) * 2654435761 % 4294967296) || '@kairos.localhost>' END,
       status, status IN ('sent', 'failed'), at, CASE WHEN reminder THEN start END,
       CASE status WHEN 'failed' THEN '550 5.1.1 mailbox unavailable' WHEN 'expired' THEN 'not sent before its deadline' END,
       CASE status WHEN 'failed' THEN '550' WHEN 'expired' THEN 'DEADLINE' END,
       CASE WHEN status IN ('sent', 'failed') THEN at END,
       CASE WHEN status = 'sent' THEN at END,
       CASE WHEN status IN ('sent', 'failed') THEN 'smtp' END,
       CASE WHEN status = 'sent' THEN '250 2.0.0 Ok: queued' END,
       CASE WHEN status = 'withdrawn' THEN 'registration cancelled' END,
       created, max(created, at),
       CASE WHEN status IN ('sent', 'failed') THEN 'Session ' || sid || ': ' || kind END,
       CASE WHEN status IN ('sent', 'failed') THEN 'Hello ' || name || ', this is about session ' || sid || '. Your personal link: [personal link removed]' END
     FROM (
       SELECT *, CASE WHEN later THEN 'queued' WHEN h < 970 THEN 'sent' WHEN h < 985 THEN 'failed' WHEN h < 990 THEN 'expired' ELSE 'withdrawn' END AS status,
         CASE WHEN later THEN start - off * 60000 ELSE min(@now - 1000, rcreated + j * 3600000) END AS at,
         CASE WHEN later THEN rcreated ELSE min(rcreated + j * 60000, @now - 1000) END AS created
       FROM (
         SELECT r.id AS rid, k.j AS j, r.email AS email, r.name AS name, r.language AS language, r.zone AS zone, s.id AS sid,
           s.start_utc AS start, r.created_at AS rcreated,
           CASE k.j WHEN 0 THEN @confirmed WHEN 1 THEN 'reminder' WHEN 2 THEN 'reminder' WHEN 3 THEN @link WHEN 4 THEN 'invite.update'
             WHEN 5 THEN 'notice' WHEN 6 THEN 'followup' WHEN 7 THEN 'invite.update' WHEN 8 THEN 'notice' ELSE @link END AS kind,
           k.j IN (1, 2) AS reminder, CASE k.j WHEN 1 THEN 1440 ELSE 60 END AS off,
           k.j IN (1, 2) AND s.start_utc - (CASE k.j WHEN 1 THEN 1440 ELSE 60 END) * 60000 > @now AS later,
           (r.id * 2654435761 + k.j * 40503) % 1000 AS h
         FROM registrations r JOIN sessions s ON s.id = r.session_id
         CROSS JOIN (SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
                     UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) k
         ORDER BY r.id, k.j
       )
     )`,
  ).run({ now, confirmed: REG_EMAIL.confirmed, link: REG_EMAIL.link });
  const queued = (db.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'queued'`).get() as { n: number }).n;
  const tOutbox = nowMs();
  db.pragma('journal_mode = WAL');
  const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const counts = { sessions: count('sessions'), registrations: count('registrations'), outbox: count('outbox'), queued };
  const fk = db.pragma('foreign_key_check') as unknown[];
  db.close();
  if (fk.length) throw new Error(`the large database breaks ${fk.length} foreign keys`);
  return {
    bigSessionId: big.id,
    counts,
    ms: { schema: tSchema - t0, sessions: tSessions - tSchema, registrations: tRegs - tSessions, outbox: tOutbox - tRegs, total: nowMs() - t0 },
    bytes: statSync(file).size,
  };
}
