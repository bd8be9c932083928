import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../../src/core/i18n/index.js';
import { ADMIN, makeApp } from '../../helpers/app.js';
import { withMail } from '../../helpers/mail.js';

// The subject names the largest whole unit of the reminder's offset, in the right plural form.
const expected: Record<Language, [string, string, string]> = {
  en: ['Reminder: “Τεστ” starts in 2 days', 'Reminder: “Τεστ” starts in 1 hour', 'Reminder: “Τεστ” starts in 5 minutes'],
  el: ['Υπενθύμιση: «Τεστ» αρχίζει σε 2 ημέρες', 'Υπενθύμιση: «Τεστ» αρχίζει σε 1 ώρα', 'Υπενθύμιση: «Τεστ» αρχίζει σε 5 λεπτά'],
  ro: ['Memento: „Τεστ” începe peste 2 zile', 'Memento: „Τεστ” începe peste 1 oră', 'Memento: „Τεστ” începe peste 5 minute'],
  lt: ['Priminimas: iki „Τεστ“ pradžios liko 2 dienos', 'Priminimas: iki „Τεστ“ pradžios liko 1 valanda', 'Priminimas: iki „Τεστ“ pradžios liko 5 minutės'],
  it: ['Promemoria: «Τεστ» inizia tra 2 giorni', 'Promemoria: «Τεστ» inizia tra 1 ora', 'Promemoria: «Τεστ» inizia tra 5 minuti'],
  es: ['Recordatorio: «Τεστ» comienza dentro de 2 días', 'Recordatorio: «Τεστ» comienza dentro de 1 hora', 'Recordatorio: «Τεστ» comienza dentro de 5 minutos'],
  pl: ['Przypomnienie: „Τεστ” rozpocznie się za 2 dni', 'Przypomnienie: „Τεστ” rozpocznie się za 1 godzinę', 'Przypomnienie: „Τεστ” rozpocznie się za 5 minut'],
  bg: ['Напомняне: „Τεστ“ започва след 2 дни', 'Напомняне: „Τεστ“ започва след 1 час', 'Напомняне: „Τεστ“ започва след 5 минути'],
};

/**
 * The reminder subjects each registrant (one per language) receives for a session on `date` at
 * 11:00 Athens with these reminder offsets, the clock moved to each instant in turn.
 */
async function reminderSubjects(date: string, reminderOffsets: string[], instants: string[]): Promise<Record<string, string[]>> {
  const app = await makeApp({ now: '2026-05-01T09:00:00Z' });
  const mail = await withMail(app);
  try {
    const admin = app.services.repos.organisers.credentials(ADMIN.email)!.organiser;
    const s = app.services.sessions.create(
      { title: 'Τεστ', hubId: app.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id, date, time: '11:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false, joinUrl: 'https://meet.example.org/x', reminderOffsets },
      admin,
    );
    for (const lang of LANGUAGES) {
      app.services.registrations.register(s.id, { name: `P ${lang}`, email: `${lang}@example.org`, orgType: 'public', country: 'GR', zone: 'Europe/Athens', language: lang, consent: true }, 'api');
    }
    await mail.drain(); // confirmations
    const subjects = (lang: string) => mail.sink.messages.filter((m) => m.envelope.rcptTo[0] === `${lang}@example.org`).map((m) => m.parsed.subject ?? '');
    const before = Object.fromEntries(LANGUAGES.map((l) => [l, subjects(l).length]));
    for (const at of instants) {
      app.clock.set(at);
      await mail.drain();
    }
    return Object.fromEntries(LANGUAGES.map((l) => [l, subjects(l).slice(before[l])]));
  } finally {
    await mail.close();
    await app.close();
  }
}

describe('reminder subjects at a real SMTP server', () => {
  it('say 2 days, 1 hour and 5 minutes in each of the eight languages', async () => {
    const got = await reminderSubjects('2026-05-20', ['P2D', 'PT1H', 'PT5M'], ['2026-05-18T08:00:00Z', '2026-05-20T07:00:00Z', '2026-05-20T07:55:00Z']);
    for (const lang of LANGUAGES) expect(got[lang], lang).toEqual(expected[lang]);
  });
});

// Weeks: the largest whole unit of P3W, P2W and P1W, with each language's plural forms.
const weeks: Record<Language, [string, string, string]> = {
  en: ['Reminder: “Τεστ” starts in 3 weeks', 'Reminder: “Τεστ” starts in 2 weeks', 'Reminder: “Τεστ” starts in 1 week'],
  el: ['Υπενθύμιση: «Τεστ» αρχίζει σε 3 εβδομάδες', 'Υπενθύμιση: «Τεστ» αρχίζει σε 2 εβδομάδες', 'Υπενθύμιση: «Τεστ» αρχίζει σε 1 εβδομάδα'],
  ro: ['Memento: „Τεστ” începe peste 3 săptămâni', 'Memento: „Τεστ” începe peste 2 săptămâni', 'Memento: „Τεστ” începe peste 1 săptămână'],
  lt: ['Priminimas: iki „Τεστ“ pradžios liko 3 savaitės', 'Priminimas: iki „Τεστ“ pradžios liko 2 savaitės', 'Priminimas: iki „Τεστ“ pradžios liko 1 savaitė'],
  it: ['Promemoria: «Τεστ» inizia tra 3 settimane', 'Promemoria: «Τεστ» inizia tra 2 settimane', 'Promemoria: «Τεστ» inizia tra 1 settimana'],
  es: ['Recordatorio: «Τεστ» comienza dentro de 3 semanas', 'Recordatorio: «Τεστ» comienza dentro de 2 semanas', 'Recordatorio: «Τεστ» comienza dentro de 1 semana'],
  pl: ['Przypomnienie: „Τεστ” rozpocznie się za 3 tygodnie', 'Przypomnienie: „Τεστ” rozpocznie się za 2 tygodnie', 'Przypomnienie: „Τεστ” rozpocznie się za 1 tydzień'],
  bg: ['Напомняне: „Τεστ“ започва след 3 седмици', 'Напомняне: „Τεστ“ започва след 2 седмици', 'Напомняне: „Τεστ“ започва след 1 седмица'],
};

describe('reminder subjects in weeks', () => {
  it('say 3 weeks, 2 weeks and 1 week in each of the eight languages', async () => {
    const got = await reminderSubjects('2026-06-10', ['P3W', 'P2W', 'P1W'], ['2026-05-20T08:30:00Z', '2026-05-27T08:30:00Z', '2026-06-03T08:30:00Z']);
    for (const lang of LANGUAGES) expect(got[lang], lang).toEqual(weeks[lang]);
  });
});
