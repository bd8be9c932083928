import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { ManualClock } from '../../../src/core/clock.js';
import { Dispatcher, type DispatcherOptions } from '../../../src/core/outbox/dispatcher.js';
import { enqueue, pauseState, resumeDispatch, withdraw } from '../../../src/core/outbox/queue.js';
import { getMail, mailSummary } from '../../../src/modules/mail/repository.js';
import { EmailKindRegistry } from '../../../src/core/outbox/registry.js';
import type { MailTransport } from '../../../src/core/outbox/transport.js';
import { noticeRenderer } from '../../../src/modules/sessions/emails.js';
import { renderLayout } from '../../../src/core/outbox/layout.js';
import { formatInZone } from '../../../src/core/time/index.js';
import { createTestDb, emailConfig, insertSession, noticeInput, T0, type TestDb } from '../../helpers/email-fixtures.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';
import { createEmailKinds } from '../../../src/email-kinds.js';
import { must } from '../../helpers/must.js';

let t: TestDb;
let clock: ManualClock;
let sink: SmtpSink;
const dispatchers: Dispatcher[] = [];
const transports: MailTransport[] = [];

beforeEach(async () => {
  t = createTestDb();
  clock = new ManualClock(T0);
  sink = await SmtpSink.start();
});
afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  for (const tr of transports.splice(0)) tr.close();
  await sink.close();
  t.cleanup();
});

/** A dispatcher on the test database sending to the sink (its own pooled transport, closed by stop()). */
function dispatcher(o: Partial<DispatcherOptions> = {}, smtpUrl = sink.url): Dispatcher {
  const d = new Dispatcher({ db: t.db, clock, config: emailConfig({ smtpUrl }), random: () => 0.5, ...o, registry: o.registry ?? createEmailKinds() });
  dispatchers.push(d);
  return d;
}

const row = (id: number) => getMail(t.db, id)!;

