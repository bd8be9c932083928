/**
 * Mail that comes back: calendar replies (iTIP METHOD:REPLY, RFC 5546/6047) to a registration's
 * reply address, delivery status notifications (RFC 3464) to a message's bounce address, and
 * anything else a person writes to a reply address. Both doors (the SMTP listener and the API
 * endpoint) hand the raw message here; a refused message is stored nowhere.
 */
import { createHash } from 'node:crypto';
import type ICAL from 'ical.js';
import type { ParsedMail, simpleParser as SimpleParser } from 'mailparser';
import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import type { DB } from '../../core/db/open.js';
import { AppError } from '../../core/errors.js';
import { enqueue, markUndeliverable } from '../../core/outbox/index.js';
import { returnAddressOf, returnTokenMatches, tokenId, type ReturnPurpose } from '../../core/reply-address.js';
import type { Registration, RegistrationRepository, RegistrationService } from '../registrations/index.js';
import type { HubRepository, SessionRepository } from '../sessions/index.js';
import { InboundRepository } from './repository.js';

/** The header Kairos puts on mail it passes on; a message carrying it is a loop. */
export const FORWARDED_HEADER = 'X-Kairos-Forwarded';

export type RefusalCode = 'not_ours' | 'too_large' | 'unparseable' | 'loop';

const REFUSALS: Record<RefusalCode, { http: number; smtp: number; enhanced: string }> = {
  not_ours: { http: 404, smtp: 550, enhanced: '5.1.1' },
  too_large: { http: 413, smtp: 552, enhanced: '5.3.4' },
  unparseable: { http: 400, smtp: 554, enhanced: '5.6.0' },
  loop: { http: 422, smtp: 554, enhanced: '5.4.6' },
};

/** A message (or recipient) refused: the HTTP status and the SMTP reply say why. */
export class InboundRefusal extends AppError {
  readonly smtpCode: number;
  readonly smtpText: string;
  constructor(readonly refusal: RefusalCode, message: string) {
    const r = REFUSALS[refusal];
    super(`inbound_${refusal}`, message, r.http);
    this.smtpCode = r.smtp;
    this.smtpText = `${r.enhanced} ${message}`;
  }
}

export type InboundOutcome =
  | 'declined'
  | 'accepted'
  | 'confirmed'
  | 'tentative'
  | 'ignored'
  | 'undeliverable'
  | 'delayed'
  | 'forwarded'
  | 'duplicate';

export interface InboundLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface InboundDeps {
  db: DB;
  clock: Clock;
  config: Pick<Config, 'replyAddress' | 'bounceAddress' | 'inboundMaxBytes'>;
  secret: string;
  registrations: RegistrationService;
  registrationRepo: RegistrationRepository;
  sessionRepo: SessionRepository;
  hubRepo: HubRepository;
  log: InboundLogger;
}

/** A recipient checked: which of our addresses, and what its token names. */
export type Recipient = { purpose: 'reply'; registration: Registration } | { purpose: 'bounce'; outboxId: number; recipientEmail: string; registrationId: number | null };

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;

export class InboundService {
  private readonly repo: InboundRepository;
  constructor(private readonly d: InboundDeps) {
    this.repo = new InboundRepository(d.db);
  }

  /** Whether replies are received at all (REPLY_ADDRESS set). */
  get enabled(): boolean {
    return this.d.config.replyAddress !== undefined;
  }

