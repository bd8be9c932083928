/**
 * Renderers of every email about one person's registration: received (confirm your address),
 * confirmed, waitlisted, promoted, cancelled, link again, reminder, updated invite, cancelled
 * session, follow-up. Each reads the registration and the session as they are at send time, so a
 * moved session never goes out with its old time, and speaks the recipient's language and zone.
 * Invites travel the iMIP way (text/calendar; method=REQUEST or CANCEL) with the session's UID.
 */
import type { DB } from '../../core/db/open.js';
import { buildInvite } from '../../core/calendar/index.js';
import { hasFixedTime, sessionToEvent } from '../sessions/index.js';
import { t } from '../../core/i18n/index.js';
import type { Hub } from '../sessions/index.js';
import { registrationRepository } from './repository.js';
import { hubRepository, sessionRepository } from '../sessions/index.js';
import type { Registration } from './repository.js';
import type { Session } from '../sessions/index.js';
import { secretOf } from '../../core/secret.js';
import { joinToken, manageToken, replyToken } from './tokens.js';
import { addressOf, plusAddress } from '../../core/reply-address.js';
import { formatDurationMinutes, formatInZone } from '../../core/time/index.js';
import { renderPersonalLayout, type EmailBlock } from '../../core/outbox/layout.js';
import { greeting, sessionFacts, standardFooter } from '../sessions/index.js';
import type { EmailKindRegistry } from '../../core/outbox/registry.js';
import type { EmailRenderer, RenderContext, RenderedEmail, WithdrawDecision } from '../../core/outbox/types.js';
import { mustExist } from '../../core/errors.js';
import { materialBlocks } from '../materials/index.js';
import { sessionShape, type SessionShape } from './email-shapes.js';

/** The kinds that still make sense once a session is cancelled. */
const CANCEL_KINDS = new Set(['invite.cancel', 'registration.cancelled', 'notice', 'followup']);

/** The repositories the renderers read, shared with the services of the same database. */
const repos = (db: DB) => ({ registrations: registrationRepository(db), sessions: sessionRepository(db), hubs: hubRepository(db) });

interface Personal<P = unknown> {
  ctx: RenderContext<P>;
  reg: Registration;
  session: Session;
  hub: Hub;
  lang: string;
  zone: string;
  base: string;
  manageUrl: string;
  confirmUrl: string;
  joinUrl: string;
  /** The registration's reply address (REPLY_ADDRESS plus its token), when replies are received. */
  replyAddress: string | undefined;
  /** The tokens in these links: sent, never kept in the outbox copy. */
  tokens: string[];
  /** What the emails of this session version say alike to everyone in this language and zone (see shapeOf). */
  shape?: SessionShape;
}

/** The session's shared parts for this email, read once per email. */
const shapeOf = (p: Personal): SessionShape => (p.shape ??= sessionShape(p.ctx.db, p.ctx.config, p.session, p.hub, p.lang, p.zone));

function personal<P>(ctx: RenderContext<P>): Personal<P> | WithdrawDecision {
  const r = repos(ctx.db);
  const reg = ctx.row.registration_id === null ? undefined : r.registrations.get(ctx.row.registration_id);
  if (!reg || reg.anonymisedAt !== null || !reg.email) return { withdraw: 'registration erased' };
  const session = r.sessions.get(reg.sessionId);
  if (!session) return { withdraw: 'session deleted' };
  // After a session is cancelled only the cancellations themselves still go out.
  if (session.status === 'cancelled' && !CANCEL_KINDS.has(ctx.row.kind)) return { withdraw: 'session cancelled' };
  const secret = secretOf(ctx.db, ctx.config);
  const base = ctx.config.publicUrl.replace(/\/+$/, '');
  const token = manageToken(secret, reg.tokenNonce);
  const join = joinToken(secret, reg.id, reg.tokenNonce);
  const reply = ctx.config.replyAddress ? replyToken(secret, reg.id, reg.tokenNonce) : undefined;
  return {
    ctx,
    reg,
    session,
    hub: mustExist(r.hubs.get(session.hubId), 'hub'),
    lang: ctx.row.language,
    zone: ctx.row.zone,
    base,
    manageUrl: `${base}/r/${token}`,
    confirmUrl: `${base}/r/${token}/confirm`,
    joinUrl: `${base}/join/${join}`,
    replyAddress: reply && ctx.config.replyAddress ? plusAddress(ctx.config.replyAddress, reply) : undefined,
    tokens: reply ? [token, join, reply] : [token, join],
  };
}

/**
 * The time, printed once: the facts (the recipient's zone and the session's), then the join button
 * and the add-to-calendar links (Google, Outlook.com, Microsoft 365) whose text is in the
 * recipient's language.
 */
