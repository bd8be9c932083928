/**
 * Text as a calendar client shows it: long titles in the network's languages fold without
 * breaking a character, control characters and quotes never corrupt the file, and a line
 * break typed into a title never starts a new content line.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildInvite, buildPublicCalendar, cleanLine, cleanParam, cleanText, foldLine, type CalendarEvent } from '../../../src/core/calendar/index.js';
import { contentLines, lineComplaints, strictComplaintsMany } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

const STAMP = Date.UTC(2024, 0, 10, 9, 0, 0);

function session(over: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    uid: 'session-7-xyz@kairos.example',
    sequence: 0,
    startMs: Date.UTC(2024, 2, 14, 9, 0),
    endMs: Date.UTC(2024, 2, 14, 10, 0),
    zone: 'Europe/Sofia',
    title: 'Title',
    description: 'Description',
    url: 'https://meet.example/j/7',
    pageUrl: 'https://kairos.example/s/7',
    status: 'CONFIRMED',
    organizer: { name: 'EDIH Sofia', email: 'hub-sofia@kairos.example' },
    ...over,
  };
}

function vevent(text: string): ICAL.Component {
  return ICAL.Component.fromString(text).getFirstSubcomponent('vevent')!;
}

const LONG = {
  el: {
    title: 'Ψηφιακός μετασχηματισμός των μικρομεσαίων επιχειρήσεων: τεχνητή νοημοσύνη, κυβερνοασφάλεια και υπολογιστικό νέφος για την Περιφέρεια Αττικής',
    person: 'Αικατερίνη Παπαδοπούλου-Χατζηγεωργίου του Κωνσταντίνου',
  },
  bg: {
    title: 'Цифрова трансформация на малките и средните предприятия: изкуствен интелект, киберсигурност и облачни услуги за Югозападния регион на България',
    person: 'Теодора Светославова Христова-Димитрова от Благоевград',
  },
  lt: {
    title: 'Skaitmeninė transformacija mažosioms ir vidutinėms įmonėms: dirbtinis intelektas, kibernetinė sauga ir debesijos paslaugos – praktiniai užsiėmimai su ekspertais iš Vilniaus, Kauno, Klaipėdos, Šiaulių ir Panevėžio',
    person: 'Žydrūnė Čėsnaitė-Šležienė iš Šiaulių apskrities',
  },
  pl: {
    title: 'Cyfrowa transformacja małych i średnich przedsiębiorstw: sztuczna inteligencja, cyberbezpieczeństwo i usługi chmurowe — warsztaty dla firm z województw łódzkiego, świętokrzyskiego i małopolskiego; źródła finansowania',
    person: 'Małgorzata Żółkiewska-Szczęśniak z Łodzi i Gdańska',
  },
} as const;

describe('long titles in Greek, Bulgarian, Lithuanian and Polish', () => {
  const cases = Object.entries(LONG).map(([lang, { title, person }]) => {
    const ev = session({ title, language: lang, description: `${title}\n${title}`, organizer: { name: `${person} (hub)`, email: 'hub@kairos.example' } });
    return {
      lang,
      title,
      person,
      invite: buildInvite(ev, { name: person, email: 'someone@example.org' }, { method: 'REQUEST', stampMs: STAMP }),
      feed: buildPublicCalendar([ev], { name: title, stampMs: STAMP }),
    };
  });

  it('the titles really are over 200 bytes', () => {
    for (const c of cases) expect(Buffer.byteLength(c.title, 'utf8')).toBeGreaterThan(200);
  });

  it('every physical line is CRLF, at most 75 octets and valid UTF-8 on its own', () => {
    for (const c of cases) {
      expect(lineComplaints(c.invite), c.lang).toEqual([]);
      expect(lineComplaints(c.feed), c.lang).toEqual([]);
      expect(lineComplaints(Buffer.from(c.invite, 'utf8')), c.lang).toEqual([]);
      // The title really was folded over several lines.
      const summaryStart = c.invite.split('\r\n').findIndex((l) => l.startsWith('SUMMARY:'));
      expect(must(c.invite.split('\r\n')[summaryStart + 1], 'the line after SUMMARY').startsWith(' ')).toBe(true);
    }
  });

  it('the unfolded title, names and calendar name equal the input', () => {
    for (const c of cases) {
      const ev = vevent(c.invite);
      expect(ev.getFirstPropertyValue('summary')).toBe(c.title);
      expect(ev.getFirstProperty('attendee')!.getParameter('cn')).toBe(c.person);
      expect(ev.getFirstProperty('organizer')!.getParameter('cn')).toBe(`${c.person} (hub)`);
      expect((ev.getFirstPropertyValue('description') as string).startsWith(`${c.title}\n${c.title}\n\n`)).toBe(true);
      // X-WR-CALNAME is TEXT (RFC 5545 §3.8.8.2 default for x-props); ical.js leaves it escaped.
      const calname = contentLines(c.feed).find((l) => l.startsWith('X-WR-CALNAME:'))!.slice('X-WR-CALNAME:'.length);
      expect(calname.replace(/\\([\\;,])/g, '$1')).toBe(c.title);
    }
  });

  it('the files are valid for the strict parsers', async () => {
    const results = await strictComplaintsMany(cases.flatMap((c) => [c.invite, c.feed]));
    expect(results).toEqual(results.map(() => []));
  });

  it('folds characters outside the BMP without splitting them', () => {
    const title = `Kairos 🎉🇬🇷🇧🇬🇱🇹🇵🇱 ${'𝒦𝒶𝒾𝓇𝑜𝓈 '.repeat(12)}`.trim();
    const text = buildInvite(session({ title }), { name: 'A', email: 'a@example.org' }, { method: 'REQUEST', stampMs: STAMP });
    expect(lineComplaints(text)).toEqual([]);
    expect(vevent(text).getFirstPropertyValue('summary')).toBe(title);
  });

  it('foldLine keeps every piece within 75 octets, at every offset of a multi-byte text', () => {
    for (let pad = 0; pad < 4; pad++) {
      const line = `SUMMARY:${'x'.repeat(pad)}${'αб€😀'.repeat(40)}`;
      const folded = foldLine(line);
      for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
      expect(folded.replace(/\r\n /g, '')).toBe(line);
    }
  });
});

describe('control characters, quotes and line breaks', () => {
  const dirtyTitle = 'Workshop\u0000 on\u0007 AI\u001b[31m\u007f\u0085\u009b\r\nBEGIN:VALARM\r\nACTION:AUDIO';
  const text = buildInvite(
    session({
      title: dirtyTitle,
      description: 'First line\r\nSecond\u0000 line\rThird\tline\u2028Fourth',
      organizer: { name: 'EDIH "Sofia"\r\nX-INJECTED:1', email: 'hub-sofia@kairos.example' },
    }),
    { name: 'Maria "Mary"\u0007 Papadopoulou^n', email: 'maria@example.org' },
    { method: 'REQUEST', stampMs: STAMP },
  );

  it('the file contains no control character other than CRLF', () => {
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\p{Cc}/u); // Cc: U+0000–U+001F and U+007F–U+009F
  });

  it('a CRLF in a title never becomes a content line', () => {
    const lines = contentLines(text);
    expect(lines.some((l) => /^(BEGIN:VALARM|ACTION:|X-INJECTED)/.test(l))).toBe(false);
    expect(lines.filter((l) => l.startsWith('BEGIN:')).sort()).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT']);
    const ev = vevent(text);
    expect(ev.getAllSubcomponents()).toHaveLength(0);
    expect(ev.getFirstPropertyValue('summary')).toBe('Workshop on AI[31m BEGIN:VALARM ACTION:AUDIO');
  });

  it('quotes and RFC 6868 carets are removed from names; the names still read well', () => {
    const ev = vevent(text);
    expect(ev.getFirstProperty('attendee')!.getParameter('cn')).toBe('Maria Mary Papadopouloun');
    expect(ev.getFirstProperty('organizer')!.getParameter('cn')).toBe('EDIH Sofia X-INJECTED:1');
  });

  it('line breaks in the description stay line breaks inside one DESCRIPTION', () => {
    const desc = vevent(text).getFirstPropertyValue('description') as string;
    expect(desc.startsWith('First line\nSecond line\nThird line\nFourth\n\n')).toBe(true);
  });

  it('is valid for the strict parsers and its lines are well formed', async () => {
    expect(lineComplaints(text)).toEqual([]);
    expect(await strictComplaintsMany([text])).toEqual([[]]);
  });

  it('keeps a double quote in a title (it is legal in TEXT) and round-trips it', () => {
    const t = buildInvite(session({ title: 'The "digital twin" day; part 1, of 2 \\ end' }), { name: 'A', email: 'a@example.org' }, { method: 'REQUEST', stampMs: STAMP });
    expect(vevent(t).getFirstPropertyValue('summary')).toBe('The "digital twin" day; part 1, of 2 \\ end');
    expect(contentLines(t)).toContain('SUMMARY:The "digital twin" day\\; part 1\\, of 2 \\\\ end');
  });

  it('cleaners behave as documented', () => {
    expect(cleanLine('  a\r\n\r\n b\tc\u0000 ')).toBe('a b c');
    expect(cleanLine('lone \ud800 surrogate')).toBe('lone \ufffd surrogate');
    expect(cleanText('a\r\nb\rc\nd\u0085e\u0001')).toBe('a\nb\nc\nd\ne');
    expect(cleanParam('Ana "Ani" ^Popescu^')).toBe('Ana Ani Popescu');
  });
});
