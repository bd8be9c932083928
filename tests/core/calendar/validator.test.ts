/**
 * The strict validator must have teeth: calendars with the defects it exists to catch must
 * produce complaints, from each of the three parsers.
 */
import { describe, expect, it } from 'vitest';
import { lineComplaints, strictComplaints, strictComplaintsMany } from '../../helpers/ics-validate.js';
import { must } from '../../helpers/must.js';

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

const VALID_PUBLISH_FREE = crlf([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Kairos//Kairos//EN',
  'BEGIN:VEVENT',
  'UID:a@kairos.example',
  'DTSTAMP:20210601T000000Z',
  'DTSTART:20210715T080000Z',
  'DTEND:20210715T090000Z',
  'SUMMARY:Fine',
  'END:VEVENT',
  'END:VCALENDAR',
]);

// An iTIP request without ORGANIZER or ATTENDEE and without DTSTAMP.
const REQUEST_WITHOUT_PEOPLE = crlf([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Kairos//Kairos//EN',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:a@kairos.example',
  'DTSTART:20210715T080000Z',
  'DTEND:20210715T090000Z',
  'SUMMARY:Broken',
  'END:VEVENT',
  'END:VCALENDAR',
]);

// What ics writes for a CN containing a double quote.
const ESCAPED_QUOTE_IN_CN = crlf([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Kairos//Kairos//EN',
  'BEGIN:VEVENT',
  'UID:a@kairos.example',
  'DTSTAMP:20210601T000000Z',
  'DTSTART:20210715T080000Z',
  'DTEND:20210715T090000Z',
  'SUMMARY:Broken',
  'ORGANIZER;CN="Hub \\"Athens\\"":MAILTO:hub@kairos.example',
  'END:VEVENT',
  'END:VCALENDAR',
]);

// A date-time that is not one.
const BAD_DTSTART = VALID_PUBLISH_FREE.replace('DTSTART:20210715T080000Z', 'DTSTART:2021071');

describe('strict validator', () => {
  it('accepts a minimal valid calendar', async () => {
    expect(await strictComplaints(VALID_PUBLISH_FREE)).toEqual([]);
  });

  it('complains about a REQUEST without ORGANIZER, ATTENDEE and DTSTAMP (vobject and libical)', async () => {
    const complaints = await strictComplaints(REQUEST_WITHOUT_PEOPLE);
    expect(complaints.some((c) => c.startsWith('vobject') && /DTSTAMP/.test(c))).toBe(true);
    expect(complaints.some((c) => c.startsWith('libical restriction') && /ORGANIZER/.test(c))).toBe(true);
    expect(complaints.some((c) => c.startsWith('libical restriction') && /ATTENDEE/.test(c))).toBe(true);
  });

  it('complains about an escaped quote in a parameter (vobject and python-icalendar)', async () => {
    const complaints = await strictComplaints(ESCAPED_QUOTE_IN_CN);
    expect(complaints.some((c) => c.startsWith('vobject'))).toBe(true);
    expect(complaints.some((c) => c.startsWith('icalendar'))).toBe(true);
  });

  it('complains about an unparsable DTSTART (libical)', async () => {
    const complaints = await strictComplaints(BAD_DTSTART);
    expect(complaints.some((c) => c.startsWith('libical parse') && /DTSTART/.test(c))).toBe(true);
  });

  it('keeps results in order when validating many files at once', async () => {
    const [a, b, c] = await strictComplaintsMany([VALID_PUBLISH_FREE, REQUEST_WITHOUT_PEOPLE, VALID_PUBLISH_FREE]);
    expect(a).toEqual([]);
    expect(must(b, 'the second result').length).toBeGreaterThan(0);
    expect(c).toEqual([]);
  });
});

describe('line checks', () => {
  it('accept a well-formed file', () => {
    expect(lineComplaints(VALID_PUBLISH_FREE)).toEqual([]);
  });

  it('catch LF endings, long lines, blank lines and a UTF-8 character split by a fold', () => {
    expect(lineComplaints(VALID_PUBLISH_FREE.replace(/\r\n/g, '\n')).some((c) => /LF without CR/.test(c))).toBe(true);
    expect(lineComplaints(`SUMMARY:${'x'.repeat(80)}\r\n`).some((c) => /octets/.test(c))).toBe(true);
    expect(lineComplaints('BEGIN:VCALENDAR\r\n\r\nEND:VCALENDAR\r\n').some((c) => /empty/.test(c))).toBe(true);
    // "α" is CE B1 in UTF-8: a fold between its two octets.
    const split = Buffer.from('BEGIN:VCALENDAR\r\nSUMMARY:\xce\r\n \xb1\r\nEND:VCALENDAR\r\n', 'latin1');
    expect(lineComplaints(split).filter((c) => /not valid UTF-8/.test(c))).toHaveLength(2);
    // "😀" is one code point but two UTF-16 units: a fold between them.
    const emoji = '😀';
    expect(lineComplaints(`SUMMARY:${emoji[0]}\r\n ${emoji[1]}\r\n`).some((c) => /surrogate/.test(c))).toBe(true);
  });
});
