/** The real app for poll tests (tests/helpers/app.ts), with the poll service and two organisers at hand. */
import type { Organiser } from '../../../src/modules/organisers/repository.js';
import type { PollService } from '../../../src/modules/polls/service.js';
import { ADMIN, GR_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';

export type PollTestApp = TestApp & { polls: PollService; admin: Organiser; gr: Organiser };

export async function makePollApp(opts: { now?: string; env?: Record<string, string> } = {}): Promise<PollTestApp> {
  const t = await makeApp({ now: opts.now ?? '2021-08-20T09:00:00Z', env: opts.env });
  const organiser = (email: string) => t.services.repos.organisers.credentials(email)!.organiser;
  return { ...t, polls: t.services.polls, admin: organiser(ADMIN.email), gr: organiser(GR_ORGANISER.email) };
}

/** A new tentative session of the series, organised by the Greek hub with the other eight co-hosting. */
export function tentativeSession(t: PollTestApp, extra: Record<string, unknown> = {}) {
  const gr = t.services.repos.hubs.getBySlug('gr-digigov-innohub')!;
  const others = t.services.repos.hubs.list().filter((h) => h.id !== gr.id).map((h) => h.id);
  return t.services.sessions.create(
    {
      title: 'Case studies: next generation of public services',
      hubId: gr.id,
      coHostIds: others,
      seriesId: t.services.repos.series.list()[0]?.id ?? '',
      status: 'tentative',
      approxMonth: '2021-09',
      approxPart: 'mid',
      zone: 'Europe/Athens',
      durationMinutes: 120,
      ...extra,
    },
    t.admin,
  );
}

/** Outbox rows of a kind, oldest first. */
export function outboxRows(t: PollTestApp, kind: string) {
  return t.db.prepare('SELECT * FROM outbox WHERE kind = ? ORDER BY id').all(kind) as {
    id: number;
    dedupe_key: string;
    recipient_email: string;
    recipient_name: string;
    language: string;
    zone: string;
    status: string;
    not_before: number;
    deadline: number | null;
    payload: string;
    withdrawn_reason: string | null;
  }[];
}
