/**
 * The outbox rows of the run: the dispatcher's tick with nothing due, and the queries it makes,
 * timed in-process on a database file (see README.md, step 2).
 */
import type { DB } from '../src/core/db/open.js';
import { claimDue, releaseOwnedLeases } from '../src/core/outbox/leases.js';
import { stmts } from '../src/core/outbox/statements.js';
import { nowMs, quantile, Samples } from './stats.js';

/** Calls timed at most, and for how long, per figure (at least 3 calls, after one warm-up call). */
const TICK_MAX_N = 300;
const TICK_MAX_MS = 3_000;

export interface Tick {
  tickMs: number;
  tickP90: number;
  dueMs: number;
  expireMs: number;
  n: number;
  claimed: number;
  plans: string[];
}

function timeMedian(fn: () => void): { med: number; p90: number; n: number } {
  fn(); // warm-up: statements prepared, pages cached
  const s = new Samples();
  const start = nowMs();
  while (s.length < 3 || (s.length < TICK_MAX_N && nowMs() - start < TICK_MAX_MS)) {
    const a = nowMs();
    fn();
    s.push(nowMs() - a);
  }
  const sorted = s.sorted();
  return { med: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), n: s.length };
}

/** The dispatcher's tick with nothing due (claimDue: a probe of the partial indexes, and only when something is due the IMMEDIATE transaction), and its queries alone. */
export function claimTick(db: DB): Tick {
  const s = stmts(db);
  const owner = 'bench-probe';
  let claimed = 0;
  const tick = timeMedian(() => {
    claimed += claimDue(db, { owner, now: Date.now(), leaseMs: 30_000, limit: 50, messageIdHost: 'kairos.localhost' }).claimed.length;
  });
  if (claimed) releaseOwnedLeases(db, owner, Date.now());
  // The due query: the two index reads a claim makes (queued rows due, abandoned leases).
  const due = timeMedian(() => {
    s.dueQueued.all({ now: Date.now(), limit: 50 });
    s.dueLeases.all({ now: Date.now(), limit: 50 });
  });
  const expire = timeMedian(() => s.expireOverdue.all({ now: Date.now() }));
  const plan = (sql: string, params: Record<string, number>) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('; ');
  return {
    tickMs: tick.med,
    tickP90: tick.p90,
    dueMs: due.med,
    expireMs: expire.med,
    n: tick.n,
    claimed,
    plans: [
      `idle probe: ${plan(s.anyDue.source, { now: 0 })}`,
      `due queued: ${plan(s.dueQueued.source, { now: 0, limit: 50 })}`,
      `due leases: ${plan(s.dueLeases.source, { now: 0, limit: 50 })}`,
      `expire: ${plan(s.expireOverdue.source, { now: 0 })}`,
    ],
  };
}
