/**
 * Retention of the people of a call for case studies: RETENTION_DAYS after the later of the call's
 * deadline and its session's end, the housekeeping erases each proposer's name and address (the
 * proposal stays, as the record of the programme) and deletes the invitations (names, addresses,
 * personal links), with every email sent to them scrubbed. Not a day earlier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaintenanceService } from '../../../src/modules/registrations/index.js';
import type { Session } from '../../../src/modules/sessions/index.js';
import { ADMIN, Browser, GR_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
let session: Session;
let housekeeping: MaintenanceService;
let proposalId: number;
let linkPath: string;

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const admin = () => must(t.services.repos.organisers.credentials(ADMIN.email), 'the administrator').organiser;
const DAY = 86_400_000;
const PROPOSER = 'maria.proposer@example.org';
const INVITEE = 'jonas.invitee@example.org';

/** Every text of the outbox and the call tables that could hold an address. */
const stored = (): string =>
  JSON.stringify([
    t.db.prepare('SELECT recipient_email, recipient_name, payload, rendered_subject, rendered_text, rendered_html FROM outbox').all(),
    t.db.prepare('SELECT * FROM case_study_invitations').all(),
    t.db.prepare('SELECT proposer_name, proposer_email FROM case_study_proposals').all(),
  ]);

beforeAll(async () => {
  t = await makeApp({ now: '2026-03-10T10:00:00Z' });
  session = t.services.sessions.create(
    { title: 'Case studies, in practice', hubId: hubId('gr-digigov-innohub'), date: '2026-04-15', time: '11:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false },
    admin(),
  );
  t.services.calls.save(session, { deadlineDate: '2026-03-31', deadlineTime: '18:00', intro: '' }, admin());
  t.services.calls.invite(session, { name: 'Jonas Jonaitis', email: INVITEE, language: 'lt', zone: 'Europe/Vilnius' }, admin());
  proposalId = t.services.calls.proposeAsOrganiser(
    session,
    {
      title: 'E-invoicing in Cyprus',
      summary: 'A public service moved online.',
      presenterName1: 'Andreas Georgiou',
      presenterAffiliation1: 'DigInn Cyprus',
      hubId: String(hubId('gr-digigov-innohub')),
      country: 'CY',
      language: 'en',
      materialsUrl: '',
      proposerName: 'Maria Proposer',
      proposerEmail: PROPOSER,
      proposerLanguage: 'el',
    },
    admin(),
  ).id;
  t.services.calls.decide(session, proposalId, { decision: 'accepted', message: 'Welcome aboard.' }, admin());
  housekeeping = new MaintenanceService(t.services.registrations, t.clock, undefined, {
    retentionDays: t.config.retentionDays,
    audit: t.services.repos.audit,
    others: [(before) => t.services.calls.anonymiseExpired(before)],
  });
  // The invitation's personal link, as its email carries it (the queued payload names the invitation; the page is reached through the link).
  linkPath = `/organiser/sessions/${session.id}/call/proposals/${proposalId}`;
});
afterAll(async () => {
  await t.close();
});

describe('retention of a call for case studies', () => {
  it('keeps names and addresses until RETENTION_DAYS after the session ended', () => {
    expect(stored()).toContain(PROPOSER);
    expect(stored()).toContain(INVITEE);
    const end = must(t.services.repos.sessions.get(session.id), 'session').endUtc ?? 0;
    t.clock.set(end + t.config.retentionDays * DAY - 60_000);
    expect(housekeeping.runOnce().othersErased).toBe(0);
    expect(stored()).toContain(PROPOSER);
    expect(stored()).toContain(INVITEE);
  });

  it('then erases them, with their mail; the proposal stays, saying the contact details were erased', async () => {
    t.clock.advance(2 * 60_000);
    expect(housekeeping.runOnce().othersErased).toBe(2);
    const now = stored();
    expect(now).not.toContain(PROPOSER);
    expect(now).not.toContain('Maria Proposer');
    expect(now).not.toContain(INVITEE);
    expect(now).not.toContain('Jonas Jonaitis');
    expect(t.db.prepare('SELECT count(*) AS n FROM case_study_invitations').get()).toEqual({ n: 0 });
    const row = t.db.prepare('SELECT title, status, presenters, anonymised_at AS at FROM case_study_proposals WHERE id = ?').get(proposalId) as { title: string; status: string; presenters: string; at: number | null };
    expect(row).toMatchObject({ title: 'E-invoicing in Cyprus', status: 'accepted' });
    expect(row.at).not.toBeNull();
    // The organiser's page of the proposal says so.
    const owner = new Browser(t.app, { 'accept-language': 'en' });
    expect((await owner.login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(303);
    const page = text((await owner.get(linkPath)).body);
    expect(page).toContain('E-invoicing in Cyprus');
    expect(page).toContain('Name and address erased after the retention period');
    // A second run finds nothing more.
    expect(housekeeping.runOnce().othersErased).toBe(0);
  });

  it('records a later decision without mailing anyone', () => {
    const before = (t.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    t.services.calls.decide(session, proposalId, { decision: 'declined', message: '' }, admin());
    expect(t.db.prepare('SELECT status FROM case_study_proposals WHERE id = ?').get(proposalId)).toEqual({ status: 'declined' });
    expect((t.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n).toBe(before);
  });
});

describe('a call of a cancelled session', () => {
  it('takes no more proposals, and the session page no longer announces it', async () => {
    t.clock.set('2026-03-10T10:00:00Z');
    const s = t.services.sessions.create(
      { title: 'A meeting that will not happen', hubId: hubId('gr-digigov-innohub'), date: '2026-05-20', time: '11:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false },
      admin(),
    );
    const call = t.services.calls.save(s, { deadlineDate: '2026-04-30', deadlineTime: '18:00', intro: '' }, admin());
    const visitor = new Browser(t.app, { 'accept-language': 'en' });
    expect((await visitor.get(`/sessions/${s.id}`)).body).toContain('id="call-notice"');
    expect(t.services.calls.state(call).open).toBe(true);
    t.services.sessions.cancel(s.id, admin());
    expect(t.services.calls.state(must(t.services.calls.forSession(s.id), 'the call')).open).toBe(false);
    expect((await visitor.get(`/sessions/${s.id}`)).body).not.toContain('id="call-notice"');
    expect(() =>
      t.services.calls.proposeAsOrganiser(
        s,
        { title: 'Too late', summary: 'No.', presenterName1: 'A B', presenterAffiliation1: 'C', hubId: String(hubId('gr-digigov-innohub')), country: 'GR', language: 'en', materialsUrl: '', proposerName: 'A B', proposerEmail: 'ab@example.org', proposerLanguage: 'en' },
        admin(),
      ),
    ).toThrow(/closed/);
  });
});
