/**
 * An organiser's message to the people registered for a session (confirmed, or also those on the
 * waitlist and pending), each in their language and zone, through the outbox: only the people the
 * caller may see (a co-hosting hub messages the registrants who chose it).
 */
import type { PersonalScope } from '../../core/access/index.js';
import type { Clock } from '../../core/clock.js';
import { immediate, type DB } from '../../core/db/open.js';
import { FieldErrors } from '../../core/errors.js';
import { enqueue } from '../../core/outbox/queue.js';
import { singleLine, str } from '../../core/text.js';
import type { RegistrationRepository } from './repository.js';

export interface MessageInput {
  subject?: unknown;
  body?: unknown;
  audience?: unknown;
}

/** `sent` runs in the same transaction once the messages are queued (the audit log's entry). */
export function messageRegistrants(
  ctx: { db: DB; repo: RegistrationRepository; clock: Clock },
  sessionId: number,
  input: MessageInput,
  scope: PersonalScope,
  sent?: (recipients: number, audience: string) => void,
): number {
  const errs = new FieldErrors();
  const subject = singleLine(str(input.subject));
  const body = str(input.body).replace(/\r\n?/g, '\n').trim();
  if (!subject) errs.add('subject', 'required', 'a subject is required');
  else if (subject.length > 200) errs.add('subject', 'too_long', 'at most 200 characters', { max: 200 });
  if (!body) errs.add('body', 'required', 'a message is required');
  else if (body.length > 20_000) errs.add('body', 'too_long', 'at most 20000 characters', { max: 20000 });
  const audience = str(input.audience) || 'confirmed';
  if (!['confirmed', 'active'].includes(audience)) errs.add('audience', 'audience_invalid', 'confirmed or active');
  errs.throwIfAny();
  return immediate(ctx.db, () => {
    const now = ctx.clock.now();
    // Only the people the caller may see: a co-hosting hub messages the registrants who chose it.
    const statuses = audience === 'confirmed' ? ['confirmed'] : ['confirmed', 'pending', 'waitlisted'];
    const people = ctx.repo.list(sessionId, scope).filter((r) => statuses.includes(r.status));
    let n = 0;
    for (const reg of people) {
      if (!reg.email) continue;
      const id = enqueue(
        ctx.db,
        {
          kind: 'notice',
          dedupeKey: `registration:${reg.id}:${reg.cycle}:notice:${now}`,
          to: { email: reg.email, name: reg.name },
          language: reg.language,
          zone: reg.zone,
          sessionId,
          registrationId: reg.id,
          payload: { subject, body },
        },
        ctx.clock,
      );
      if (id !== null) n++;
    }
    sent?.(n, audience);
    return n;
  });
}
