import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { enqueue } from '../../core/outbox/queue.js';
import type { Registration } from './repository.js';

/** Queues one email about a registration, in its language and zone, inside the current transaction. */
export function queueRegistrationEmail(db: DB, clock: Clock, reg: Registration, kind: string, suffix = ''): number | null {
  if (!reg.email) return null;
  const short = kind.replace(/^registration\./, '');
  return enqueue(
    db,
    {
      kind,
      dedupeKey: `registration:${reg.id}:${reg.cycle}:${short}${suffix ? ':' + suffix : ''}`,
      to: { email: reg.email, name: reg.name },
      language: reg.language,
      zone: reg.zone,
      sessionId: reg.sessionId,
      registrationId: reg.id,
      payload: {},
    },
    clock,
  );
}