  /** Checks a recipient address: one of our reply/bounce addresses with a token that verifies. */
  recipient(address: string): Recipient {
    const found = returnAddressOf(address, { reply: this.d.config.replyAddress, bounce: this.d.config.bounceAddress });
    const id = found ? tokenId(found.token) : null;
    if (!found || id === null) throw new InboundRefusal('not_ours', 'no such recipient here');
    if (found.purpose === 'reply') {
      const reg = this.d.registrationRepo.get(id);
      if (reg && reg.anonymisedAt === null && returnTokenMatches(this.d.secret, 'reply', found.token, id, reg.tokenNonce)) return { purpose: 'reply', registration: reg };
    } else {
      const row = this.repo.outboxRow(id);
      if (row && returnTokenMatches(this.d.secret, 'bounce', found.token, id)) return { purpose: 'bounce', outboxId: row.id, recipientEmail: row.recipientEmail, registrationId: row.registrationId };
    }
    this.log('warn', found.purpose, 'unknown or foreign token: nothing changed');
    throw new InboundRefusal('not_ours', 'no such recipient here');
  }

  /** Handles one raw message addressed to `to`. Throws InboundRefusal when it is refused. */
  async receive(raw: Buffer, to?: string): Promise<InboundOutcome> {
    if (!this.enabled) throw new InboundRefusal('not_ours', 'replies are not received here (no REPLY_ADDRESS)');
    if (raw.length > this.d.config.inboundMaxBytes) throw new InboundRefusal('too_large', `message larger than ${this.d.config.inboundMaxBytes} bytes`);
    // With the recipient given, a wrong one is refused before the message is even read.
    let rcpt = to === undefined ? undefined : this.recipient(to);
    const mail = await parse(raw);
    rcpt ??= this.recipient(this.addressedTo(mail) ?? '');
    if (mail.headers.has(FORWARDED_HEADER.toLowerCase())) throw new InboundRefusal('loop', 'this message was already passed on by Kairos');
    const dsn = isDeliveryReport(mail);
    const calendar = dsn ? undefined : calendarReply(mail);
    const autoHeader = mail.headers.get('auto-submitted');
    const auto = (typeof autoHeader === 'string' ? autoHeader : 'no').trim().toLowerCase();
    // Automatic mail is refused (it could answer an answer forever), except the two kinds that are
    // automatic by nature: delivery reports and calendar replies (Google Calendar marks its replies
    // Auto-Submitted: auto-generated).
    if (!auto.startsWith('no') && !dsn && !calendar) throw new InboundRefusal('loop', `automatic message refused (Auto-Submitted: ${auto.slice(0, 40)})`);
    if (rcpt.purpose === 'bounce') {
      if (!dsn) return this.ignore('bounce', 'not a delivery status notification');
      return this.bounce(rcpt, raw);
    }
    if (calendar) return this.reply(rcpt.registration, calendar, (await parsers()).ICAL);
    return this.other(rcpt.registration, mail, raw);
  }

  /** The first of X-Original-To, Delivered-To, To that is one of our addresses. */
  private addressedTo(mail: ParsedMail): string | undefined {
    const boxes = { reply: this.d.config.replyAddress, bounce: this.d.config.bounceAddress };
    const candidates: string[] = [];
    for (const h of ['x-original-to', 'delivered-to']) {
      const v = mail.headers.get(h);
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') candidates.push(...x.split(','));
    }
    const tos = mail.to === undefined ? [] : Array.isArray(mail.to) ? mail.to : [mail.to];
    for (const t of tos) for (const a of t.value) if (a.address) candidates.push(a.address);
    return candidates.map((c) => c.trim().replace(/^<|>$/g, '')).find((c) => returnAddressOf(c, boxes) !== null);
  }

  // ------------------------------------------------------------- calendar replies

