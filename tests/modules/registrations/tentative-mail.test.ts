/**
 * A place in a session whose date is not fixed yet (the mid-September follow-up): the confirmation
 * says the invitation will follow, and carries none — it must not promise one attached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES, t as tr } from '../../../src/core/i18n/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { newSession } from '../../helpers/sessions.js';

let t: TestApp;
let mail: TestMail;
beforeAll(async () => {
  t = await makeApp({ now: '2026-03-01T09:00:00Z' });
  mail = await withMail(t);
});
afterAll(async () => {
  await mail.close();
  await t.close();
});

describe('the confirmation of a place in a session without a date', () => {
  it.each(LANGUAGES)('in %s: says the invitation will follow, attaches none, never says it is attached', async (lang) => {
    const tentative = newSession(t, { status: 'tentative', date: '', time: '', approxMonth: '2026-09', approxPart: 'mid', title: `Case studies (${lang})`, doubleOptIn: false });
    const dated = newSession(t, { title: `Dated (${lang})`, doubleOptIn: false });
    const person = { name: 'Reader', orgType: 'public', country: 'GR', zone: 'Europe/Athens', language: lang, consent: true };
    t.services.registrations.register(tentative.id, { ...person, email: `tentative-${lang}@example.org` }, 'api');
    t.services.registrations.register(dated.id, { ...person, email: `dated-${lang}@example.org` }, 'api');
    const before = mail.sink.messages.length;
    await mail.drain();
    const got = mail.sink.messages.slice(before);
    const to = (address: string) => got.find((m) => m.envelope.rcptTo.includes(address));
    const undated = to(`tentative-${lang}@example.org`);
    const fixed = to(`dated-${lang}@example.org`);
    expect(undated, 'the tentative confirmation').toBeDefined();
    expect(fixed, 'the dated confirmation').toBeDefined();
    const attachedSentence = tr(lang, 'email.reg.confirmed.intro', { title: '' }).replace(tr(lang, 'email.reg.confirmed.introNoInvite', { title: '' }), '').trim();
    expect(attachedSentence.length).toBeGreaterThan(10);
    const undatedText = undated?.parsed.text ?? '';
    expect(undatedText).not.toContain(attachedSentence);
    expect(undatedText).toContain(tr(lang, 'email.reg.tentative'));
    expect(undated?.raw.toString('utf8')).not.toMatch(/text\/calendar/i);
    // The dated session's confirmation does carry its invitation and says so.
    expect(fixed?.parsed.text ?? '').toContain(attachedSentence);
    expect(fixed?.raw.toString('utf8')).toMatch(/text\/calendar/i);
  });
});
