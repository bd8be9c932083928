/**
 * The organiser's mailbox: what an organiser may see of the outbox (the access policy's mail rule),
 * sending one email again, and resuming a paused dispatcher (administrators).
 */
import { assertCanGlobal, mailAccess } from '../../core/access/index.js';
import type { Clock } from '../../core/clock.js';
import type { DB } from '../../core/db/open.js';
import { notFound } from '../../core/errors.js';
import { requeue, resumeDispatch } from '../../core/outbox/queue.js';
import type { OutboxStatus } from '../../core/outbox/types.js';
import type { Organiser } from '../organisers/index.js';
import { getMail, listMail, mailSummary, type MailDetail, type MailListItem, type MailScope, type MailSummary } from './repository.js';

/** The access policy's mail rule, as the outbox queries take it. */
const scopeOf = (o: Organiser): MailScope => {
  const access = mailAccess(o);
  return 'all' in access ? {} : { hubId: access.hubId };
};

export class MailService {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
  ) {}

  /** A page of the mail `o` may see, newest first, with the total and the counts for the page's summary. */
  page(o: Organiser, f: { status?: OutboxStatus; sessionId?: number; limit: number; offset: number }): { rows: MailListItem[]; total: number; summary: MailSummary } {
    const scope = scopeOf(o);
    const { rows, total } = listMail(this.db, { ...scope, ...f });
    return { rows, total, summary: mailSummary(this.db, { ...scope, now: this.clock.now() }) };
  }

  /** One email `o` may see; 404 otherwise (outside the scope looks like nothing at all). */
  get(o: Organiser, id: number): MailDetail {
    const mail = getMail(this.db, id, scopeOf(o));
    if (!mail) throw notFound('email');
    return mail;
  }

  /** Sends a failed, expired or withdrawn email again (same Message-ID). */
  retry(o: Organiser, id: number): MailDetail {
    const mail = this.get(o, id);
    requeue(this.db, mail.id, this.clock);
    return mail;
  }

  /** Resumes a paused dispatcher: administrators only. */
  resume(o: Organiser): void {
    assertCanGlobal(o, 'mail.resume');
    resumeDispatch(this.db);
  }
}
