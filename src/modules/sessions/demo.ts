/**
 * The demo series a fresh installation gets (src/seed/seed-demo.ts): where it is recorded, and its
 * removal in one action by an administrator — its sessions with their registrations, poll and mail,
 * then the series. Once removed it is never added again.
 */
import { auditWriter, type AuditActor } from '../../core/audit/index.js';
import { immediate, type DB } from '../../core/db/open.js';
import type { SettingsRepository } from '../../core/db/settings.js';

/** Setting holding the demo series' id while it exists, and 'removed' once it was removed. */
export const DEMO_SETTING = 'demo.series';
export const DEMO_SLUG_PREFIX = 'demo-';

export interface DemoState {
  seriesId: number;
  sessionIds: number[];
}

export function demoState(db: DB, settings: SettingsRepository): DemoState | undefined {
  const value = settings.get(DEMO_SETTING);
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const seriesId = Number(value);
  const sessionIds = db.prepare<[number], { id: number }>('SELECT id FROM sessions WHERE series_id = ? ORDER BY id').all(seriesId).map((r) => r.id);
  return { seriesId, sessionIds };
}

/** Removes the demo series and everything in it; returns how many sessions went. `by` acted at `at` (the audit log's entry). */
export function removeDemo(db: DB, settings: SettingsRepository, by: { actor: AuditActor; at: number }): number {
  return immediate(db, () => {
    const state = demoState(db, settings);
    if (!state) return 0;
    for (const id of state.sessionIds) {
      db.prepare('DELETE FROM outbox WHERE session_id = ?').run(id);
      // Registrations, questions, the poll with its slots, voters and answers go with the session.
      db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
    }
    db.prepare('DELETE FROM series WHERE id = ?').run(state.seriesId);
    settings.set(DEMO_SETTING, 'removed');
    auditWriter(db).record({ action: 'demo.removed', actor: by.actor, detail: { series: state.seriesId, sessions: state.sessionIds } }, by.at);
    return state.sessionIds.length;
  });
}
