import { describe, expect, it } from 'vitest';
import { LANGUAGES, t, type Language } from '../../../src/core/i18n/index.js';

// Each language's forms for 1, 2, 5, 21 and 22, written out by hand (CLDR: Polish and Lithuanian
// one/few/many/other, Romanian one/few/other, the others one/other; Italian and Spanish "many" is for millions).
const COUNTS = [1, 2, 5, 21, 22] as const;
const people: Record<Language, string[]> = {
  en: ['1 person will receive it', '2 people will receive it', '5 people will receive it', '21 people will receive it', '22 people will receive it'],
  el: ['Θα το λάβει 1 άτομο', 'Θα το λάβουν 2 άτομα', 'Θα το λάβουν 5 άτομα', 'Θα το λάβουν 21 άτομα', 'Θα το λάβουν 22 άτομα'],
  ro: ['Îl va primi 1 persoană', 'Îl vor primi 2 persoane', 'Îl vor primi 5 persoane', 'Îl vor primi 21 de persoane', 'Îl vor primi 22 de persoane'],
  lt: ['Jį gaus 1 asmuo', 'Jį gaus 2 asmenys', 'Jį gaus 5 asmenys', 'Jį gaus 21 asmuo', 'Jį gaus 22 asmenys'],
  it: ['Lo riceverà 1 persona', 'Lo riceveranno 2 persone', 'Lo riceveranno 5 persone', 'Lo riceveranno 21 persone', 'Lo riceveranno 22 persone'],
  es: ['Lo recibirá 1 persona', 'Lo recibirán 2 personas', 'Lo recibirán 5 personas', 'Lo recibirán 21 personas', 'Lo recibirán 22 personas'],
  pl: ['Otrzyma ją 1 osoba', 'Otrzymają ją 2 osoby', 'Otrzyma ją 5 osób', 'Otrzyma ją 21 osób', 'Otrzymają ją 22 osoby'],
  bg: ['Ще го получи 1 лице', 'Ще го получат 2 лица', 'Ще го получат 5 лица', 'Ще го получат 21 лица', 'Ще го получат 22 лица'],
};
const minutes: Record<Language, string[]> = {
  en: ['1 minute', '2 minutes', '5 minutes', '21 minutes', '22 minutes'],
  el: ['1 λεπτό', '2 λεπτά', '5 λεπτά', '21 λεπτά', '22 λεπτά'],
  ro: ['1 minut', '2 minute', '5 minute', '21 de minute', '22 de minute'],
  lt: ['1 minutė', '2 minutės', '5 minutės', '21 minutė', '22 minutės'],
  it: ['1 minuto', '2 minuti', '5 minuti', '21 minuti', '22 minuti'],
  es: ['1 minuto', '2 minutos', '5 minutos', '21 minutos', '22 minutos'],
  pl: ['1 minuta', '2 minuty', '5 minut', '21 minut', '22 minuty'],
  bg: ['1 минута', '2 минути', '5 минути', '21 минути', '22 минути'],
};
const places: Record<Language, string[]> = {
  en: ['1 place left.', '2 places left.', '5 places left.', '21 places left.', '22 places left.'],
  el: ['Απομένει 1 θέση.', 'Απομένουν 2 θέσεις.', 'Απομένουν 5 θέσεις.', 'Απομένουν 21 θέσεις.', 'Απομένουν 22 θέσεις.'],
  ro: ['A mai rămas 1 loc.', 'Au mai rămas 2 locuri.', 'Au mai rămas 5 locuri.', 'Au mai rămas 21 de locuri.', 'Au mai rămas 22 de locuri.'],
  lt: ['Liko 1 laisva vieta.', 'Liko 2 laisvos vietos.', 'Liko 5 laisvos vietos.', 'Liko 21 laisva vieta.', 'Liko 22 laisvos vietos.'],
  it: ['Resta 1 posto disponibile.', 'Restano 2 posti disponibili.', 'Restano 5 posti disponibili.', 'Restano 21 posti disponibili.', 'Restano 22 posti disponibili.'],
  es: ['Queda 1 plaza disponible.', 'Quedan 2 plazas disponibles.', 'Quedan 5 plazas disponibles.', 'Quedan 21 plazas disponibles.', 'Quedan 22 plazas disponibles.'],
  pl: ['Zostało 1 wolne miejsce.', 'Zostały 2 wolne miejsca.', 'Zostało 5 wolnych miejsc.', 'Zostało 21 wolnych miejsc.', 'Zostały 22 wolne miejsca.'],
  bg: ['Остава 1 свободно място.', 'Остават 2 свободни места.', 'Остават 5 свободни места.', 'Остават 21 свободни места.', 'Остават 22 свободни места.'],
};
/** "Sent to N people": after a preposition the noun takes another case in some languages. */
const sentTo: Record<Language, string[]> = {
  en: ['Sent to 1 person.', 'Sent to 2 people.', 'Sent to 5 people.', 'Sent to 21 people.', 'Sent to 22 people.'],
  el: ['Στάλθηκε σε 1 άτομο.', 'Στάλθηκε σε 2 άτομα.', 'Στάλθηκε σε 5 άτομα.', 'Στάλθηκε σε 21 άτομα.', 'Στάλθηκε σε 22 άτομα.'],
  ro: ['Trimis către 1 persoană.', 'Trimis către 2 persoane.', 'Trimis către 5 persoane.', 'Trimis către 21 de persoane.', 'Trimis către 22 de persoane.'],
  lt: ['Išsiųsta 1 asmeniui.', 'Išsiųsta 2 asmenims.', 'Išsiųsta 5 asmenims.', 'Išsiųsta 21 asmeniui.', 'Išsiųsta 22 asmenims.'],
  it: ['Inviato a 1 persona.', 'Inviato a 2 persone.', 'Inviato a 5 persone.', 'Inviato a 21 persone.', 'Inviato a 22 persone.'],
  es: ['Enviado a 1 persona.', 'Enviado a 2 personas.', 'Enviado a 5 personas.', 'Enviado a 21 personas.', 'Enviado a 22 personas.'],
  pl: ['Wysłano do 1 osoby.', 'Wysłano do 2 osób.', 'Wysłano do 5 osób.', 'Wysłano do 21 osób.', 'Wysłano do 22 osób.'],
  bg: ['Изпратено до 1 лице.', 'Изпратено до 2 лица.', 'Изпратено до 5 лица.', 'Изпратено до 21 лица.', 'Изпратено до 22 лица.'],
};

