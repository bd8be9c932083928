/**
 * Emails of date polls, each in the voter's language with times in the voter's zone and in the
 * organiser's zone:
 *
 * - 'poll.invite': the candidate slots and the personal voting link.
 * - 'poll.reminder': once, before the deadline, to voters who have not answered; withdrawn at send
 *   time if the voter has answered meanwhile (or the poll closed).
 * - 'poll.register-invite': the date is fixed; a link to the session page to register (no personal
 *   data in the link). Withdrawn if the person registered meanwhile or the session was cancelled.
 *
 * Payload: { pollId, voterId }. Everything else is read when the email is rendered, so a moved
 * deadline or a removed slot shows as it is at send time. The voting link is derived from the voter's
 * nonce with the server secret (secretOf: SESSION_SECRET, or the key file), never stored;
 * a link that would not open (another secret in this process) fails the email rather than go out.
 */
import type { DB } from '../../core/db/open.js';
import { t } from '../../core/i18n/index.js';
import { pollRepository } from './repository.js';
import { registrationRepository } from '../registrations/index.js';
import { sessionRepository } from '../sessions/index.js';
import type { Poll, PollVoter } from './repository.js';
import type { Session } from '../sessions/index.js';
import { sha256 } from '../../core/crypto.js';
import { POLL_EMAIL, pollState, pollVoterToken, registerUrl, voteUrl } from './rules.js';
import { secretOf } from '../../core/secret.js';
import { formatInZone } from '../../core/time/index.js';
import { renderLayout, type EmailBlock } from '../../core/outbox/layout.js';
import { greeting, sessionFacts } from '../sessions/index.js';
import type { EmailKindRegistry } from '../../core/outbox/registry.js';
import type { EmailRenderer, RenderContext, RenderedEmail, WithdrawDecision } from '../../core/outbox/types.js';

export interface PollEmailPayload {
  pollId: number;
  voterId: number;
}

/** The repositories the renderers read, shared with the services of the same database. */
const reposOf = (db: DB) => ({ polls: pollRepository(db), registrations: registrationRepository(db), sessions: sessionRepository(db) });

/** The personal voting link, derived as the server derives it; refuses to send a link that would not open. */
function voteLinkFor(ctx: RenderContext<PollEmailPayload>, voter: PollVoter): string {
  const r = reposOf(ctx.db);
  // The dispatcher is given the app's Config (the email module only types the part it reads).
  const secret = secretOf(ctx.db, ctx.config);
  const token = pollVoterToken(secret, voter.tokenNonce);
  if (r.polls.voterByTokenHash(sha256(token))?.id !== voter.id) throw new Error('the voting link does not match: the sender uses another SESSION_SECRET than the server');
  return voteUrl(ctx.config.publicUrl, token);
}

/** The token at the end of a voting link. */
const tokenOfLink = (link: string) => link.slice(link.lastIndexOf('/') + 1);

interface Loaded {
  poll: Poll;
  voter: PollVoter;
  session: Session;
}

function load(ctx: RenderContext<PollEmailPayload>): Loaded | WithdrawDecision {
  const r = reposOf(ctx.db);
  const voter = r.polls.voter(Number(ctx.payload?.voterId));
  const poll = voter && r.polls.get(voter.pollId);
  const session = poll && r.sessions.get(poll.sessionId);
  if (!voter || !poll || !session || poll.id !== Number(ctx.payload?.pollId)) return { withdraw: 'voter or poll no longer exists' };
  return { voter, poll, session };
}

function footer(lang: string, zone: string): string[] {
  return [t(lang, 'poll.email.footer.why'), t(lang, 'poll.email.footer.privacy'), t(lang, 'email.footer.auto', { zone })];
}

/** The slots as facts: the voter's time, then the organiser's when the zones differ. */
function slotFacts(ctx: RenderContext<PollEmailPayload>, poll: Poll, lang: string): { label: string; value: string }[] {
  const zone = ctx.row.zone;
  return reposOf(ctx.db)
    .polls.slots(poll.id)
    .map((s, i) => {
      const mine = formatInZone(s.startUtc, zone, lang);
      const theirs = zone === s.zone ? '' : ` — ${t(lang, 'poll.email.organiserTime')}: ${formatInZone(s.startUtc, s.zone, lang)}`;
      return { label: t(lang, 'poll.email.option', { n: i + 1 }), value: `${mine}${theirs} (${t(lang, 'email.time.minutes', { n: s.durationMinutes })})` };
    });
}