function whenBlocks(p: Personal, opts: { join?: boolean; links?: boolean } = {}): EmailBlock[] {
  const { session, lang } = p;
  const shape = shapeOf(p);
  const blocks: EmailBlock[] = [{ type: 'facts', rows: shape.facts }];
  if (hasFixedTime(session) && session.status !== 'cancelled') {
    if (opts.join) blocks.push({ type: 'button', href: p.joinUrl, label: t(lang, 'email.join.button') }, { type: 'paragraph', text: t(lang, 'email.join.note') });
    if (opts.links) {
      // The public event's add-to-calendar links, then the agenda as the invite lists it: one line
      // per item in the recipient's zone (nothing when there is none).
      blocks.push(...shape.calendarButtons);
      if (shape.agendaText) blocks.push({ type: 'paragraph', text: shape.agendaText });
    }
  } else if (session.status === 'tentative') {
    blocks.push({ type: 'paragraph', text: t(lang, 'email.reg.tentative') });
  }
  return blocks;
}

function invite(p: Personal, method: 'REQUEST' | 'CANCEL'): RenderedEmail['icalEvent'] | undefined {
  const { session } = p;
  if (!hasFixedTime(session) || session.status === 'tentative') return undefined;
  if (method === 'REQUEST' && session.status === 'cancelled') return undefined;
  // The invite's text (description, dates) in the recipient's language, not the session's.
  const ev = sessionToEvent(session, p.hub, { publicUrl: p.base, includeJoinUrl: method === 'REQUEST', language: p.lang });
  if (method === 'REQUEST' && session.joinUrl) ev.url = p.joinUrl; // the personal link, which records attendance
  // The agenda too, one line per item, in the recipient's language and zone (a cancellation carries none).
  if (method === 'REQUEST') ev.agenda = shapeOf(p).agenda;
  const content = buildInvite(
    method === 'CANCEL' ? { ...ev, status: 'CANCELLED' } : ev,
    { name: p.reg.name, email: mustExist(p.reg.email, 'email address') },
    { method, stampMs: p.ctx.clock.now(), ...(p.replyAddress ? { replyTo: { email: p.replyAddress, sentBy: addressOf(p.ctx.config.mailFrom) } } : {}) },
  );
  return { method, content, filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics' };
}

function finish(p: Personal, subject: string, blocks: EmailBlock[], extra: Partial<RenderedEmail> = {}, footer?: string[]): RenderedEmail {
  const { lang, zone } = p;
  const all: EmailBlock[] = [...blocks, { type: 'button', href: p.manageUrl, label: t(lang, 'email.reg.manage') }];
  // The greeting and the buttons whose links hold a token are the recipient's; the rest is shared.
  const personalLinks = all.flatMap((b) => (b.type === 'button' && p.tokens.some((token) => b.href.includes(token)) ? [b.href] : []));
  const { html, text } = renderPersonalLayout({
    lang,
    subject,
    preheader: p.session.title,
    greeting: greeting(lang, p.reg.name),
    blocks: all,
    signoff: t(lang, 'email.reg.signoff', { hub: p.hub.name }),
    footer: footer ?? standardFooter(lang, zone),
  }, personalLinks);
  // Answers go to the registration's reply address when replies are received (calendar answers are
  // read, anything else is passed on to the hub), else to the organising hub's mailbox; never to the
  // no-reply sender.
  const replyTo = p.replyAddress ?? p.hub.contactEmail;
  return { subject, text, html, ...extra, headers: { ...(replyTo ? { 'Reply-To': replyTo } : {}), ...extra.headers }, personalTokens: p.tokens };
}

/** A renderer for a registration's email: withdrawn when the registration or its session is gone. */
const withPersonal =
  <P = unknown>(fn: (p: Personal<P>) => RenderedEmail | WithdrawDecision): EmailRenderer<P> =>
  (ctx) => {
    const p = personal(ctx);
    return 'withdraw' in p ? p : fn(p);
  };

const title = (p: Personal) => ({ title: p.session.title });

export const receivedRenderer = withPersonal((p) => {
  const { lang, reg } = p;
  if (reg.status === 'cancelled' || reg.status === 'expired') return { withdraw: 'registration no longer active' };
  const blocks: EmailBlock[] = [
    { type: 'paragraph', text: t(lang, 'email.reg.received.intro', title(p)) },
    { type: 'button', href: p.confirmUrl, label: t(lang, 'email.reg.received.button') },
    {
      type: 'paragraph',
      text:
        reg.status === 'waitlisted'
          ? t(lang, 'email.reg.received.waitlist')
          : reg.holdUntil === null
            ? t(lang, 'email.reg.received.unheld')
            : t(lang, 'email.reg.received.hold', { hours: Math.max(1, Math.round((reg.holdUntil - p.ctx.clock.now()) / 3_600_000)) }),
    },
    ...whenBlocks(p),
  ];
  return finish(p, t(lang, 'email.reg.received.subject', title(p)), blocks);
});

export const confirmedRenderer = withPersonal((p) => {
  const { lang, reg } = p;
  if (reg.status !== 'confirmed') return { withdraw: 'registration not confirmed' };
  // A session without a fixed date has no invitation yet: the text must not promise one attached.
  const icalEvent = invite(p, 'REQUEST');
  const blocks: EmailBlock[] = [{ type: 'paragraph', text: t(lang, icalEvent ? 'email.reg.confirmed.intro' : 'email.reg.confirmed.introNoInvite', title(p)) }, ...whenBlocks(p, { join: true, links: true })];
  return finish(p, t(lang, 'email.reg.confirmed.subject', title(p)), blocks, { icalEvent });
});

export const waitlistedRenderer = withPersonal((p) => {
  const { lang, reg } = p;
  if (reg.status !== 'waitlisted') return { withdraw: 'no longer on the waitlist' };
  const position = repos(p.ctx.db).registrations.waitlistPosition(reg.id);
  const blocks: EmailBlock[] = [{ type: 'paragraph', text: t(lang, 'email.reg.waitlisted.intro', { ...title(p), position }) }, ...whenBlocks(p)];
  return finish(p, t(lang, 'email.reg.waitlisted.subject', title(p)), blocks);
});

export const promotedRenderer = withPersonal((p) => {
  const { lang, reg } = p;
  if (reg.status === 'confirmed') {
    const icalEvent = invite(p, 'REQUEST');
    const blocks: EmailBlock[] = [{ type: 'paragraph', text: t(lang, icalEvent ? 'email.reg.promoted.intro' : 'email.reg.promoted.introNoInvite', title(p)) }, ...whenBlocks(p, { join: true, links: true })];
    return finish(p, t(lang, 'email.reg.promoted.subject', title(p)), blocks, { icalEvent });
  }
  if (reg.status === 'pending') {
    const blocks: EmailBlock[] = [
      { type: 'paragraph', text: t(lang, 'email.reg.promoted.confirm', title(p)) },
      { type: 'button', href: p.confirmUrl, label: t(lang, 'email.reg.received.button') },
      ...whenBlocks(p),
    ];
    return finish(p, t(lang, 'email.reg.promoted.subject', title(p)), blocks);
  }
  return { withdraw: 'registration no longer active' };
});

export const cancelledRenderer = withPersonal((p) => {
  const { lang, reg } = p;
  const blocks: EmailBlock[] = [{ type: 'paragraph', text: t(lang, 'email.reg.cancelled.intro', title(p)) }, { type: 'facts', rows: shapeOf(p).facts }];
  // The cancellation of their calendar copy, for those who were sent an invite.
  const hadInvite = reg.confirmedAt !== null;
  return finish(p, t(lang, 'email.reg.cancelled.subject', title(p)), blocks, hadInvite ? { icalEvent: invite(p, 'CANCEL') } : {});
});

export const linkRenderer = withPersonal((p) => {
  const { lang } = p;
  const blocks: EmailBlock[] = [{ type: 'paragraph', text: t(lang, 'email.reg.link.intro', title(p)) }, ...whenBlocks(p)];
  return finish(p, t(lang, 'email.reg.link.subject', title(p)), blocks);
});

/** What a reminder row carries: how long before the start, and the start it was queued for. */
export interface ReminderPayload {
  offset?: number;
  startUtc?: number;
}

export const reminderRenderer = withPersonal<ReminderPayload>((p) => {
  const { lang, reg, session } = p;
  const payload = p.ctx.payload ?? {};
  if (reg.status !== 'confirmed') return { withdraw: 'registration not confirmed' };
  if (session.status !== 'scheduled' || session.startUtc === null) return { withdraw: 'session not scheduled' };
  if (payload.startUtc !== session.startUtc) return { withdraw: 'session moved' };
  if (p.ctx.clock.now() >= session.startUtc) return { withdraw: 'session started' };
  const when = formatInZone(session.startUtc, p.zone, lang);
  const blocks: EmailBlock[] = [{ type: 'paragraph', text: t(lang, 'email.reminder.intro', { ...title(p), when }) }, ...whenBlocks(p, { join: true, links: true })];
  const offset = payload.offset ?? 60;
  // The largest unit the offset is a whole number of: 5 minutes, 1 hour, 90 minutes, 2 days, 1 week.
  const [subjectKey, size] = offset % 10080 === 0 ? (['email.reminder.subjectWeeks', 10080] as const) : offset % 1440 === 0 ? (['email.reminder.subjectDays', 1440] as const) : offset % 60 === 0 ? (['email.reminder.subjectHours', 60] as const) : (['email.reminder.subjectMinutes', 1] as const);
  return finish(p, t(lang, subjectKey, { ...title(p), n: Math.max(1, Math.round(offset / size)), iso: formatDurationMinutes(offset) }), blocks);
});

export interface UpdatePayload {
  changes: { field: string; before: string | number | null; after: string | number | null }[];
  firstFixed?: boolean;
}

function describeChange(p: Personal, c: UpdatePayload['changes'][number]): string {
  const { lang, zone } = p;
  if (c.field === 'startUtc') {
    const fmt = (v: unknown) => (typeof v === 'number' ? formatInZone(v, zone, lang) : t(lang, 'email.time.tbc'));
    return t(lang, 'email.update.time', { before: fmt(c.before), after: fmt(c.after) });
  }
  if (c.field === 'durationMinutes') return t(lang, 'email.update.duration', { before: String(c.before), after: String(c.after) });
  if (c.field === 'title') return t(lang, 'email.update.title', { before: String(c.before), after: String(c.after) });
  if (c.field === 'joinUrl') return t(lang, 'email.update.joinUrl');
  return t(lang, 'email.update.other');
}

export const updateRenderer = withPersonal<UpdatePayload>((p) => {
  const { lang, reg, session } = p;
  if (reg.status !== 'confirmed') return { withdraw: 'registration not confirmed' };
  if (session.status === 'cancelled' || !hasFixedTime(session) || session.status === 'tentative') return { withdraw: 'session not scheduled' };
  const payload = p.ctx.payload;
  const blocks: EmailBlock[] = [
    { type: 'paragraph', text: t(lang, payload.firstFixed ? 'email.update.fixedIntro' : 'email.update.intro', title(p)) },
    ...(payload.firstFixed ? [] : (payload.changes ?? []).map((c): EmailBlock => ({ type: 'paragraph', text: '• ' + describeChange(p, c) }))),
    ...whenBlocks(p, { join: true, links: true }),
  ];
  return finish(p, t(lang, payload.firstFixed ? 'email.update.fixedSubject' : 'email.update.subject', title(p)), blocks, { icalEvent: invite(p, 'REQUEST') });
});

export const sessionCancelledRenderer = withPersonal((p) => {
  const { lang, session } = p;
  if (session.status !== 'cancelled') return { withdraw: 'session not cancelled' };
  const blocks: EmailBlock[] = [{ type: 'paragraph', text: t(lang, 'email.sessionCancelled.intro', title(p)) }, { type: 'facts', rows: shapeOf(p).facts }];
  return finish(p, t(lang, 'email.sessionCancelled.subject', title(p)), blocks, { icalEvent: invite(p, 'CANCEL') });
});

export interface FollowupPayload {
  audience: 'attendees' | 'absentees';
  subject: string;
  body: string;
  nextSessionId?: number | null;
}

export const followupRenderer = withPersonal<FollowupPayload>((p) => {
  const { lang, reg } = p;
  if (!reg.followupConsent) return { withdraw: 'no consent to follow-up emails' };
  const payload = p.ctx.payload;
  // The materials the recipient may see (attendees' ones once their attendance is recorded), as they are at send time.
  const blocks: EmailBlock[] = [{ type: 'quote', text: payload.body }, ...materialBlocks(p.ctx.db, p.session.id, reg, lang)];
  if (payload.nextSessionId) {
    const next = repos(p.ctx.db).sessions.get(payload.nextSessionId);
    if (next && next.status !== 'cancelled') {
      blocks.push({ type: 'heading', text: t(lang, 'email.followup.next') });
      blocks.push({ type: 'facts', rows: sessionFacts(next, lang, p.zone) });
      const token = p.manageUrl.slice(p.manageUrl.lastIndexOf('/') + 1);
      blocks.push({ type: 'button', href: `${p.base}/sessions/${next.id}?prefill=${token}#h-register`, label: t(lang, 'email.followup.register') });
    }
  }
  const footer = [t(lang, 'email.followup.why'), ...standardFooter(lang, p.zone).slice(1)];
  return finish(p, payload.subject, blocks, {}, footer);
});

export const PERSONAL_KINDS = {
  'registration.received': receivedRenderer,
  'registration.confirmed': confirmedRenderer,
  'registration.waitlisted': waitlistedRenderer,
  'registration.promoted': promotedRenderer,
  'registration.cancelled': cancelledRenderer,
  'registration.link': linkRenderer,
  reminder: reminderRenderer,
  'invite.update': updateRenderer,
  'invite.cancel': sessionCancelledRenderer,
  followup: followupRenderer,
} as const;

/** Adds the personal kinds to an app's registry (once; calling it again changes nothing). */
export function registerPersonalEmailKinds(registry: EmailKindRegistry): void {
  for (const [kind, renderer] of Object.entries(PERSONAL_KINDS)) {
    if (!registry.has(kind)) registry.register(kind, renderer);
  }
}
