/**
 * The invites of one session version are written once and filled in per recipient (recipient,
 * personal join link, reply mailbox, DTSTAMP). What a recipient gets must be, byte for byte, what
 * `ics` writes for them in full: checked here over many recipients, methods and sessions, in the
 * order a dispatcher sends them (so most come from a kept shape).
 */
import { describe, expect, it } from 'vitest';
import { buildInvite, type CalendarEvent } from '../../../src/core/calendar/index.js';
import { buildInviteUnshaped } from '../../../src/core/calendar/build.js';
import type { InviteOptions } from '../../../src/core/calendar/types.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'Maria Papadopoulou',
  'Ελένη Παπαδοπούλου',
  'Ana-Maria Ionescu',
  'Jūratė Kazlauskienė',
  "Giulia D'Angelo",
  'José Ñúñez (DIH)',
  'Łukasz Wiśniewski',
  'Стефан Петров',
  'Andreas Georgiou & team',
  // Written by ics in full: characters it escapes or quotes, a comma, a stray quote, an empty name.
  'Smith, John',
  'Anna "Ania" Nowak',
  'Back\\slash; semi',
  '',
  'A very long name that goes on and on well past the seventy-five octets of one calendar line',
];
const EMAILS = ['maria@example.org', 'e.papadopoulou@gov.example.gr', 'ana+kairos@dih4society.example', 'name_with.dots@sub.example.co.uk', 'ünïcode@exämple.org'];
const URLS = [
  'https://kairos.example/join/3q2-7w_Zx0aBcDeFgHiJkLmN',
  'https://kairos.example/join/abc?sig=xyz&x=1',
  'https://kairos.example:8443/j/abc',
  // Written in full: characters TEXT escapes.
  'https://kairos.example/join/a,b;c',
];

function session(rnd: () => number, i: number): CalendarEvent {
  const start = Date.UTC(2027, 2, 27, 8, 0) + Math.floor(rnd() * 20) * 86_400_000;
  const langs = ['en', 'el', 'ro', 'lt', 'it', 'es', 'pl', 'bg'];
  return {
    uid: `session-${i}-abc@kairos.example`,
    sequence: Math.floor(rnd() * 4),
    startMs: start,
    endMs: start + (30 + Math.floor(rnd() * 4) * 30) * 60_000,
    zone: ['Europe/Athens', 'Europe/Madrid', 'Atlantic/Canary', 'Asia/Nicosia'][i % 4]!,
    title: i % 3 === 0 ? 'Next generation of public services: case studies' : 'Δημόσιες υπηρεσίες; νέα γενιά, μέρος 2',
    description: 'The follow-up meeting, to share and study specific case studies.\nBring your questions; slides, too.',
    url: 'https://meet.example/j/123',
    pageUrl: `https://kairos.example/sessions/${i}`,
    status: 'CONFIRMED',
    organizer: { name: 'GR digiGOV-innoHUB', email: 'contact@grnet.example' },
    language: langs[i % langs.length],
    // Half of them with an agenda, in a zone of its own.
    ...(i % 2 === 0
      ? {
          agenda: {
            zone: 'America/New_York',
            items: [
              { startMs: start, endMs: start + 15 * 60_000, text: 'Welcome' },
              { startMs: start + 15 * 60_000, endMs: start + 45 * 60_000, text: 'Case study: e-invoicing in Cyprus — Andreas Georgiou (DIH, Nicosia)' },
            ],
          },
        }
      : {}),
  };
}

function outcome(write: () => string): string {
  try {
    return write();
  } catch (err) {
    return `refused: ${err instanceof Error ? err.message : String(err)}`;
  }
}

describe('invites written once per session version, filled in per recipient', () => {
  it('gives every recipient exactly what ics writes for them in full', () => {
    const rnd = random(20210715);
    let compared = 0;
    let written = 0;
    for (let s = 0; s < 6; s++) {
      const ev = session(rnd, s);
      for (let r = 0; r < 60; r++) {
        const method: InviteOptions['method'] = rnd() < 0.8 ? 'REQUEST' : 'CANCEL';
        const recipient = { name: NAMES[Math.floor(rnd() * NAMES.length)]!, email: EMAILS[Math.floor(rnd() * EMAILS.length)]! };
        const personal = { ...ev, url: URLS[Math.floor(rnd() * URLS.length)] };
        const opts: InviteOptions = {
          method,
          stampMs: Date.UTC(2027, 0, 1) + Math.floor(rnd() * 1e10),
          ...(rnd() < 0.5 ? { replyTo: { email: `reply+r${r}.${Math.floor(rnd() * 1e6)}@replies.kairos.example`, sentBy: rnd() < 0.7 ? 'no-reply@kairos.example' : undefined } } : {}),
        };
        const event: CalendarEvent = method === 'CANCEL' ? { ...personal, status: 'CANCELLED' } : personal;
        // The same file, or the same refusal (ics refuses an address it cannot write).
        expect(outcome(() => buildInvite(event, recipient, opts))).toBe(outcome(() => buildInviteUnshaped(event, recipient, opts)));
        compared++;
        if (!outcome(() => buildInviteUnshaped(event, recipient, opts)).startsWith('refused')) written++;
      }
    }
    expect(compared).toBe(360);
    expect(written).toBeGreaterThan(250);
  });

  it('keeps the recipient, join link, reply mailbox and time of each invite its own', () => {
    const ev = session(random(1), 1);
    const a = buildInvite({ ...ev, url: URLS[0] }, { name: 'Maria Papadopoulou', email: 'maria@example.org' }, { method: 'REQUEST', stampMs: Date.UTC(2027, 0, 1, 10), replyTo: { email: 'reply+a@replies.kairos.example' } });
    const b = buildInvite({ ...ev, url: URLS[2] }, { name: 'Ελένη Παπαδοπούλου', email: 'eleni@example.org' }, { method: 'REQUEST', stampMs: Date.UTC(2027, 0, 2, 11, 30, 5), replyTo: { email: 'reply+b@replies.kairos.example' } });
    const unfold = (x: string) => x.replace(/\r\n /g, '');
    expect(unfold(a)).toContain('CN="Maria Papadopoulou"');
    expect(unfold(a)).toContain(`URL:${URLS[0]}`);
    expect(unfold(a)).toContain(':MAILTO:reply+a@replies.kairos.example');
    expect(unfold(a)).toContain('DTSTAMP:20270101T100000Z');
    expect(unfold(b)).toContain('CN="Ελένη Παπαδοπούλου"');
    expect(unfold(b)).toContain('mailto:eleni@example.org');
    expect(unfold(b)).toContain(`LOCATION:${URLS[2]}`);
    expect(unfold(b)).toContain(':MAILTO:reply+b@replies.kairos.example');
    expect(unfold(b)).toContain('DTSTAMP:20270102T113005Z');
    for (const x of [a, b]) expect(x).not.toContain('kairos.invalid');
  });
});