function deadlineText(poll: Poll, lang: string, zone: string): string | undefined {
  if (poll.deadlineUtc === null) return undefined;
  const mine = formatInZone(poll.deadlineUtc, zone, lang);
  const theirs = zone === poll.zone ? mine : `${mine} — ${formatInZone(poll.deadlineUtc, poll.zone, lang)}`;
  return t(lang, 'poll.email.deadline', { deadline: theirs });
}

function votingEmail(ctx: RenderContext<PollEmailPayload>, kind: 'invite' | 'reminder'): RenderedEmail | WithdrawDecision {
  const loaded = load(ctx);
  if ('withdraw' in loaded) return loaded;
  const { poll, voter, session } = loaded;
  if (kind === 'reminder' && voter.answeredAt !== null) return { withdraw: 'already answered' };
  if (!pollState(poll, session, ctx.clock.now()).open) return { withdraw: 'poll closed' };
  const lang = ctx.row.language;
  const link = voteLinkFor(ctx, voter);
  const subject = t(lang, `poll.email.${kind}.subject`, { title: session.title });
  const blocks: EmailBlock[] = [
    { type: 'paragraph', text: t(lang, `poll.email.${kind}.intro`, { title: session.title }) },
    { type: 'facts', rows: slotFacts(ctx, poll, lang) },
  ];
  const deadline = deadlineText(poll, lang, ctx.row.zone);
  if (deadline) blocks.push({ type: 'paragraph', text: deadline });
  blocks.push({ type: 'paragraph', text: t(lang, 'poll.email.howTo') });
  blocks.push({ type: 'button', href: link, label: t(lang, 'poll.email.button') });
  blocks.push({ type: 'paragraph', text: t(lang, 'poll.email.personal') });
  const { html, text } = renderLayout({
    lang,
    subject,
    preheader: session.title,
    greeting: greeting(lang, ctx.row.recipient_name),
    blocks,
    signoff: t(lang, 'email.signoff'),
    footer: footer(lang, ctx.row.zone),
  });
  return { subject, text, html, personalTokens: [tokenOfLink(link)] };
}

export const pollInviteRenderer: EmailRenderer<PollEmailPayload> = (ctx) => votingEmail(ctx, 'invite');
export const pollReminderRenderer: EmailRenderer<PollEmailPayload> = (ctx) => votingEmail(ctx, 'reminder');

export const pollRegisterInviteRenderer: EmailRenderer<PollEmailPayload> = (ctx) => {
  const loaded = load(ctx);
  if ('withdraw' in loaded) return loaded;
  const { voter, session } = loaded;
  if (session.status === 'cancelled') return { withdraw: 'session cancelled' };
  if (session.startUtc === null) return { withdraw: 'the session has no date' };
  const reg = reposOf(ctx.db).registrations.getByEmail(session.id, voter.email);
  if (reg && reg.anonymisedAt === null && ['pending', 'confirmed', 'waitlisted'].includes(reg.status)) return { withdraw: 'already registered' };
  const lang = ctx.row.language;
  const subject = t(lang, 'poll.email.registerInvite.subject', { title: session.title });
  const { html, text } = renderLayout({
    lang,
    subject,
    preheader: session.title,
    greeting: greeting(lang, ctx.row.recipient_name),
    blocks: [
      { type: 'paragraph', text: t(lang, 'poll.email.registerInvite.intro', { title: session.title }) },
      { type: 'facts', rows: sessionFacts(session, lang, ctx.row.zone) },
      { type: 'paragraph', text: t(lang, 'poll.email.registerInvite.howTo') },
      { type: 'button', href: registerUrl(ctx.config.publicUrl, session.id, lang), label: t(lang, 'poll.email.registerInvite.button') },
    ],
    signoff: t(lang, 'email.signoff'),
    footer: footer(lang, ctx.row.zone),
  });
  return { subject, text, html };
};

export const POLL_EMAIL_RENDERERS: Record<string, EmailRenderer<PollEmailPayload>> = {
  [POLL_EMAIL.invite]: pollInviteRenderer,
  [POLL_EMAIL.reminder]: pollReminderRenderer,
  [POLL_EMAIL.registerInvite]: pollRegisterInviteRenderer,
};

/** Registers the poll email kinds (once; calling it again changes nothing). */
export function registerPollEmailKinds(registry: EmailKindRegistry): void {
  for (const [kind, renderer] of Object.entries(POLL_EMAIL_RENDERERS)) {
    if (!registry.has(kind)) registry.register(kind, renderer);
  }
}