  private reply(reg: Registration, ics: string, ICAL: IcalLibrary): InboundOutcome {
    let event: ICAL.Component | null;
    let method: string;
    try {
      const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
      const m: unknown = cal.getFirstPropertyValue('method');
      method = typeof m === 'string' ? m.toUpperCase() : '';
      event = cal.getFirstSubcomponent('vevent');
    } catch {
      return this.ignore('reply', 'calendar part not readable');
    }
    if (method !== 'REPLY' || !event) return this.ignore('reply', `calendar method ${method || 'none'} is not REPLY`);
    const session = this.d.sessionRepo.get(reg.sessionId);
    if (!session || String(event.getFirstPropertyValue('uid') ?? '') !== session.calendarUid) return this.ignore('reply', 'UID is not the invite of this registration');
    // SEQUENCE is optional in a REPLY (RFC 5546 §3.2.3): a reply without one says nothing about
    // which invite it answers, so it is not taken for an answer to an older one.
    const seqValue = event.getFirstPropertyValue('sequence');
    const sequence = seqValue === null ? null : Number(seqValue);
    const current = this.repo.lastInviteSequence(reg.id);
    if (sequence !== null && current !== null && (!Number.isFinite(sequence) || sequence < current)) return this.ignore('reply', `SEQUENCE ${sequence} is older than the invite sent (${current})`);
    const attendees = event.getAllProperties('attendee');
    const mine = attendees.find((a) => String(a.getFirstValue()).replace(/^mailto:/i, '').toLowerCase() === (reg.email ?? '').toLowerCase()) ?? (attendees.length === 1 ? attendees[0] : undefined);
    const partstat = String(mine?.getParameter('partstat') ?? '').toUpperCase();
    if (partstat !== 'ACCEPTED' && partstat !== 'DECLINED' && partstat !== 'TENTATIVE') return this.ignore('reply', `PARTSTAT ${partstat || 'none'} is not an answer`);
    const done = this.d.registrations.answerInvite(reg, partstat);
    this.d.log.info({ registrationId: reg.id, partstat, done }, 'calendar reply received');
    if (done === 'inactive') return 'ignored';
    if (partstat === 'DECLINED') return 'declined';
    if (done === 'confirmed') return 'confirmed';
    return partstat === 'ACCEPTED' ? 'accepted' : 'tentative';
  }

  // ------------------------------------------------------------- bounces

  private bounce(rcpt: Extract<Recipient, { purpose: 'bounce' }>, raw: Buffer): InboundOutcome {
    const report = deliveryStatus(raw);
    const status = report.find((r) => /^[245]\.\d{1,3}\.\d{1,3}$/.test(r.status));
    if (!status) return this.ignore('bounce', 'no Status field in the delivery report');
    this.d.log.info({ outboxId: rcpt.outboxId, status: status.status }, 'delivery status notification received');
    if (status.status.startsWith('4')) return 'delayed';
    if (status.status.startsWith('2')) return 'ignored';
    // VERP: the bounce address names the message, hence the address that failed (not the report's
    // Final-Recipient, which a forwarding mailbox may have rewritten).
    const withdrawn = markUndeliverable(this.d.db, rcpt.recipientEmail, status.status, status.diagnostic || status.action || 'failed', this.d.clock);
    this.d.log.info({ outboxId: rcpt.outboxId, status: status.status, withdrawn }, 'address marked undeliverable');
    return 'undeliverable';
  }

  // ------------------------------------------------------------- anything else

  /** A person writing back: passed on to the organising hub's contact mailbox, once per Message-ID. */
  private other(reg: Registration, mail: ParsedMail, raw: Buffer): InboundOutcome {
    const session = this.d.sessionRepo.get(reg.sessionId);
    const hub = session ? this.d.hubRepo.get(session.hubId) : undefined;
    if (!session || !hub?.contactEmail) return this.ignore('reply', 'no hub mailbox to pass the message on to');
    const from = mail.from?.value[0];
    const key = createHash('sha256').update(mail.messageId ?? raw).digest('hex');
    const id = enqueue(
      this.d.db,
      {
        kind: 'inbound.forward',
        dedupeKey: `inbound.forward:${key}`,
        to: { email: hub.contactEmail, name: hub.name },
        language: hub.language,
        zone: hub.zone,
        sessionId: session.id,
        payload: {
          fromName: from?.name ?? '',
          fromEmail: from?.address ?? '',
          subject: mail.subject ?? '',
          text: (mail.text ?? '').slice(0, 50_000),
        },
      },
      this.d.clock,
    );
    this.d.log.info({ registrationId: reg.id, forwarded: id !== null }, id === null ? 'message already passed on' : 'message passed on to the hub');
    return id === null ? 'duplicate' : 'forwarded';
  }

