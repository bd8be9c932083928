/**
 * The copy of an email the outbox keeps: every personal link replaced by a marker, in text, HTML
 * and calendar parts, also where the calendar folded a link across lines.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildInvite } from '../../../src/core/calendar/index.js';
import { redactRendered } from '../../../src/core/outbox/redact.js';

const BASE = 'https://kairos.example.org';
const manage = 'Zk3v9Qw0rT5yU8iO1pA4sD7fG2hJ6kL9zX3cV5bN8mQ';
const join = '42.Mq7Wn2Eb5Rv8Tc1Yx4Uz6Ia9Os3Pd0F';

describe('the kept copy of an email', () => {
  it('holds a marker instead of each personal link; the calendar part stays valid and folded', () => {
    const invite = buildInvite(
      {
        uid: 'session-7@kairos.example.org',
        sequence: 0,
        title: 'Ένα αρκετά μακρύ όνομα συνεδρίας για να διπλωθεί η γραμμή στο αρχείο',
        startMs: Date.parse('2026-05-20T08:00:00Z'),
        endMs: Date.parse('2026-05-20T09:00:00Z'),
        zone: 'Europe/Athens',
        description: '',
        url: `${BASE}/join/${join}`,
        pageUrl: `${BASE}/sessions/7`,
        status: 'CONFIRMED',
        organizer: { name: 'GR DigiGOV-InnoHUB', email: 'contact@gr.example' },
      },
      { name: 'Νίκος', email: 'nikos@example.org' },
      { method: 'REQUEST', stampMs: Date.parse('2026-05-01T08:00:00Z') },
    );
    // the join URL is folded somewhere in the calendar as built
    const unfolded = invite.replace(/\r\n[ \t]/g, '');
    expect(unfolded.split(`${BASE}/join/${join}`).length - 1).toBeGreaterThan(invite.split(`${BASE}/join/${join}`).length - 1);
    const kept = redactRendered(
      {
        subject: 'You are registered',
        text: `Manage: ${BASE}/r/${manage}\nConfirm: ${BASE}/r/${manage}/confirm\nJoin: ${BASE}/join/${join}\nNext: ${BASE}/sessions/8?prefill=${manage}#h-register`,
        html: `<a href="${BASE}/r/${manage}">manage</a> <a href="${BASE}/join/${join}">join</a>`,
        icalEvent: { method: 'REQUEST' as const, content: invite },
        personalTokens: [manage, join],
      },
      BASE,
    );
    for (const part of [kept.text, kept.html, kept.icalEvent.content, kept.icalEvent.content.replace(/\r\n[ \t]/g, '')]) {
      expect(part).not.toContain(manage);
      expect(part).not.toContain(join);
      expect(part).not.toContain(join.slice(3));
    }
    expect(kept.text).toBe(
      `Manage: ${BASE}/r/[personal link]\nConfirm: ${BASE}/r/[personal link]/confirm\nJoin: ${BASE}/join/[personal link]\nNext: ${BASE}/sessions/8?prefill=[personal link]#h-register`,
    );
    expect(kept.html).toBe(`<a href="${BASE}/r/[personal link]">manage</a> <a href="${BASE}/join/[personal link]">join</a>`);
    const ical = kept.icalEvent.content;
    expect(ical.replace(/\r\n[ \t]/g, '')).toContain(`${BASE}/join/[personal link]`);
    for (const line of ical.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const ev = ICAL.Component.fromString(ical).getFirstSubcomponent('vevent')!;
    expect(ev.getFirstPropertyValue('summary')).toContain('Ένα αρκετά μακρύ');
  });
});
