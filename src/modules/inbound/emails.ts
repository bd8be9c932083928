/**
 * `inbound.forward`: a message a person wrote to their registration's reply address, passed on
 * once to the organising hub's contact mailbox, in the hub's language. Reply-To is the person, so
 * the hub answers them directly; X-Kairos-Forwarded marks it, so that it is never taken in again.
 */
import { renderLayout, type EmailKindRegistry, type EmailRenderer } from '../../core/outbox/index.js';
import { t } from '../../core/i18n/index.js';
import { headerLine } from '../../core/text.js';
import { sessionRepository } from '../sessions/index.js';
import { FORWARDED_HEADER } from './service.js';

export const FORWARD_KIND = 'inbound.forward';

export interface ForwardPayload {
  fromName: string;
  fromEmail: string;
  subject: string;
  text: string;
}

const forwardRenderer: EmailRenderer<ForwardPayload> = ({ row, payload, db }) => {
  const lang = row.language;
  const session = row.session_id === null ? undefined : sessionRepository(db).get(row.session_id);
  const name = headerLine(payload.fromName || payload.fromEmail, 200);
  const subject = t(lang, 'email.forward.subject', { name, subject: headerLine(payload.subject, 200) || '—' });
  const { html, text } = renderLayout({
    lang,
    subject,
    blocks: [
      { type: 'paragraph', text: t(lang, 'email.forward.intro', { name, email: payload.fromEmail, title: session?.title ?? '—' }) },
      { type: 'quote', text: payload.text },
    ],
  });
  const replyTo = headerLine(payload.fromEmail, 320);
  return { subject, text, html, headers: { [FORWARDED_HEADER]: '1', ...(replyTo ? { 'Reply-To': replyTo } : {}) } };
};

export function registerInboundEmailKinds(registry: EmailKindRegistry): void {
  if (!registry.has(FORWARD_KIND)) registry.register(FORWARD_KIND, forwardRenderer);
}
