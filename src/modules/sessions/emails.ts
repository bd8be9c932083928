/**
 * The 'notice' kind: an organiser-written subject and body sent to one person about a session,
 * in the person's language, with the session's time in their zone and in the session's zone.
 *
 * Enqueue with payload `{ subject, body }` (plain text as the organiser typed it) and the
 * session id; the session is read when the email is rendered, so a moved session shows its new time.
 */
import type { DB } from '../../core/db/open.js';
import { t } from '../../core/i18n/index.js';
import { sessionRepository, type Session } from './repository.js';
import { formatInZone } from '../../core/time/index.js';
import { renderLayout, type EmailBlock } from '../../core/outbox/layout.js';
import type { EmailKindRegistry } from '../../core/outbox/registry.js';
import type { EmailRenderer, RenderContext } from '../../core/outbox/types.js';

export const NOTICE_KIND = 'notice';

export interface NoticePayload {
  /** Subject as the organiser typed it (one line; line breaks are removed). */
  subject: string;
  /** Body as the organiser typed it (plain text; paragraphs and line breaks are kept). */
  body: string;
}

function sessionById(db: DB, id: number): Session | undefined {
  return sessionRepository(db).get(id);
}

/** Session page address under the public URL (the public route is /sessions/:id). */
export function sessionUrl(publicUrl: string, sessionId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/sessions/${sessionId}`;
}

/**
 * Facts about a session for any email: title, start in the recipient's zone and in the
 * session's zone (always both, each naming its zone), duration. Shared with later kinds.
 */
export function sessionFacts(session: Session, lang: string, recipientZone: string): { label: string; value: string }[] {
  const rows = [{ label: t(lang, 'email.session.label'), value: session.title }];
  if (session.startUtc !== null) {
    rows.push(
      { label: t(lang, 'email.time.yours'), value: formatInZone(session.startUtc, recipientZone, lang) },
      { label: t(lang, 'email.time.session'), value: formatInZone(session.startUtc, session.zone, lang) },
      { label: t(lang, 'email.time.duration'), value: t(lang, 'email.time.minutes', { n: session.durationMinutes }) },
    );
  } else {
    rows.push({ label: t(lang, 'email.time.yours'), value: t(lang, 'email.time.tbc') });
  }
  return rows;
}

/** Greeting by name when there is one. */
export function greeting(lang: string, name: string): string {
  return name ? t(lang, 'email.greeting', { name }) : t(lang, 'email.greeting.anonymous');
}

/** Footer lines every email carries. */
export function standardFooter(lang: string, zone: string): string[] {
  return [t(lang, 'email.footer.why'), t(lang, 'email.footer.auto', { zone })];
}

export const noticeRenderer: EmailRenderer<NoticePayload> = ({ row, payload, db, config }: RenderContext<NoticePayload>) => {
  const lang = row.language;
  const session = row.session_id !== null ? sessionById(db, row.session_id) : undefined;
  const typedSubject = String(payload?.subject ?? '').replace(/\s+/g, ' ').trim();
  const subject = typedSubject || (session ? t(lang, 'email.notice.subjectDefault', { title: session.title }) : t(lang, 'app.name'));
  const blocks: EmailBlock[] = [];
  blocks.push({
    type: 'paragraph',
    text: session ? t(lang, 'email.notice.intro', { title: session.title }) : t(lang, 'email.notice.introNoSession'),
  });
  blocks.push({ type: 'quote', text: String(payload?.body ?? '') });
  if (session) {
    if (session.status === 'cancelled') blocks.push({ type: 'paragraph', text: t(lang, 'email.session.cancelled') });
    blocks.push({ type: 'facts', rows: sessionFacts(session, lang, row.zone) });
    blocks.push({ type: 'button', href: sessionUrl(config.publicUrl, session.id), label: t(lang, 'email.session.open') });
  }
  const { html, text } = renderLayout({
    lang,
    subject,
    preheader: session ? session.title : undefined,
    greeting: greeting(lang, row.recipient_name),
    blocks,
    signoff: t(lang, 'email.signoff'),
    footer: standardFooter(lang, row.zone),
  });
  return { subject, text, html };
};

/** Adds the 'notice' kind to an app's registry (once; calling it again changes nothing). */
export function registerNoticeEmailKind(registry: EmailKindRegistry): void {
  if (!registry.has(NOTICE_KIND)) registry.register(NOTICE_KIND, noticeRenderer);
}