describe('delivery', () => {
  it('delivers a queued email once, with text and HTML parts, subject, sender, Message-ID and both time zones', async () => {
    const session = insertSession(t.db, { title: 'AI for manufacturing', zone: 'Europe/Athens' });
    const id = enqueue(
      t.db,
      {
        kind: 'notice',
        dedupeKey: 'registration:42:notice:1',
        to: { email: 'maria@example.org', name: 'María López' },
        language: 'en',
        zone: 'Atlantic/Canary',
        sessionId: session.id,
        payload: { subject: 'New join link & agenda', body: 'Please use the new link.\nSee you <soon>!' },
      },
      clock,
    )!;
    const d = dispatcher();
    const r = await d.runOnce();
    expect(r).toMatchObject({ claimed: 1, sent: 1, failed: 0, retried: 0, expired: 0 });
    expect(sink.messages).toHaveLength(1);

    const m = must(sink.messages[0], 'the delivered message');
    const stored = row(id);
    expect(stored.status).toBe('sent');
    expect(stored.attempts).toBe(1);
    expect(m.envelope.rcptTo).toEqual(['maria@example.org']);
    expect(m.envelope.mailFrom).toBe('no-reply@kairos.example');
    expect(m.parsed.subject).toBe('New join link & agenda');
    expect(m.parsed.from?.value[0]).toMatchObject({ address: 'no-reply@kairos.example', name: 'Kairos' });
    expect(m.parsed.to && !Array.isArray(m.parsed.to) ? m.parsed.to.value[0] : undefined).toMatchObject({
      address: 'maria@example.org',
      name: 'María López',
    });
    expect(m.messageId).toBe(stored.messageId);
    expect(m.messageId).toMatch(new RegExp(`^<outbox-${id}\\.[0-9a-f]{20}@kairos\\.example>$`));
    expect(m.parsed.date?.getTime()).toBe(T0);
    expect(m.parsed.headers.get('auto-submitted')).toBe('auto-generated');

    // Both parts, saying the same thing; the session time in the recipient's zone and in the session's.
    const canary = formatInZone(session.startUtc, 'Atlantic/Canary', 'en');
    const athens = formatInZone(session.startUtc, 'Europe/Athens', 'en');
    expect(canary).toContain('09:00');
    expect(athens).toContain('11:00');
    expect(m.parsed.text).toContain('Hello María López,');
    expect(m.parsed.text).toContain('See you <soon>!');
    expect(m.parsed.text).toContain(`Your time: ${canary}`);
    expect(m.parsed.text).toContain(`Session time: ${athens}`);
    expect(m.parsed.html).toBeTypeOf('string');
    const html = m.parsed.html as string;
    expect(html).toContain('See you &lt;soon&gt;!');
    expect(html).not.toContain('<soon>');
    expect(html).toContain(canary);
    expect(html).toContain(athens);
    expect(html).toContain(`href="https://kairos.example/sessions/${session.id}"`);

    // Nothing more to send.
    expect((await d.runOnce()).claimed).toBe(0);
    expect(sink.messages).toHaveLength(1);
  });

  it('writes in the recipient language', async () => {
    const session = insertSession(t.db);
    enqueue(t.db, { ...noticeInput(1), language: 'el', zone: 'Europe/Athens', sessionId: session.id, payload: { subject: 'Υπενθύμιση', body: 'Τα λέμε αύριο.' } }, clock);
    await dispatcher().runOnce();
    const text = must(sink.messages[0], 'the delivered message').parsed.text!;
    expect(text).toContain('Γεια σας User 1,');
    expect(text).toContain('Η ώρα σας: ' + formatInZone(session.startUtc, 'Europe/Athens', 'el'));
    expect(text).toContain('Ώρα της εκδήλωσης:');
  });

  it('carries a calendar invite the iMIP way', async () => {
    const registry = new EmailKindRegistry();
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Kairos//test//EN',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      'UID:session-1@kairos.example',
      'SEQUENCE:0',
      'DTSTAMP:20210701T090000Z',
      'DTSTART:20210715T080000Z',
      'DTEND:20210715T093000Z',
      'SUMMARY:AI for manufacturing',
      'ORGANIZER;CN=Kairos:mailto:no-reply@kairos.example',
      'ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:user1@example.org',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    registry.register('invite-test', () => {
      const { html, text } = renderLayout({ lang: 'en', subject: 'Invitation', blocks: [{ type: 'paragraph', text: 'You are invited.' }] });
      return { subject: 'Invitation', html, text, icalEvent: { method: 'REQUEST', content: ics } };
    });
    const id = enqueue(t.db, { ...noticeInput(1), kind: 'invite-test' }, clock)!;
    await dispatcher({ registry }).runOnce();
    const m = must(sink.messages[0], 'the delivered message');
    const raw = m.raw.toString('utf8');
    expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    const calendarPart = m.parsed.attachments.find((a) => a.contentType === 'text/calendar');
    expect(calendarPart).toBeDefined();
    const content = calendarPart!.content.toString('utf8');
    const vcalendar = ICAL.Component.fromString(content);
    expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const vevent = vcalendar.getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('uid')).toBe('session-1@kairos.example');
    expect(row(id).icalMethod).toBe('REQUEST');
    expect(row(id).ical).toContain('UID:session-1@kairos.example');
  });

  it('never lets a recipient name or an organiser subject create a header', async () => {
    const id = enqueue(
      t.db,
      {
        ...noticeInput(1),
        to: { email: 'eve@example.org', name: 'Eve\r\nBcc: mallory@example.net\r\nX-Injected: name' },
        payload: { subject: 'Hello\r\nX-Injected: subject\r\nBcc: mallory@example.net', body: 'Body\r\nX-Injected: body' },
      },
      clock,
    )!;
    await dispatcher().runOnce();
    expect(row(id).status).toBe('sent');
    expect(sink.messages).toHaveLength(1);
    const m = must(sink.messages[0], 'the delivered message');
    expect(m.envelope.rcptTo).toEqual(['eve@example.org']);
    expect(m.parsed.headers.has('bcc')).toBe(false);
    expect(m.parsed.headers.has('x-injected')).toBe(false);
    expect(m.parsed.subject).toBe('Hello X-Injected: subject Bcc: mallory@example.net');
    const headerBlock = m.raw.toString('utf8').split('\r\n\r\n')[0];
    expect(headerBlock).not.toMatch(/^(bcc|x-injected):/im);
    expect(sink.stats.rcptTo).toBe(1);
  });
});

