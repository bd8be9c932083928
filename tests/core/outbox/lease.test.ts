/**
 * Leases, moved by the clock: a row held by a dispatcher that died is taken by another one once
 * the lease has passed (under a minute), while a dispatcher that is alive keeps its rows however
 * long a send takes, and gives them back when it stops.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { Dispatcher } from '../../../src/core/outbox/dispatcher.js';
import { enqueue, getOutboxRow } from '../../../src/core/outbox/queue.js';
import { createTestDb, emailConfig, noticeInput, T0, type TestDb } from '../../helpers/email-fixtures.js';
import { SilentRelay } from '../../helpers/silent-relay.js';
import { SmtpSink } from '../../helpers/smtp-sink.js';
import { createEmailKinds } from '../../../src/email-kinds.js';

let t: TestDb;
let sink: SmtpSink;
let relay: SilentRelay;
let clock: ManualClock;
const dispatchers: Dispatcher[] = [];

beforeEach(async () => {
  t = createTestDb();
  sink = await SmtpSink.start();
  relay = await SilentRelay.start();
  clock = new ManualClock(T0);
});
afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop({ graceMs: 0 });
  await relay.close();
  await sink.close();
  t.cleanup();
});

/** A dispatcher whose relay never answers (its sends hang until stopped), with the default lease. */
function stuck(renewEveryMs: number): Dispatcher {
  const d = new Dispatcher({ registry: createEmailKinds(),
    db: t.db,
    clock,
    owner: 'stuck',
    renewEveryMs,
    config: emailConfig({ smtpUrl: relay.url, smtpConnectionTimeoutMs: 600_000, smtpSocketTimeoutMs: 600_000 }),
  });
  dispatchers.push(d);
  return d;
}

function healthy(): Dispatcher {
  const d = new Dispatcher({ registry: createEmailKinds(), db: t.db, clock, owner: 'healthy', config: emailConfig({ smtpUrl: sink.url }) });
  dispatchers.push(d);
  return d;
}

async function leasedBy(id: number, owner: string): Promise<void> {
  await vi.waitFor(() => expect(getOutboxRow(t.db, id)).toMatchObject({ status: 'sending', lease_owner: owner }), { timeout: 20_000, interval: 20 });
}

describe('outbox leases', () => {
  it('a row held by a dispatcher that died is sent by another one within a minute', async () => {
    const id = enqueue(t.db, noticeInput(1), clock)!;
    // The first dispatcher claims the row and then never renews its lease again, as a dead process would.
    void stuck(3_600_000).runOnce();
    await leasedBy(id, 'stuck');
    await vi.waitFor(() => expect(relay.connections).toBeGreaterThan(0), { timeout: 20_000, interval: 20 });

    const other = healthy();
    expect((await other.runOnce()).claimed).toBe(0); // the lease still holds

    clock.advance(60_000);
    const r = await other.runOnce();
    expect(r).toMatchObject({ claimed: 1, sent: 1 });
    expect(sink.messages).toHaveLength(1);
    expect(getOutboxRow(t.db, id)!.status).toBe('sent');
  });

  it('a dispatcher that is alive keeps its row through a long send, and gives it back when it stops', async () => {
    const id = enqueue(t.db, noticeInput(2), clock)!;
    const live = stuck(20);
    void live.runOnce();
    await leasedBy(id, 'stuck');
    const other = healthy();

    // Five minutes pass while the send hangs; the lease is renewed as time goes on.
    for (let i = 0; i < 10; i++) {
      clock.advance(30_000);
      await vi.waitFor(() => expect(getOutboxRow(t.db, id)!.lease_until).toBeGreaterThan(clock.now()), { timeout: 20_000, interval: 20 });
      expect((await other.runOnce()).claimed).toBe(0);
    }
    expect(getOutboxRow(t.db, id)).toMatchObject({ status: 'sending', lease_owner: 'stuck' });
    expect(sink.messages).toHaveLength(0);

    // Stopping gives the row back, due at once and with its attempt uncounted: nothing is lost.
    await live.stop({ graceMs: 0 });
    expect(getOutboxRow(t.db, id)).toMatchObject({ status: 'queued', lease_owner: null, attempts: 0 });
    expect(await other.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(sink.messages).toHaveLength(1);
  });
});
