import { describe, expect, it } from 'vitest';
import { catalogue, type Language } from '../../../src/core/i18n/index.js';
import { ADMIN, makeApp } from '../../helpers/app.js';
import { withMail } from '../../helpers/mail.js';

// One register per language, as public bodies write: Italian "Lei", Spanish "usted", Greek "εσείς",
// Romanian "dumneavoastră", Lithuanian "Jūs", Polish "Państwo" or impersonal forms, Bulgarian "Вие".
const informal: Partial<Record<Language, RegExp>> = {
  it: /(?<![\p{L}'])(tu|ti|tuo|tua|tuoi|tue|te|hai|sei|puoi|vuoi|voi|vostr[oaie])(?!\p{L})/iu,
  es: /(?<!\p{L})(tú|tu|tus|te|ti|contigo|puedes|tienes|vosotros|vuestr[oa]s?|os)(?!\p{L})/iu,
  el: /(?<!\p{L})(σου|εσύ|σένα|μπορείς|έχεις)(?!\p{L})/iu,
  ro: /(?<!\p{L})(tu|tău|tale|tăi|îți|ți|poți|vrei)(?!\p{L})/iu,
  lt: /(?<!\p{L})(tu|tavo|tau|tave|gali pasirinkti)(?!\p{L})/iu,
  pl: /(?<!\p{L})(ty|twój|twoja|twoje|twojego|twojej|cię|ciebie|tobie|możesz|masz|wasz|wasza|wasze)(?!\p{L})/iu,
  bg: /(?<!\p{L})(ти|твой|твоя|твоят|твоето|можеш|имаш|ви|вие|вашия|вашата|вашите|вашето)(?!\p{L})/u, // "Ви", "Вие", "Вашата" are written with a capital
};
/** Buttons and links that appear in emails, where the body speaks formally. */
const inEmails = (k: string) => !/^email\.(admin|status)\./.test(k) && /^(email\.|poll\.email\.|cal\.(add|download|google|outlook|personal\.invite)$)/.test(k);
const informalButtons: Partial<Record<Language, RegExp>> = {
  it: /^(Conferma|Partecipa|Aggiungi|Scarica|Annulla|Iscriviti|Apri|Rispondi|Invia|Scegli)\b/u,
  pl: /^(Zarejestruj|Dołącz|Otwórz|Przejdź|Odpowiedz|Potwierdź)\b/u,
  es: /^(Confirma|Únete|Añade|Descarga|Abre|Responde|Inscríbete)\b/u,
};

describe('one register per language', () => {
  it.each(Object.keys(informal) as Language[])('%s: no informal address anywhere in the catalogue', (lang) => {
    const cat = catalogue(lang);
    const found = Object.entries(cat).filter(([, v]) => informal[lang]!.test(v)).map(([k, v]) => `${k}: ${v}`);
    expect(found).toEqual([]);
  });

  it.each(Object.keys(informalButtons) as Language[])('%s: the buttons in emails address the reader as the text does', (lang) => {
    const cat = catalogue(lang);
    const found = Object.entries(cat).filter(([k, v]) => inEmails(k) && informalButtons[lang]!.test(v)).map(([k, v]) => `${k}: ${v}`);
    expect(found).toEqual([]);
  });

  it('Greek uses one word for a session (εκδήλωση), Lithuanian one (renginys)', () => {
    expect(Object.entries(catalogue('el')).filter(([, v]) => /συνεδρ/i.test(v))).toEqual([]);
    expect(Object.values(catalogue('el')).filter((v) => /εκδήλωσ|εκδηλώσ/i.test(v)).length).toBeGreaterThan(50);
    expect(Object.entries(catalogue('lt')).filter(([, v]) => /sesij/i.test(v))).toEqual([]);
  });

  it('a confirmation email in Italian, Spanish, Polish, Greek and Lithuanian speaks formally from greeting to buttons, with one word for session', async () => {
    const app = await makeApp({ now: '2026-05-01T09:00:00Z' });
    const mail = await withMail(app);
    const { sink } = mail;
    try {
      const admin = app.services.repos.organisers.credentials(ADMIN.email)!.organiser;
      const s = app.services.sessions.create(
        { title: 'Servizi pubblici', hubId: app.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id, date: '2026-05-20', time: '11:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false, joinUrl: 'https://meet.example.org/x' },
        admin,
      );
      const langs = ['it', 'es', 'pl', 'el', 'lt'] as const;
      for (const lang of langs) {
        app.services.registrations.register(s.id, { name: `P ${lang}`, email: `${lang}@example.org`, orgType: 'public', country: 'GR', zone: 'Europe/Rome', language: lang, consent: true }, 'api');
      }
      await mail.drain();
      await sink.waitFor(langs.length, 120_000);
      for (const lang of langs) {
        const received = sink.messages.find((m) => m.envelope.rcptTo[0] === `${lang}@example.org`)!;
        const text = received.parsed.text ?? '';
        expect(text.length, lang).toBeGreaterThan(200);
        // The words the reader reads: the personal links carry random tokens, in which "tu" or "os"
        // between digits or dashes is no form of address (and once made this test fail by chance).
        const prose = text.replace(/https?:\/\/\S+/g, ' ');
        expect(prose).not.toMatch(/[A-Za-z0-9_-]{40,}/); // no token left outside a link
        expect(prose.match(informal[lang]!)?.[0], lang).toBeUndefined();
        const buttons = informalButtons[lang];
        if (buttons) for (const line of text.split('\n')) expect(line.trim(), lang).not.toMatch(buttons);
      }
      const textOf = (lang: string) => sink.messages.find((m) => m.envelope.rcptTo[0] === `${lang}@example.org`)!.parsed.text ?? '';
      expect(textOf('el')).not.toMatch(/συνεδρ/i);
      expect(textOf('lt')).not.toMatch(/sesij/i);
      const it = sink.messages.find((m) => m.envelope.rcptTo[0] === 'it@example.org')!.parsed.text ?? '';
      expect(it).toContain('Partecipi alla sessione');
      expect(it).toContain('Aggiunga a Google Calendar');
    } finally {
      await mail.close();
      await app.close();
    }
  });
});