describe('failures', () => {
  it('retries a 451 with growing delays and delivers on the third attempt', async () => {
    sink.reply('data', 451, 451);
    const id = enqueue(t.db, noticeInput(1), clock)!;
    const d = dispatcher();

    expect(await d.runOnce()).toMatchObject({ claimed: 1, sent: 0, retried: 1 });
    const first = row(id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1, lastErrorCode: '451' });
    expect(first.lastError).toMatch(/451/);
    const delay1 = first.notBefore - clock.now();
    expect(delay1).toBeGreaterThan(0);

    // Not due yet: nothing happens until the clock reaches the backoff.
    expect((await d.runOnce()).claimed).toBe(0);
    clock.set(first.notBefore);
    expect(await d.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    const second = row(id);
    expect(second.attempts).toBe(2);
    const delay2 = second.notBefore - clock.now();
    expect(delay2).toBeGreaterThan(delay1);

    clock.set(second.notBefore);
    expect(await d.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(row(id)).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(sink.messages).toHaveLength(1);
    expect(sink.stats.data).toBe(3);
  });

  it('fails a 550 at RCPT after one attempt and keeps the reply for the organiser', async () => {
    sink.reply('rcpt', { code: 550, message: '5.1.1 <nobody@example.org>: Recipient address rejected: User unknown' });
    const id = enqueue(t.db, noticeInput(1, { to: { email: 'nobody@example.org' } }), clock)!;
    const d = dispatcher();
    expect(await d.runOnce()).toMatchObject({ claimed: 1, sent: 0, failed: 1, retried: 0 });
    const r = row(id);
    expect(r).toMatchObject({ status: 'failed', attempts: 1, lastErrorCode: '550' });
    expect(r.lastError).toMatch(/User unknown/);
    expect(r.subject).toBe('Notice 1'); // the copy is kept so the organiser sees what was refused
    clock.advance(7 * 86_400_000);
    expect((await d.runOnce()).claimed).toBe(0);
    expect(sink.messages).toHaveLength(0);
    expect(mailSummary(t.db).counts.failed).toBe(1);
  });

  it('delivers everything queued while the relay was down once it is back', async () => {
    await sink.close();
    const ids = Array.from({ length: 20 }, (_, i) => enqueue(t.db, noticeInput(i), clock)!);
    const d = dispatcher({ batchSize: 50 });
    const down = await d.runOnce();
    expect(down).toMatchObject({ claimed: 20, sent: 0, failed: 0, retried: 20 });
    expect(row(must(ids[0], 'the first queued id')).lastErrorCode).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);

    await sink.reopen();
    // Not before the backoff...
    expect((await d.runOnce()).claimed).toBe(0);
    clock.set(Math.max(...ids.map((id) => row(id).notBefore)));
    const back = await d.runOnce();
    expect(back).toMatchObject({ claimed: 20, sent: 20 });
    expect(sink.messages).toHaveLength(20);
    expect(sink.duplicates()).toBe(0);
    expect(new Set(sink.messages.map((m) => m.envelope.rcptTo[0])).size).toBe(20);
  });

  it('pauses on an authentication failure without failing anything or burning attempts', async () => {
    await sink.close();
    sink = await SmtpSink.start({ auth: { user: 'kairos', pass: 'right' } });
    const ids = Array.from({ length: 5 }, (_, i) => enqueue(t.db, noticeInput(i), clock)!);
    const d = dispatcher({ pauseMs: 15 * 60_000, concurrency: 2 }, sink.urlWith('kairos', 'wrong'));

    const r = await d.runOnce();
    expect(r.paused).toBe(true);
    expect(r.sent + r.failed + r.retried).toBe(0);
    expect(r.claimed).toBe(5);
    for (const id of ids) expect(row(id)).toMatchObject({ status: 'queued', attempts: 0 });
    const p = pauseState(t.db, clock.now());
    expect(p).toMatchObject({ paused: true, code: '535', until: T0 + 15 * 60_000 });
    expect(p.reason).toMatch(/535|Authentication/i);
    expect(sink.stats.authFailed).toBeGreaterThan(0);
    expect(mailSummary(t.db, { now: clock.now() }).pause.paused).toBe(true);

    // While paused, nothing is claimed, by this or any other dispatcher on the database.
    expect(await d.runOnce()).toMatchObject({ claimed: 0, paused: true });
    const other = dispatcher({}, sink.urlWith('kairos', 'right'));
    expect(await other.runOnce()).toMatchObject({ claimed: 0, paused: true });

    // The relay accepts the credentials again; after the pause interval sending resumes by itself.
    sink.setAuth({ user: 'kairos', pass: 'wrong' });
    clock.advance(15 * 60_000 + 1);
    const after = await d.runOnce();
    expect(after).toMatchObject({ sent: 5, paused: false });
    for (const id of ids) expect(row(id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(pauseState(t.db, clock.now())).toMatchObject({ paused: false, until: null });
  });

  it('resumes at once when the organiser resumes sending', async () => {
    await sink.close();
    sink = await SmtpSink.start({ auth: { user: 'kairos', pass: 'right' } });
    const id = enqueue(t.db, noticeInput(1), clock)!;
    expect((await dispatcher({}, sink.urlWith('kairos', 'wrong')).runOnce()).paused).toBe(true);
    const fixed = dispatcher({}, sink.urlWith('kairos', 'right'));
    expect((await fixed.runOnce()).paused).toBe(true);
    resumeDispatch(t.db);
    expect(await fixed.runOnce()).toMatchObject({ sent: 1 });
    expect(row(id).attempts).toBe(1);
  });

  it('pauses on a TLS failure', async () => {
    const id = enqueue(t.db, noticeInput(1), clock)!;
    // smtps:// to a plain-text server: the TLS handshake fails.
    const r = await dispatcher({}, `smtps://${sink.host}:${sink.port}`).runOnce();
    expect(r.paused).toBe(true);
    expect(row(id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(pauseState(t.db).code).toMatch(/TLS|SSL/i);
  });

  it('expires a message past its deadline without sending it', async () => {
    const session = insertSession(t.db);
    const id = enqueue(t.db, noticeInput(1, { sessionId: session.id, notBefore: session.startUtc - 3_600_000, deadline: session.startUtc }), clock)!;
    clock.set(session.startUtc + 60_000); // the dispatcher was down until after the session started
    const r = await dispatcher().runOnce();
    expect(r).toMatchObject({ claimed: 0, sent: 0, expired: 1 });
    expect(row(id)).toMatchObject({ status: 'expired', attempts: 0 });
    expect(sink.messages).toHaveLength(0);
  });

  it('stops retrying when the next attempt would come after the deadline', async () => {
    sink.replyAlways('data', 451);
    const id = enqueue(t.db, noticeInput(1, { deadline: T0 + 5 * 60_000 }), clock)!;
    const d = dispatcher({ retry: { baseMs: 60_000, factor: 2, jitter: 0 } });
    let rounds = 0;
    while (row(id).status === 'queued' && rounds++ < 10) {
      clock.set(Math.max(clock.now(), row(id).notBefore));
      await d.runOnce();
    }
    expect(row(id)).toMatchObject({ status: 'expired', lastErrorCode: '451' });
    expect(row(id).attempts).toBe(3); // at T0, T0+1 min, T0+3 min; the next would be T0+7 min > deadline
    expect(sink.messages).toHaveLength(0);
  });

  it('does not send a row withdrawn between claim and send', async () => {
    const registry = new EmailKindRegistry();
    registry.register('notice', async (ctx) => {
      // The session is cancelled while this email is being rendered.
      withdraw(t.db, { id: ctx.row.id }, clock, 'session cancelled');
      return noticeRenderer(ctx);
    });
    const id = enqueue(t.db, noticeInput(1), clock)!;
    await dispatcher({ registry }).runOnce();
    expect(row(id).status).toBe('withdrawn');
    expect(sink.messages).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('two dispatchers on one database send each of 200 rows exactly once', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => enqueue(t.db, noticeInput(i), clock)!);
    const dbA = t.reopen();
    const dbB = t.reopen();
    const a = dispatcher({ db: dbA, owner: 'A', batchSize: 7, concurrency: 3 });
    const b = dispatcher({ db: dbB, owner: 'B', batchSize: 7, concurrency: 3 });
    const loop = async (d: Dispatcher) => {
      let sent = 0;
      for (;;) {
        const r = await d.runOnce();
        sent += r.sent;
        if (r.claimed === 0) return sent;
      }
    };
    const [sentA, sentB] = await Promise.all([loop(a), loop(b)]);
    expect(sentA + sentB).toBe(200);
    expect(sentA).toBeGreaterThan(0);
    expect(sentB).toBeGreaterThan(0);
    expect(sink.messages).toHaveLength(200);
    expect(sink.duplicates()).toBe(0);
    const expected = new Set(ids.map((id) => row(id).messageId));
    expect(new Set(sink.messageIds())).toEqual(expected);
    expect(mailSummary(t.db).counts.sent).toBe(200);
  });
});
