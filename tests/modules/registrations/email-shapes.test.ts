/**
 * The parts a session's emails share (facts, add-to-calendar links, agenda, layout) are kept between
 * emails: the next email after a change to the session, its agenda or its hub still shows the new
 * values, even when the row's version fields were left as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxRow, RenderedEmail } from '../../../src/core/outbox/types.js';
import { createEmailKinds } from '../../../src/email-kinds.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { newSession } from '../../helpers/sessions.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ env: { DISPATCHER_ENABLED: 'false' } });
});
afterAll(async () => {
  await t?.close();
});

const person = (n: number) => ({ name: `Person ${n}`, email: `person${n}@example.org`, organisation: 'Municipality', orgType: 'public', hubId: '', country: 'LT', language: 'en', zone: 'Europe/Vilnius', consent: 'on' });

/** The confirmation email of a registration, rendered as the dispatcher would now. */
async function confirmation(registrationId: number): Promise<RenderedEmail> {
  const row = must(t.db.prepare(`SELECT * FROM outbox WHERE registration_id = ? AND kind = 'registration.confirmed'`).get(registrationId) as OutboxRow | undefined, 'confirmation row');
  const out = await must(createEmailKinds().get(row.kind), 'renderer')({ row, payload: {}, db: t.db, config: t.config, clock: t.clock });
  if ('withdraw' in out) throw new Error(out.withdraw);
  return out;
}

describe('emails after a change to their session', () => {
  it('show the new title, time, agenda and hub name, for every registrant', async () => {
    const s = newSession(t, { doubleOptIn: false });
    const [a, b] = [1, 2].map((n) => t.services.registrations.register(s.id, person(n), 'api').registration);
    const first = await confirmation(must(a, 'a').id);
    expect(first.text).toContain('Wednesday, 15 April 2026, 11:00');
    expect(first.text).toContain('Open data for municipalities');
    expect(first.icalEvent?.content).not.toContain('Lightning talks');

    // Changed behind the service's back: neither the sequence nor updated_at move.
    t.db.prepare(`UPDATE sessions SET title = 'Open data, moved', start_utc = start_utc + 7200000, end_utc = end_utc + 7200000, start_time = '13:00' WHERE id = ?`).run(s.id);
    t.db.prepare(`INSERT INTO session_agenda_items (session_id, kind, title, duration_minutes, speakers, position, created_at, updated_at) VALUES (?, 'talk', 'Lightning talks', 20, '[]', 1, 0, 0)`).run(s.id);
    t.db.prepare(`UPDATE hubs SET name = 'Vilnius Lab, renamed' WHERE id = ?`).run(s.hubId);

    for (const reg of [a, b]) {
      const next = await confirmation(must(reg, 'registration').id);
      expect(next.subject).toContain('Open data, moved');
      expect(next.text).toContain('Wednesday, 15 April 2026, 13:00');
      expect(next.text).not.toContain('11:00');
      expect(next.text).toContain('Lightning talks');
      expect(next.html).toContain('Lightning talks');
      expect(next.text).toContain('Vilnius Lab, renamed');
      expect(next.icalEvent?.content).toContain('Lightning talks');
      expect(next.text).toContain(`Person ${reg === a ? 1 : 2}`);
    }
  });
});
