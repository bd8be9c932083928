import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { immediate } from '../../../src/core/db/open.js';
import { Dispatcher } from '../../../src/core/outbox/dispatcher.js';
import { enqueue, ensureQueued, requeue, retime, withdraw } from '../../../src/core/outbox/queue.js';
import { getMail, listMail, mailSummary } from '../../../src/modules/mail/repository.js';
import { createLocalTransport } from '../../../src/core/outbox/transport.js';
import { formatInZone } from '../../../src/core/time/index.js';
import { createTestDb, emailConfig, insertSession, noticeInput, T0, type TestDb } from '../../helpers/email-fixtures.js';
import { createEmailKinds } from '../../../src/email-kinds.js';

let t: TestDb;
let clock: ManualClock;

beforeEach(() => {
  t = createTestDb();
  clock = new ManualClock(T0);
});
afterEach(() => t.cleanup());

const count = () => (t.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;

describe('enqueue', () => {
  it('commits the email together with the change that caused it, or neither', () => {
    t.db.exec('CREATE TABLE registrations_probe (id INTEGER PRIMARY KEY, email TEXT)');
    expect(() =>
      immediate(t.db, () => {
        t.db.prepare('INSERT INTO registrations_probe (email) VALUES (?)').run('ann@example.org');
        expect(enqueue(t.db, noticeInput(1), clock)).toBeTypeOf('number');
        throw new Error('the registration failed after the email was queued');
      }),
    ).toThrow(/registration failed/);
    expect(count()).toBe(0);
    expect((t.db.prepare('SELECT count(*) AS n FROM registrations_probe').get() as { n: number }).n).toBe(0);

    immediate(t.db, () => {
      t.db.prepare('INSERT INTO registrations_probe (email) VALUES (?)').run('ann@example.org');
      enqueue(t.db, noticeInput(1), clock);
    });
    expect(count()).toBe(1);
  });

  it('queues one row per dedupe key, however often it is asked', () => {
    const first = enqueue(t.db, noticeInput(7), clock);
    const second = enqueue(t.db, noticeInput(7, { payload: { subject: 'changed', body: 'changed' } }), clock);
    const third = immediate(t.db, () => enqueue(t.db, noticeInput(7), clock));
    expect(first).toBeTypeOf('number');
    expect(second).toBeNull();
    expect(third).toBeNull();
    expect(count()).toBe(1);
    expect(getMail(t.db, first!)?.recipientEmail).toBe('user7@example.org');
  });

  it('refuses addresses that could smuggle recipients or headers, and unknown zones or languages', () => {
    for (const email of ['a@b.example\r\nBcc: x@y.example', 'a@b.example, c@d.example', 'Ann <a@b.example>', 'no-at-sign', '']) {
      expect(() => enqueue(t.db, noticeInput(1, { to: { email } }), clock), email).toThrow(/valid email/);
    }
    expect(() => enqueue(t.db, noticeInput(1, { zone: 'Etc/GMT+2' }), clock)).toThrow(/IANA/);
    expect(() => enqueue(t.db, noticeInput(1, { language: 'xx' }), clock)).toThrow(/language/);
    expect(count()).toBe(0);
  });

  it('stores a recipient name on one line', () => {
    const id = enqueue(t.db, noticeInput(1, { to: { email: 'eve@example.org', name: 'Eve\r\nBcc: mallory@example.net' } }), clock)!;
    expect(getMail(t.db, id)?.recipientName).toBe('Eve Bcc: mallory@example.net');
  });
});

describe('withdraw, retime, requeue', () => {
  it('withdraws only what has not been sent, by session or by dedupe-key prefix', async () => {
    const s1 = insertSession(t.db);
    const s2 = insertSession(t.db);
    const a = enqueue(t.db, noticeInput(1, { sessionId: s1.id, dedupeKey: 'registration:1:reminder:PT1H' }), clock)!;
    const b = enqueue(t.db, noticeInput(2, { sessionId: s1.id, dedupeKey: 'registration:1:reminder:P1D' }), clock)!;
    const c = enqueue(t.db, noticeInput(3, { sessionId: s1.id, dedupeKey: 'registration:10:reminder:PT1H' }), clock)!;
    const d = enqueue(t.db, noticeInput(4, { sessionId: s2.id, dedupeKey: 'registration:2:confirmation' }), clock)!;
    const sent = enqueue(t.db, noticeInput(5, { sessionId: s2.id, dedupeKey: 'registration:2:reminder:PT1H' }), clock)!;
    // Send only the last one: the others wait for tomorrow.
    retime(t.db, { sessionId: s1.id }, { notBefore: T0 + 86_400_000 }, clock);
    retime(t.db, { id: d }, { notBefore: T0 + 86_400_000 }, clock);
    const dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock, config: emailConfig(), transport: createLocalTransport() });
    expect((await dispatcher.runOnce()).sent).toBe(1);

    expect(withdraw(t.db, { dedupePrefix: 'registration:1:' }, clock, 'registration cancelled')).toBe(2);
    expect(getMail(t.db, a)?.status).toBe('withdrawn');
    expect(getMail(t.db, b)?.status).toBe('withdrawn');
    expect(getMail(t.db, c)?.status).toBe('queued');
    expect(withdraw(t.db, { sessionId: s2.id }, clock, 'session cancelled')).toBe(1);
    expect(getMail(t.db, d)?.status).toBe('withdrawn');
    expect(getMail(t.db, d)?.withdrawnReason).toBe('session cancelled');
    expect(getMail(t.db, sent)?.status).toBe('sent');
    expect(() => withdraw(t.db, {}, clock)).toThrow();

    // Withdrawn rows are never sent, even once due.
    clock.advance(2 * 86_400_000);
    const r = await dispatcher.runOnce();
    expect(r.sent).toBe(1); // only c
    expect(getMail(t.db, c)?.status).toBe('sent');
    expect(getMail(t.db, a)?.status).toBe('withdrawn');
    await dispatcher.stop();
  });

  it('ensureQueued re-times a queued row, revives a withdrawn one, and never touches a sent one', async () => {
    const input = noticeInput(1, { dedupeKey: 'registration:1:reminder:PT1H', notBefore: T0 + 3_600_000, deadline: T0 + 7_200_000 });
    const id = ensureQueued(t.db, input, clock)!;
    expect(ensureQueued(t.db, { ...input, notBefore: T0 + 1_800_000 }, clock)).toBe(id);
    expect(getMail(t.db, id)).toMatchObject({ status: 'queued', notBefore: T0 + 1_800_000 });

    // The session moves: withdraw the unsent reminders, then queue the right ones again (one transaction).
    immediate(t.db, () => {
      withdraw(t.db, { sessionId: undefined, dedupePrefix: 'registration:1:' }, clock, 'session changed');
      expect(ensureQueued(t.db, { ...input, zone: 'Europe/Rome', notBefore: T0 + 60_000 }, clock)).toBe(id);
    });
    expect(getMail(t.db, id)).toMatchObject({ status: 'queued', zone: 'Europe/Rome', notBefore: T0 + 60_000, withdrawnReason: null });
    expect(count()).toBe(1);

    clock.set(T0 + 60_000);
    const dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock, config: emailConfig(), transport: createLocalTransport() });
    expect((await dispatcher.runOnce()).sent).toBe(1);
    expect(ensureQueued(t.db, input, clock)).toBeNull();
    expect(getMail(t.db, id)).toMatchObject({ status: 'sent', attempts: 1 });
    await dispatcher.stop();
  });

  it('moves a queued row and puts a failed one back with the same Message-ID', () => {
    const id = enqueue(t.db, noticeInput(1, { notBefore: T0 + 3_600_000, deadline: T0 + 7_200_000 }), clock)!;
    expect(retime(t.db, { dedupeKey: 'test:1:notice' }, { notBefore: T0 + 60_000, deadline: null }, clock)).toBe(1);
    expect(getMail(t.db, id)).toMatchObject({ notBefore: T0 + 60_000, deadline: null });

    withdraw(t.db, { id }, clock, 'by mistake');
    expect(requeue(t.db, id, clock)).toBe(true);
    expect(getMail(t.db, id)).toMatchObject({ status: 'queued', attempts: 0, notBefore: T0 });
    expect(requeue(t.db, id, clock)).toBe(false); // already queued
  });
});