  private ignore(purpose: ReturnPurpose, why: string): 'ignored' {
    this.log('info', purpose, `${why}: nothing changed`);
    return 'ignored';
  }

  private log(level: 'info' | 'warn', purpose: ReturnPurpose, msg: string): void {
    this.d.log[level]({ purpose }, msg);
  }
}

type IcalLibrary = typeof ICAL;

let libraries: Promise<{ simpleParser: typeof SimpleParser; ICAL: IcalLibrary }> | undefined;
/**
 * The MIME and calendar parsers, loaded with the first message rather than at start-up: most sites
 * receive no replies (no REPLY_ADDRESS), and the MIME parser alone is the largest library Kairos has.
 */
function parsers() {
  libraries ??= Promise.all([import('mailparser'), import('ical.js')]).then(([mailparser, ical]) => ({ simpleParser: mailparser.simpleParser, ICAL: ical.default }));
  return libraries;
}

/** The raw message parsed, or refused as not a mail message. */
async function parse(raw: Buffer): Promise<ParsedMail> {
  const head = raw.subarray(0, 1000).toString('latin1');
  if (!HEADER_LINE.test(head)) throw new InboundRefusal('unparseable', 'not a mail message: it does not start with a header field (RFC 5322)');
  let mail: ParsedMail;
  try {
    const { simpleParser } = await parsers();
    mail = await simpleParser(raw, { skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true });
  } catch {
    throw new InboundRefusal('unparseable', 'not a mail message: the MIME structure cannot be read');
  }
  if (!['from', 'date', 'message-id', 'content-type', 'subject'].some((h) => mail.headers.has(h))) {
    throw new InboundRefusal('unparseable', 'not a mail message: none of From, Date, Message-ID, Subject or Content-Type');
  }
  return mail;
}

function isDeliveryReport(mail: ParsedMail): boolean {
  const ct = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  return ct?.value?.toLowerCase() === 'multipart/report' && (ct.params?.['report-type'] ?? '').toLowerCase() === 'delivery-status';
}

/** The iCalendar text of the message's REPLY part, if it has one. */
function calendarReply(mail: ParsedMail): string | undefined {
  for (const a of mail.attachments) {
    const type = a.contentType.toLowerCase();
    if (type !== 'text/calendar' && type !== 'application/ics' && !/\.ics$/i.test(a.filename ?? '')) continue;
    const text = a.content.toString('utf8');
    if (/^METHOD:REPLY\r?$/im.test(text)) return text;
  }
  return undefined;
}

export interface DeliveryStatusField {
  recipient: string;
  action: string;
  status: string;
  diagnostic: string;
}

/** The per-recipient fields of the message/delivery-status part of a DSN (RFC 3464 §2.3). */
export function deliveryStatus(raw: Buffer): DeliveryStatusField[] {
  const text = raw.toString('latin1');
  const start = /^content-type:\s*message\/delivery-status[^\n]*\n/im.exec(text);
  if (!start) return [];
  const rest = text.slice(start.index + start[0].length);
  const end = rest.search(/^--/m);
  const body = (end < 0 ? rest : rest.slice(0, end)).replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ');
  const groups = body.split(/\n\s*\n/);
  const out: DeliveryStatusField[] = [];
  for (const g of groups) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(g)?.[1]?.trim() ?? '';
    const status = field('Status');
    if (!status) continue;
    out.push({ recipient: field('Final-Recipient').replace(/^rfc822;\s*/i, ''), action: field('Action').toLowerCase(), status: status.split(/\s/)[0] ?? '', diagnostic: field('Diagnostic-Code').slice(0, 300) });
  }
  return out;
}