describe('plural forms for 1, 2, 5, 21 and 22', () => {
  it.each(LANGUAGES)('%s: people, minutes, places left, "sent to"', (lang) => {
    expect(COUNTS.map((n) => t(lang, 'fu.recipients', { n }).split(' (')[0])).toEqual(people[lang]);
    expect(COUNTS.map((n) => t(lang, 'session.minutes', { n }))).toEqual(minutes[lang]);
    expect(COUNTS.map((n) => t(lang, 'email.time.minutes', { n }))).toEqual(minutes[lang]);
    expect(COUNTS.map((n) => t(lang, 'reg.seatsLeft', { n }))).toEqual(places[lang]);
    expect(COUNTS.map((n) => t(lang, 'fu.sentCount', { n }))).toEqual(sentTo[lang]);
  });

  it('no message says "1 people", "1 hours" or "(s)" any more', () => {
    for (const lang of LANGUAGES) {
      for (const k of ['fu.recipients', 'fu.sentCount', 'fu.send', 'fu.sendConfirm', 'fu.withoutConsent', 'poll.org.reminderValue', 'email.reminder.subjectHours', 'email.reminder.subjectDays', 'email.reminder.subjectMinutes'] as const) {
        const one = t(lang, k, { n: 1, title: 'T' });
        expect(one, `${lang} ${k}`).not.toMatch(/\(s\)|\/(es|e|i|zile|ore|дни)\b|1 people|1 hours|1 days|1 minutes/);
      }
    }
    expect(t('en', 'att.total', { attended: 1, registered: 1 })).toBe('1 of 1 confirmed person attended.');
    expect(t('en', 'poll.results.summary', { answered: 0, voters: 1 })).toBe('0 of 1 invited person has answered.');
    expect(t('en', 'email.reg.received.hold', { hours: 1 })).toBe('Your place is held for 1 hour.');
    expect(t('pl', 'email.reg.received.hold', { hours: 24 })).toBe('Państwa miejsce jest zarezerwowane przez 24 godziny.');
    expect(t('lt', 'login.locked', { minutes: 15 })).toContain('po 15 minučių.');
    expect(t('ro', 'privacy.keep', { days: 30 })).toContain('la 30 de zile după sesiune');
  });
});
