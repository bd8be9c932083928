import { describe, expect, it } from 'vitest';
import { LANGUAGES, catalogue, t } from '../../../src/core/i18n/index.js';
import { ADMIN, makeApp } from '../../helpers/app.js';
import { withMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

describe('message catalogues', () => {
  const en = catalogue('en');
  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every English key, with the same placeholders', (lang) => {
    const cat = catalogue(lang);
    expect(Object.keys(en).filter((k) => !(k in cat))).toEqual([]);
    expect(Object.keys(cat).filter((k) => !(k in en))).toEqual([]);
    const wrong = Object.keys(en).filter((k) => placeholders(must(en[k], `en ${k}`)) !== placeholders(must(cat[k], `${lang} ${k}`)));
    expect(wrong).toEqual([]);
  });
});

describe('emails in the recipient\'s language', () => {
  it('a confirmation and a reminder reach each of the eight languages in that language, times in the person\'s zone', async () => {
    const app = await makeApp({ now: '2026-05-01T09:00:00Z' });
    const mail = await withMail(app);
    const { sink } = mail;
    try {
      const admin = app.services.repos.organisers.credentials(ADMIN.email)!.organiser;
      const s = app.services.sessions.create(
        { title: 'Δοκιμή', hubId: app.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id, date: '2026-05-20', time: '11:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false, joinUrl: 'https://meet.example.org/x' },
        admin,
      );
      const zones: Record<string, string> = { en: 'Atlantic/Canary', el: 'Asia/Nicosia', ro: 'Europe/Bucharest', lt: 'Europe/Vilnius', it: 'Europe/Rome', es: 'Europe/Madrid', pl: 'Europe/Warsaw', bg: 'Europe/Sofia' };
      for (const lang of LANGUAGES) {
        app.services.registrations.register(s.id, { name: `P ${lang}`, email: `${lang}@example.org`, orgType: 'public', country: 'GR', zone: zones[lang], language: lang, consent: true }, 'api');
      }
      const run = () => mail.drain();
      await run();
      app.clock.set('2026-05-20T07:00:00Z'); // the hour-before reminder
      await run();
      for (const lang of LANGUAGES) {
        const mine = sink.messages.filter((m) => m.envelope.rcptTo[0] === `${lang}@example.org`);
        const subjects = mine.map((m) => m.parsed.subject);
        expect(subjects, lang).toContain(t(lang, 'email.reg.confirmed.subject', { title: 'Δοκιμή' }));
        expect(subjects, lang).toContain(t(lang, 'email.reminder.subjectHours', { title: 'Δοκιμή', n: 1, iso: 'PT1H' }));
        if (lang !== 'en') expect(t(lang, 'email.reg.confirmed.subject', { title: 'x' })).not.toBe(t('en', 'email.reg.confirmed.subject', { title: 'x' }));
        const reminder = mine.find((m) => m.parsed.subject?.includes('Δοκιμή') && m.parsed.subject !== t(lang, 'email.reg.confirmed.subject', { title: 'Δοκιμή' }))!;
        expect(reminder.parsed.text).toContain(`(${zones[lang]}, UTC+0`);
        expect(reminder.parsed.html).toContain(`lang="${lang}"`);
      }
    } finally {
      await mail.close();
      await app.close();
    }
  });
});
