/**
 * What the pooled SMTP transport hands the relay is the message as composed, whole: long bodies,
 * lines that start with a dot (which SMTP escapes), long lines, non-Latin text and the invite all
 * arrive as they were written, read back by mailparser from a real SMTP server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { createSmtpTransport, type MailTransport } from '../../../src/core/outbox/transport.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';
import { must } from '../../helpers/must.js';

let sink: SmtpSink;
let transport: MailTransport;
beforeEach(async () => {
  sink = await SmtpSink.start();
  transport = createSmtpTransport(sink.url, { maxConnections: 2 });
});
afterEach(async () => {
  transport.close();
  await sink.close();
});

const ics = (n: number) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kairos//test//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT', `UID:session-${n}@kairos.example`, 'SEQUENCE:0', 'DTSTAMP:20210701T090000Z', 'DTSTART:20210715T080000Z', 'DTEND:20210715T093000Z', `SUMMARY:Επόμενη γενιά δημόσιων υπηρεσιών ${n}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

/** A body of about `kb` KB with the lines SMTP and quoted-printable treat specially. */
function body(n: number, kb: number): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < kb * 1024; i++) {
    lines.push(
      ['.', '..', '. a line that starts with a dot', `Γραμμή ${i} – Next generation of public services, ${n}`, 'x'.repeat(120 + (i % 900)), 'Ένα =3D και μια τελεία .', ''][i % 7]!,
    );
  }
  return lines.join('\n');
}

describe('the pooled SMTP transport', () => {
  it('delivers long messages byte for byte: text, HTML and the invite, also lines starting with a dot', async () => {
    const sent = [1, 2, 3].map((n) => ({
      from: 'Kairos <no-reply@kairos.example>',
      to: { name: `Ανna ${n}`, address: `anna${n}@example.org` },
      subject: `Session ${n}`,
      text: body(n, n === 3 ? 300 : 20),
      html: `<p>${body(n, n === 3 ? 200 : 10).replaceAll('\n', '<br>\n')}</p>`,
      messageId: `<outbox-${n}.test@kairos.example>`,
      date: new Date('2021-07-01T09:00:00Z'),
      icalEvent: { method: 'REQUEST' as const, content: ics(n) },
    }));
    await Promise.all(sent.map((m) => transport.send(m)));
    await sink.waitFor(3);
    for (const m of sent) {
      const got = must(
        sink.messages.find((x) => x.parsed.messageId === m.messageId),
        m.messageId,
      );
      expect(got.envelope.rcptTo).toEqual([m.to.address]);
      expect(got.parsed.text).toBe(m.text);
      expect(got.parsed.html).toBe(m.html);
      const invite = must(
        got.parsed.attachments.find((a) => a.contentType === 'text/calendar'),
        'the invite',
      );
      expect(invite.content.toString('utf8')).toBe(m.icalEvent.content);
      expect(ICAL.Component.fromString(invite.content.toString('utf8')).getFirstSubcomponent('vevent')!.getFirstPropertyValue('summary')).toContain('Επόμενη');
    }
  });
});