describe('local mailbox (no SMTP_URL)', () => {
  it('keeps every email as rendered, for the organiser mail page', async () => {
    const session = insertSession(t.db, { title: 'Cybersecurity clinic' });
    const id = enqueue(
      t.db,
      {
        kind: 'notice',
        dedupeKey: 'registration:3:notice:1',
        to: { email: 'nikos@example.org', name: 'Νίκος' },
        language: 'el',
        zone: 'Europe/Athens',
        sessionId: session.id,
        payload: { subject: 'Αλλαγή αίθουσας', body: 'Θα χρησιμοποιήσουμε νέο σύνδεσμο.\n\nΕυχαριστούμε.' },
      },
      clock,
    )!;
    expect(mailSummary(t.db).counts.queued).toBe(1);

    const dispatcher = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock, config: emailConfig() });
    expect(dispatcher.transportKind).toBe('local');
    const r = await dispatcher.runOnce();
    await dispatcher.stop();
    expect(r).toMatchObject({ claimed: 1, sent: 1, failed: 0 });

    const mail = getMail(t.db, id)!;
    expect(mail.status).toBe('sent');
    expect(mail.transport).toBe('local');
    expect(mail.subject).toBe('Αλλαγή αίθουσας');
    expect(mail.messageId).toMatch(/^<outbox-\d+\.[0-9a-f]+@kairos\.example>$/);
    expect(mail.text).toContain('Γεια σας Νίκος,');
    expect(mail.text).toContain('Θα χρησιμοποιήσουμε νέο σύνδεσμο.');
    expect(mail.text).toContain(formatInZone(session.startUtc, 'Europe/Athens', 'el'));
    expect(mail.html).toContain('lang="el"');
    expect(mail.html).toContain(`https://kairos.example/sessions/${session.id}`);

    const summary = mailSummary(t.db, { now: clock.now() });
    expect(summary.counts).toMatchObject({ sent: 1, queued: 0, failed: 0 });
    expect(summary.pause.paused).toBe(false);
    expect(summary.lastSentAt).toBe(T0);

    const list = listMail(t.db, { status: 'sent', limit: 10 });
    expect(list.total).toBe(1);
    expect(list.rows[0]).toMatchObject({ id, sessionTitle: 'Cybersecurity clinic', subject: 'Αλλαγή αίθουσας' });
    expect(listMail(t.db, { status: 'failed' }).total).toBe(0);
    expect(listMail(t.db, { sessionId: session.id }).total).toBe(1);

    // A hub sees only mail about its own sessions.
    const hubId = (t.db.prepare('SELECT hub_id FROM sessions WHERE id = ?').get(session.id) as { hub_id: number }).hub_id;
    expect(listMail(t.db, { hubId }).total).toBe(1);
    expect(listMail(t.db, { hubId: hubId + 1000 }).total).toBe(0);
    expect(getMail(t.db, id, { hubId: hubId + 1000 })).toBeUndefined();
    expect(mailSummary(t.db, { hubId: hubId + 1000 }).total).toBe(0);
  });
});
