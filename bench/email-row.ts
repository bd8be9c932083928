/**
 * Section 6 of `npm run bench`: the outbox Dispatcher against raw pooled nodemailer, the same SMTP
 * sink (its own process) for both, each sender in its own process (bench/mailer.ts). Fills the small
 * database's outbox with confirmed registrations' emails, renders a sample of the very rows the
 * dispatcher will claim for the baseline, prints the table, and returns the rates and the
 * dispatcher's RSS for the summary.
 */
import type { OutboxRow } from '../src/core/outbox/types.js';
import { createEmailKinds } from '../src/email-kinds.js';
import { systemClock } from '../src/core/clock.js';
import { Child } from './child.js';
import { hubIdsOf, openKairos, registrationInput } from './kairos.js';
import type { MailRequest, MailResult } from './mailer.js';
import type { SinkStats } from './smtp-sink.js';
import { mb, num, table } from './stats.js';

export const MAIL_N = 10_000;
export const RAW_MAIL_N = 3_000;
/** Distinct messages the raw baseline sends in turn (rendered from the rows the dispatcher claims). */
const RAW_MAIL_SAMPLE = 100;
const MAIL_WARMUP = 100;
/** Rows beyond the measured ones and the warm-up: the dispatcher's warm-up may last until its checkpointing thread runs (bench/mailer.ts). */
const MAIL_SPARE = 1_500;

export interface EmailFigures {
  /** Messages per second. */
  dispatcher: number;
  raw: number;
  /** The dispatcher's RSS at the start and at the end of its measured messages, bytes. */
  rssStart: number;
  rssEnd: number;
}

export async function measureEmail(file: string, sessionId: number, out: (line?: string) => void): Promise<EmailFigures> {
  const k = openKairos(file);
  const due = () => (k.db.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'queued' AND not_before <= ?`).get(Date.now()) as { n: number }).n;
  const hubIds = hubIdsOf(k);
  const before = due();
  const need = MAIL_N + MAIL_WARMUP + MAIL_SPARE - before;
  for (let i = 0; i < need; i++) k.services.registrations.register(sessionId, registrationInput(i, 'mail-', hubIds), 'api');
  out(`   due rows: ${num(before, 0)} from the HTTP registrations + ${num(Math.max(0, need), 0)} registered in-process = ${num(due(), 0)}`);
  // The baseline sends the same messages as the dispatcher will: a sample of the rows it claims
  // (every k-th in claim order, so the same mix of languages, names and zones), each rendered once,
  // sent in turn; only the Message-ID changes.
  const claimable = k.db
    .prepare(`SELECT * FROM outbox WHERE status = 'queued' AND not_before <= ? ORDER BY not_before, id LIMIT ?`)
    .all(Date.now(), MAIL_N + MAIL_WARMUP + MAIL_SPARE) as OutboxRow[];
  const every = Math.max(1, Math.floor(claimable.length / RAW_MAIL_SAMPLE));
  const sample = claimable.filter((_, i) => i % every === 0).slice(0, RAW_MAIL_SAMPLE);
  if (sample.length === 0) throw new Error('no queued email to render');
  const kinds = createEmailKinds();
  const messages: Record<string, unknown>[] = [];
  for (const row of sample) {
    const rendered = await kinds.get(row.kind)!({ row, payload: JSON.parse(row.payload) as Record<string, unknown>, db: k.db, config: k.config, clock: systemClock });
    if ('withdraw' in rendered) throw new Error(`a sample email was withdrawn: ${rendered.withdraw}`);
    messages.push({
      from: k.config.mailFrom,
      to: { name: row.recipient_name, address: row.recipient_email },
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: { ...rendered.headers, 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'OOF, AutoReply' },
      icalEvent: rendered.icalEvent,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }
  out(`   the baseline's messages: ${num(messages.length, 0)} of the rows the dispatcher claims (every ${num(every, 0)}th, languages ${[...new Set(sample.map((r) => r.language))].sort().join(' ')}), rendered once each, sent in turn`);
  k.close();

  const sink = Child.start('./smtp-sink.ts');
  try {
    const { port } = await sink.next<{ port: number }>('ready', 15_000);
    const stats = async () => {
      const reply = sink.next<SinkStats>('stats', 10_000);
      sink.send({ type: 'stats' });
      return reply;
    };
    const runMailer = async (req: MailRequest) => {
      const m = Child.start('./mailer.ts');
      try {
        const s0 = await stats();
        const reply = m.next<MailResult>('result', 600_000);
        m.send(req);
        const r = await reply;
        const s1 = await stats();
        return { r, received: s1.messages - s0.messages, bytes: s1.bytes - s0.bytes };
      } finally {
        await m.stop();
      }
    };
    const rawMail = await runMailer({ type: 'raw', port, n: RAW_MAIL_N, warmup: MAIL_WARMUP, messages });
    const disp = await runMailer({ type: 'dispatch', port, n: MAIL_N, warmup: MAIL_WARMUP, databasePath: file });
    const rate = (x: typeof rawMail) => (x.r.sent / x.r.ms) * 1000;
    out(
      table([
        ['sender', 'messages', 'msg/s', 'ms/msg', 'received (incl. warm-up)', 'B/msg', 'CPU', 'RSS start', 'RSS end', 'RSS max'],
        ...([
          ['raw nodemailer pool (baseline)', rawMail],
          ['Kairos Dispatcher', disp],
        ] as const).map(([label, v]) => [label, num(v.r.sent, 0), num(rate(v), 0), num(v.r.ms / v.r.sent, 3), num(v.received, 0), num(v.bytes / v.received, 0), `${num((v.r.cpuMs / v.r.ms) * 100, 0)}%`, mb(v.r.rssStart), mb(v.r.rssEnd), mb(v.r.rssMax)]),
      ]),
    );
    const o = disp.r.outcomes;
    if (o) out(`   dispatcher: ${o.runs} runs; claimed ${o.claimed}, sent ${o.sent}, failed ${o.failed}, retried ${o.retried}, expired ${o.expired}, withdrawn ${o.withdrawn}, released ${o.released}; checkpointing thread ${disp.r.checkpointThread ? 'ran through the measured window' : 'did not run through the measured window'}`);
    return { dispatcher: rate(disp), raw: rate(rawMail), rssStart: disp.r.rssStart, rssEnd: disp.r.rssEnd };
  } finally {
    await sink.stop();
  }
}
