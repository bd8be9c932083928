/**
 * An email rendered exactly as the dispatcher would render it, without queueing anything: for an
 * organiser's preview. The personal links it would carry are shown as markers, never as links.
 */
import type { Clock } from '../clock.js';
import type { DB } from '../db/open.js';
import { redactRendered } from './redact.js';
import type { EmailKindRegistry } from './registry.js';
import type { EmailConfig, EnqueueInput, OutboxRow, RenderedEmail } from './types.js';

/** The row `msg` would become (not stored: id 0). */
export function unsavedRow(msg: EnqueueInput, now: number): OutboxRow {
  return {
    id: 0,
    kind: msg.kind,
    dedupe_key: msg.dedupeKey,
    recipient_email: msg.to.email,
    recipient_name: msg.to.name ?? '',
    language: msg.language,
    zone: msg.zone,
    session_id: msg.sessionId ?? null,
    registration_id: msg.registrationId ?? null,
    payload: JSON.stringify(msg.payload ?? {}),
    message_id: null,
    status: 'queued',
    attempts: 0,
    not_before: msg.notBefore ?? now,
    deadline: msg.deadline ?? null,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    last_error_code: null,
    last_attempt_at: null,
    sent_at: null,
    transport: null,
    smtp_response: null,
    withdrawn_reason: null,
    created_at: now,
    updated_at: now,
    rendered_subject: null,
    rendered_text: null,
    rendered_html: null,
    rendered_ical: null,
    rendered_ical_method: null,
  };
}

/** The email `msg` would be, or undefined if its renderer would withdraw it. */
export async function renderPreview(registry: EmailKindRegistry, msg: EnqueueInput, ctx: { db: DB; config: EmailConfig; clock: Clock }): Promise<RenderedEmail | undefined> {
  const renderer = registry.get(msg.kind);
  if (!renderer) throw new Error(`no renderer for email kind "${msg.kind}"`);
  const out = await renderer({ row: unsavedRow(msg, ctx.clock.now()), payload: msg.payload, ...ctx });
  return 'withdraw' in out ? undefined : redactRendered(out, ctx.config.publicUrl);
}
