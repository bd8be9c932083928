/**
 * The dispatcher's side of the outbox: claiming due rows under a lease, recording each result,
 * renewing and giving back leases. Every step is one statement or one IMMEDIATE transaction, so
 * several dispatchers (processes) can share one database.
 */
import type { DB } from '../db/open.js';
import { messageIdFor } from './message-id.js';
import { stmts } from './statements.js';
import type { OutboxRow, RenderedEmail } from './types.js';

// ---------------------------------------------------------------------------------------------
// Dispatcher side (used by dispatcher.ts)

export interface ClaimOptions {
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** Host part of the Message-IDs given to rows that have none yet. */
  messageIdHost: string;
}

/**
 * One dispatcher step: expires overdue rows, then leases up to `limit` due rows (queued and due, or
 * sending with an expired lease) to `owner`, oldest due first. A cheap read of the partial indexes
 * comes first: with nothing due or overdue, the step returns without taking the write lock.
 * Otherwise everything happens in one IMMEDIATE transaction (the due rows are read again there);
 * mail_state.last_run_at therefore records the last run that found something to do.
 */
export function claimDue(db: DB, o: ClaimOptions): { claimed: OutboxRow[]; expired: { id: number; kind: string }[] } {
  const s = stmts(db);
  if (!s.anyDue.get({ now: o.now })?.due) return { claimed: [], expired: [] };
  return db
    .transaction(() => {
      const expired = s.expireOverdue.all({ now: o.now }) as { id: number; kind: string }[];
      const due = mergeDue(s.dueQueued.all({ now: o.now, limit: o.limit }), s.dueLeases.all({ now: o.now, limit: o.limit }), o.limit);
      const claimed: OutboxRow[] = [];
      const leaseUntil = o.now + o.leaseMs;
      for (const id of due) {
        const row = s.claim.get({ id, now: o.now, owner: o.owner, leaseUntil }) as OutboxRow | undefined;
        if (!row) continue;
        if (row.message_id === null) {
          row.message_id = messageIdFor(row, o.messageIdHost);
          s.setMessageId.run({ id: row.id, messageId: row.message_id });
        }
        claimed.push(row);
      }
      s.touchRun.run({ now: o.now, sent: 0 });
      claimed.sort((a, b) => a.id - b.id);
      return { claimed, expired };
    })
    .immediate();
}

/** The ids of the first `limit` rows of two lists each sorted by (t, id), in that order. */
function mergeDue(a: { id: number; t: number }[], b: { id: number; t: number }[], limit: number): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit) {
    const x = a[i];
    const y = b[j];
    if (!x && !y) break;
    if (x && (!y || x.t < y.t || (x.t === y.t && x.id < y.id))) {
      out.push(x.id);
      i++;
    } else if (y) {
      out.push(y.id);
      j++;
    }
  }
  return out;
}

type Rendered = Partial<Pick<RenderedEmail, 'subject' | 'text' | 'html'>> & { ical?: string | null; icalMethod?: string | null };

const renderedParams = (r: Rendered | undefined) => ({
  subject: r?.subject ?? null,
  text: r?.text ?? null,
  html: r?.html ?? null,
  ical: r?.ical ?? null,
  icalMethod: r?.icalMethod ?? null,
});

/** One send to record: the row, when it went, through which transport, and the copy kept. */
export interface SentRecord {
  id: number;
  now: number;
  transport: string;
  response: string | null;
  rendered: Rendered;
}

/**
 * Records several sends in one IMMEDIATE transaction (one commit instead of one per message).
 * Returns, for each, whether `owner` still held the row (false: the lease was lost meanwhile).
 */
export function markSentMany(db: DB, owner: string, records: readonly SentRecord[]): boolean[] {
  if (records.length === 0) return [];
  const s = stmts(db);
  return db
    .transaction(() => {
      const ok = records.map(
        (r) => s.markSent.run({ id: r.id, owner, now: r.now, transport: r.transport, response: r.response, ...renderedParams(r.rendered) }).changes === 1,
      );
      s.touchRun.run({ now: Math.max(...records.map((r) => r.now)), sent: 1 });
      return ok;
    })
    .immediate();
}

export function markRetry(
  db: DB,
  id: number,
  owner: string,
  now: number,
  retry: { notBefore: number; error: string; code: string; transport?: string | null; rendered?: Rendered },
): boolean {
  return (
    stmts(db).markRetry.run({
      id,
      owner,
      now,
      notBefore: retry.notBefore,
      error: retry.error,
      code: retry.code,
      transport: retry.transport ?? null,
      ...renderedParams(retry.rendered),
    }).changes === 1
  );
}

export function markFinal(
  db: DB,
  id: number,
  owner: string,
  now: number,
  status: 'failed' | 'expired' | 'withdrawn',
  info: { error?: string | null; code?: string | null; withdrawnReason?: string | null; transport?: string | null; rendered?: Rendered },
): boolean {
  return (
    stmts(db).markFinal.run({
      id,
      owner,
      now,
      status,
      error: info.error ?? null,
      code: info.code ?? null,
      withdrawnReason: info.withdrawnReason ?? null,
      transport: info.transport ?? null,
      ...renderedParams(info.rendered),
    }).changes === 1
  );
}

/** Gives a claimed row back to the queue; `uncountAttempt` undoes the attempt counted at the claim. */
export function releaseLease(db: DB, id: number, owner: string, now: number, uncountAttempt: boolean): boolean {
  return stmts(db).release.run({ id, owner, now, uncount: uncountAttempt ? 1 : 0 }).changes === 1;
}

/** Extends every lease `owner` holds to `now + leaseMs` (a dispatcher still working on its rows). Returns how many. */
export function renewLeases(db: DB, owner: string, now: number, leaseMs: number): number {
  return stmts(db).renew.run({ owner, until: now + leaseMs }).changes;
}

/** Gives every row `owner` holds back to the queue, due at once, its attempt uncounted (a dispatcher stopping). */
export function releaseOwnedLeases(db: DB, owner: string, now: number): number {
  return stmts(db).releaseOwned.run({ owner, now }).changes;
}

/** Whether `owner` still holds the row and nobody withdrew it: checked right before sending. */
export function stillLeased(db: DB, id: number, owner: string): boolean {
  return stmts(db).leased.get(id, owner)?.n === 1;
}
