/**
 * From the call to the timetable: a case study accepted in a session's call for case studies is
 * offered on the session's agenda page, and put there with one click (its title, its presenters as
 * speakers, the length the organiser gives), once. Refusals (a length that overruns the session)
 * come back beside that case study's own field; a co-hosting hub is not offered it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/modules/sessions/index.js';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
let owner: Browser;
let cohost: Browser;
let session: Session;
let accepted: number;
let declined: number;

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const admin = () => must(t.services.repos.organisers.credentials(ADMIN.email), 'the administrator').organiser;

async function signIn(who: { email: string; password: string }): Promise<Browser> {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  expect((await b.login(who.email, who.password)).statusCode).toBe(303);
  return b;
}

const proposal = (title: string, presenter: string, affiliation: string) => ({
  title,
  summary: 'A public service moved online, and what it changed for citizens.',
  presenterName1: presenter,
  presenterAffiliation1: affiliation,
  hubId: String(hubId('gr-digigov-innohub')),
  country: 'CY',
  language: 'en',
  materialsUrl: '',
  proposerName: presenter,
  proposerEmail: 'andreas@example.org',
  proposerLanguage: 'el',
});

const listUrl = () => `/organiser/sessions/${session.id}/agenda`;
const items = () => t.db.prepare('SELECT kind, title, duration_minutes AS minutes, speakers, proposal_id AS proposalId FROM session_agenda_items WHERE session_id = ? ORDER BY position').all(session.id);

beforeAll(async () => {
  t = await makeApp({ now: '2026-03-10T10:00:00Z' });
  session = t.services.sessions.create(
    {
      title: 'Case studies of the next generation of public services',
      hubId: hubId('gr-digigov-innohub'),
      coHostIds: [hubId('dih4society')],
      date: '2026-04-15',
      time: '11:00',
      zone: 'Europe/Athens',
      durationMinutes: 60,
      doubleOptIn: false,
    },
    admin(),
  );
  t.services.calls.save(session, { deadlineDate: '2026-03-31', deadlineTime: '18:00', intro: '' }, admin());
  accepted = t.services.calls.proposeAsOrganiser(session, proposal('E-invoicing in Cyprus', 'Andreas Georgiou', 'DigInn Cyprus'), admin()).id;
  declined = t.services.calls.proposeAsOrganiser(session, proposal('A chatbot nobody used', 'Nobody Known', 'Nowhere'), admin()).id;
  t.services.calls.decide(session, accepted, { decision: 'accepted', message: '' }, admin());
  t.services.calls.decide(session, declined, { decision: 'declined', message: '' }, admin());
  owner = await signIn(GR_ORGANISER);
  cohost = await signIn(RO_ORGANISER);
});
afterAll(async () => {
  await t.close();
});

describe('accepted case studies on the agenda', () => {
  it('offers only the accepted one to the owning hub, not to a co-hosting hub', async () => {
    const page = await owner.get(listUrl());
    expect(page.statusCode).toBe(200);
    const section = must(/<section aria-labelledby="h-accepted">[\s\S]*?<\/section>/.exec(page.body), 'the accepted case studies')[0];
    expect(text(section)).toContain('E-invoicing in Cyprus — Andreas Georgiou (DigInn Cyprus)');
    expect(section).not.toContain('A chatbot nobody used');
    expect(section).toContain(`action="/organiser/sessions/${session.id}/agenda/proposals/${accepted}"`);
    expect((await cohost.get(listUrl())).body).not.toContain('h-accepted');
    // Nor may a co-hosting hub put it there.
    await cohost.get(listUrl());
    expect((await cohost.post(`${listUrl()}/proposals/${accepted}`, { durationMinutes: '20' })).statusCode).toBe(403);
    // A declined one cannot be put there by address either.
    await owner.get(listUrl());
    expect((await owner.post(`${listUrl()}/proposals/${declined}`, { durationMinutes: '20' })).statusCode).toBe(404);
    expect(items()).toEqual([]);
  });

  it('refuses a length that overruns the session beside that case study, and keeps what was typed', async () => {
    await owner.get(listUrl());
    const res = await owner.post(`${listUrl()}/proposals/${accepted}`, { durationMinutes: '90' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`id="p${accepted}-durationMinutes-error"`);
    expect(text(res.body)).toContain('The agenda would end 30 minutes after the session.');
    // The error summary links to that field, which keeps the typed value.
    expect(res.body).toContain(`href="#p${accepted}-durationMinutes"`);
    expect(res.body).toMatch(new RegExp(`id="p${accepted}-durationMinutes" name="durationMinutes" type="number" value="90"`));
    expect(items()).toEqual([]);
  });

  it('puts it on the agenda once: its title, its presenters as speakers, the length given', async () => {
    await owner.get(listUrl());
    const res = await owner.post(`${listUrl()}/proposals/${accepted}`, { durationMinutes: '25' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/\/agenda\?msg=agenda\.added#a-\d+$/);
    expect(items()).toEqual([{ kind: 'case_study', title: 'E-invoicing in Cyprus', minutes: 25, speakers: JSON.stringify([{ name: 'Andreas Georgiou', affiliation: 'DigInn Cyprus' }]), proposalId: accepted }]);
    const page = await owner.get(listUrl());
    expect(page.body).not.toContain('h-accepted');
    // On the public session page, at 11:00 Athens time.
    const pub = text((await new Browser(t.app, { 'accept-language': 'en' }).get(`/sessions/${session.id}`)).body);
    expect(pub).toContain('E-invoicing in Cyprus');
    expect(pub).toContain('Andreas Georgiou (DigInn Cyprus)');
    // Sent again, it is not added twice.
    await owner.get(listUrl());
    expect((await owner.post(`${listUrl()}/proposals/${accepted}`, { durationMinutes: '25' })).statusCode).toBe(303);
    expect(items()).toHaveLength(1);
  });
});
