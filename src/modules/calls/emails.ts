/**
 * Emails of calls for case studies, in the recipient's language, times in the recipient's zone and
 * in the call's zone (each named):
 *
 * - 'call.invitation': an invitation to propose a case study, with the personal link to the call.
 *   Withdrawn at send time if the call has closed, or the address was invited again (a newer link).
 * - 'call.decision': a proposal accepted, declined or sent back for changes, with the organiser's
 *   message; when changes are asked of an invited person, their personal link to make them.
 *
 * Payloads name rows (and the decision with its message, as it was taken). The link is derived from
 * the invitation's nonce with the server secret and checked against the stored hash before it goes
 * out; the copy the outbox keeps has a marker in its place.
 */
import type { DB } from '../../core/db/open.js';
import { sha256 } from '../../core/crypto.js';
import { t } from '../../core/i18n/index.js';
import { renderLayout, type EmailBlock, type EmailKindRegistry, type EmailRenderer, type RenderContext, type RenderedEmail } from '../../core/outbox/index.js';
import { secretOf } from '../../core/secret.js';
import { formatInZone } from '../../core/time/index.js';
import { greeting, hubRepository, sessionFacts, sessionRepository } from '../sessions/index.js';
import { callRepository, DECISIONS, type Call, type CallInvitation } from './repository.js';
import { CALL_EMAIL, callLinkToken, callLinkUrl, callState } from './service.js';

export interface CallInvitationPayload {
  invitationId: number;
}

export interface CallDecisionPayload {
  proposalId: number;
  callId: number;
  decision: string;
  message: string;
}

const reposOf = (db: DB) => ({ calls: callRepository(db), sessions: sessionRepository(db), hubs: hubRepository(db) });

/** The personal link of an invitation, derived as the server derives it; refuses to send a link that would not open. */
function linkFor(ctx: RenderContext<unknown>, invitation: CallInvitation): { token: string; url: string } {
  const token = callLinkToken(secretOf(ctx.db, ctx.config), invitation.tokenNonce);
  if (reposOf(ctx.db).calls.invitationByTokenHash(sha256(token))?.id !== invitation.id) throw new Error('the link does not match: the sender uses another SESSION_SECRET than the server');
  return { token, url: callLinkUrl(ctx.config.publicUrl, token) };
}

/** The deadline in the recipient's zone, and in the call's zone when it is another. */
export function deadlineText(call: Call, lang: string, zone: string): string {
  const mine = formatInZone(call.deadlineUtc, zone, lang);
  return zone === call.zone ? mine : `${mine} — ${formatInZone(call.deadlineUtc, call.zone, lang)}`;
}

function footer(lang: string, zone: string): string[] {
  return [t(lang, 'call.email.footer'), t(lang, 'email.footer.auto', { zone })];
}

const invitationRenderer: EmailRenderer<CallInvitationPayload> = (ctx) => {
  const r = reposOf(ctx.db);
  const invitation = r.calls.invitation(Number(ctx.payload?.invitationId));
  const call = invitation && r.calls.get(invitation.callId);
  const session = call && r.sessions.get(call.sessionId);
  if (!invitation || !call || !session) return { withdraw: 'invitation no longer exists' };
  if (!callState(call, ctx.clock.now()).open) return { withdraw: 'call closed' };
  // A newer invitation to the same address replaced this link: only the newer email goes out.
  if (!ctx.row.dedupe_key.endsWith(`:${invitation.tokenNonce}`)) return { withdraw: 'replaced by a newer invitation' };
  const lang = ctx.row.language;
  const zone = ctx.row.zone;
  const hub = r.hubs.get(session.hubId);
  const link = linkFor(ctx, invitation);
  const subject = t(lang, 'call.email.invite.subject', { title: session.title });
  const blocks: EmailBlock[] = [
    { type: 'paragraph', text: t(lang, 'call.email.invite.intro', { hub: hub?.name ?? '', title: session.title }) },
    { type: 'facts', rows: [...sessionFacts(session, lang, zone), { label: t(lang, 'call.deadline'), value: deadlineText(call, lang, zone) }] },
  ];
  if (call.intro) blocks.push({ type: 'quote', text: call.intro });
  blocks.push({ type: 'button', href: link.url, label: t(lang, 'call.email.invite.button') });
  blocks.push({ type: 'paragraph', text: t(lang, 'call.email.personal') });
  const { html, text } = renderLayout({ lang, subject, preheader: session.title, greeting: greeting(lang, ctx.row.recipient_name), blocks, signoff: t(lang, 'email.signoff'), footer: footer(lang, zone) });
  return { subject, text, html, personalTokens: [link.token] };
};

const decisionRenderer: EmailRenderer<CallDecisionPayload> = (ctx): RenderedEmail | { withdraw: string } => {
  const r = reposOf(ctx.db);
  const call = r.calls.get(Number(ctx.payload?.callId));
  const proposal = call && r.calls.proposal(call.id, Number(ctx.payload?.proposalId));
  const session = call && r.sessions.get(call.sessionId);
  const decision = DECISIONS.find((d) => d === ctx.payload?.decision);
  if (!call || !proposal || !session || !decision) return { withdraw: 'proposal no longer exists' };
  const lang = ctx.row.language;
  const zone = ctx.row.zone;
  const subject = t(lang, `call.email.${decision}.subject`, { title: proposal.title });
  const blocks: EmailBlock[] = [
    { type: 'paragraph', text: t(lang, `call.email.${decision}.intro`, { proposal: proposal.title, title: session.title }) },
    { type: 'facts', rows: sessionFacts(session, lang, zone) },
  ];
  const message = String(ctx.payload?.message ?? '');
  if (message) blocks.push({ type: 'heading', text: t(lang, 'call.email.message') }, { type: 'quote', text: message });
  const tokens: string[] = [];
  if (decision === 'changes') {
    const invitation = proposal.invitationId === null ? undefined : r.calls.invitation(proposal.invitationId);
    if (invitation) {
      const link = linkFor(ctx, invitation);
      tokens.push(link.token);
      blocks.push({ type: 'button', href: `${link.url}/proposals/${proposal.id}`, label: t(lang, 'call.email.changes.button') });
      blocks.push({ type: 'paragraph', text: t(lang, 'call.email.personal') });
    } else {
      // An organiser's proposal: changed in the organiser area (after signing in), no personal link.
      blocks.push({ type: 'button', href: `${ctx.config.publicUrl.replace(/\/+$/, '')}/organiser/sessions/${session.id}/call/proposals/${proposal.id}/edit`, label: t(lang, 'call.email.changes.button') });
      blocks.push({ type: 'paragraph', text: t(lang, 'call.email.changes.organiser') });
    }
  }
  const { html, text } = renderLayout({ lang, subject, preheader: proposal.title, greeting: greeting(lang, ctx.row.recipient_name), blocks, signoff: t(lang, 'email.signoff'), footer: footer(lang, zone) });
  return { subject, text, html, personalTokens: tokens };
};

/** Registers the call email kinds (once; calling it again changes nothing). */
export function registerCallEmailKinds(registry: EmailKindRegistry): void {
  if (!registry.has(CALL_EMAIL.invitation)) registry.register(CALL_EMAIL.invitation, invitationRenderer);
  if (!registry.has(CALL_EMAIL.decision)) registry.register(CALL_EMAIL.decision, decisionRenderer);
}
