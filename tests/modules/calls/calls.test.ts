/**
 * Calls for case studies, through the real app and a real SMTP sink: the owning hub opens a call with
 * a deadline in its zone, an organiser of another hub proposes from the organiser area, a person
 * invited by email proposes through the personal link in the invitation, the owning hub reviews per
 * country and per hub, decides (each proposer emailed in their own language) and exports the CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/modules/sessions/index.js';
import { FOLLOW_UP_SLUG } from '../../../src/seed/slugs.js';
import { Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
let mail: TestMail;
let owner: Browser;
let other: Browser;
let session: Session;
let link = '';

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const admin = () => must(t.services.repos.organisers.credentials('admin@kairos.test'), 'the administrator').organiser;
const callUrl = () => `/organiser/sessions/${session.id}/call`;
const proposals = () => t.db.prepare('SELECT id, title, hub_id, country, language, status, proposer_language FROM case_study_proposals ORDER BY id').all() as { id: number; title: string; country: string; status: string; proposer_language: string }[];

async function signIn(who: { email: string; password: string }): Promise<Browser> {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  expect((await b.login(who.email, who.password)).statusCode).toBe(303);
  return b;
}

/** A proposal form as a person fills it in. */
function proposal(over: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'One-stop shop for municipal permits',
    summary: 'How a mid-sized city moved its building permits online in eight months.',
    presenterName1: 'Katarzyna Nowak',
    presenterAffiliation1: 'City of Gdańsk',
    presenterName2: '',
    presenterAffiliation2: '',
    hubId: String(hubId('smart-secure-cities')),
    country: 'PL',
    language: 'pl',
    materialsUrl: 'https://example.org/permits.pdf',
    proposerName: 'Katarzyna Nowak',
    proposerEmail: 'kasia@example.org',
    proposerLanguage: 'pl',
    ...over,
  };
}

function errorOf(html: string, field: string): string {
  return text(must(new RegExp(`<p class="error" id="f-${field}-error">([^<]*)</p>`).exec(html), `an error beside ${field}`)[1] ?? '');
}

beforeAll(async () => {
  t = await makeApp({ now: '2026-03-10T10:00:00Z' });
  mail = await withMail(t);
  session = t.services.sessions.create(
    { title: 'Case studies of digital public services', hubId: hubId('gr-digigov-innohub'), coHostIds: [], date: '2026-05-20', time: '11:00', zone: 'Europe/Athens', durationMinutes: 90, doubleOptIn: false },
    admin(),
  );
  owner = await signIn(GR_ORGANISER);
  other = await signIn(RO_ORGANISER);
});

afterAll(async () => {
  await mail?.close();
  await t?.close();
});

describe('a call for case studies', () => {
  it('is seeded on the follow-up meeting: open for 28 days from the first seeding, 23:59 in the hub\'s zone, with no proposals', () => {
    const followUp = must(t.services.repos.sessions.getBySlug(FOLLOW_UP_SLUG), 'the follow-up');
    expect([followUp.status, followUp.startUtc, followUp.approxMonth, followUp.approxPart]).toEqual(['tentative', null, '2021-09', 'mid']);
    const call = must(t.services.calls.forSession(followUp.id), 'the seeded call');
    expect([call.deadlineDate, call.deadlineTime, call.zone]).toEqual(['2026-04-07', '23:59', 'Europe/Athens']);
    expect(call.deadlineUtc).toBe(Date.parse('2026-04-07T20:59:00Z'));
    expect(t.services.calls.state(call).open).toBe(true);
    expect(t.services.calls.proposals(call)).toEqual([]);
  });

  it('is linked from the organiser\'s session list and opened with a deadline in the hub\'s zone; a time in the spring-forward gap is refused beside its field', async () => {
    expect((await owner.get('/organiser')).body).toContain(`href="${callUrl()}"`);
    const page = await owner.get(callUrl());
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('The deadline is in the time zone of GR DigiGOV-InnoHUB: Europe/Athens.');
    const gap = await owner.post(callUrl(), { deadlineDate: '2026-03-29', deadlineTime: '03:30', intro: 'Tell us about a service.' });
    expect(gap.statusCode).toBe(400);
    expect(errorOf(gap.body, 'deadlineTime')).toContain('does not exist on 2026-03-29 in Europe/Athens');
    expect(gap.body).toContain('href="#f-deadlineTime"');
    expect(gap.body).toContain('Tell us about a service.');
    expect(t.services.calls.forSession(session.id)).toBeUndefined();

    await owner.get(callUrl());
    const opened = await owner.post(callUrl(), { deadlineDate: '2026-04-15', deadlineTime: '18:00', intro: 'Tell us about a service.' });
    expect(opened.statusCode).toBe(303);
    const call = must(t.services.calls.forSession(session.id), 'the call');
    expect(call.deadlineUtc).toBe(Date.parse('2026-04-15T15:00:00Z'));
    const shown = text((await owner.get(`${callUrl()}?msg=call.opened`)).body);
    expect(shown).toContain('The call has been opened.');
    expect(shown).toContain('Proposals are taken until Wednesday, 15 April 2026, 18:00 (Europe/Athens, UTC+03:00).');
  });

  it('says so on the public session page, the same for every visitor', async () => {
    const visitor = await t.app.inject({ method: 'GET', url: `/sessions/${session.id}` });
    expect(text(visitor.body)).toContain('Call for case studies open until Wednesday, 15 April 2026, 18:00 (Europe/Athens)');
    const madrid = await t.app.inject({ method: 'GET', url: `/sessions/${session.id}`, headers: { cookie: 'kairos_tz=Europe/Madrid' } });
    expect(text(madrid.body)).toContain('open until Wednesday, 15 April 2026, 18:00 (Europe/Athens)');
  });

  it('takes a proposal from an organiser of another hub, who finds the form from the session page', async () => {
    expect((await other.get(`/sessions/${session.id}`)).body).toContain(`href="${callUrl()}/propose"`);
    expect((await t.app.inject({ method: 'GET', url: `/sessions/${session.id}` })).body).not.toContain(`${callUrl()}/propose`);
    const form = await other.get(`${callUrl()}/propose`);
    expect(form.statusCode).toBe(200);
    const sent = await other.post(`${callUrl()}/proposals`, proposal({ title: 'Open data portal for Cluj', presenterName1: 'Ana Popescu', presenterAffiliation1: 'DIH4Society', hubId: String(hubId('dih4society')), country: 'RO', language: 'ro', proposerName: 'Ana Popescu', proposerEmail: 'ana@dih4society.test', proposerLanguage: 'el', materialsUrl: '' }));
    expect(sent.statusCode).toBe(303);
    expect(text((await other.get(must(sent.headers.location, 'location').toString())).body)).toContain('Open data portal for Cluj');
    expect(proposals().map((p) => [p.title, p.country, p.status])).toEqual([['Open data portal for Cluj', 'RO', 'submitted']]);
  });

  it('invites a person by email; the personal link shows the call and the session in their zone, privately, and takes their proposal', async () => {
    await owner.get(callUrl());
    expect((await owner.post(`${callUrl()}/invitations`, { name: 'Katarzyna Nowak', email: 'kasia@example.org', language: 'pl', zone: 'Europe/Warsaw' })).statusCode).toBe(303);
    await mail.drain();
    const msg = must(mail.sink.messages.find((m) => m.envelope.rcptTo.includes('kasia@example.org')), 'the invitation');
    expect(msg.parsed.subject).toBe('Zaproszenie do zgłoszenia studium przypadku: Case studies of digital public services');
    expect(msg.parsed.html).toBeTruthy();
    link = must(/http:\/\/kairos\.test(\/calls\/[A-Za-z0-9_-]{43})/.exec(msg.parsed.text ?? '')?.[1], 'the personal link');
    // Only the token's hash is stored; the kept copy of the mail has a marker instead of the link.
    const token = link.slice('/calls/'.length);
    const stored = JSON.stringify(t.db.prepare('SELECT * FROM case_study_invitations').all()) + JSON.stringify(t.db.prepare('SELECT rendered_text, rendered_html, payload FROM outbox').all());
    expect(stored).not.toContain(token);

    const page = await t.app.inject({ method: 'GET', url: link });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toMatch(/private/);
    expect(page.headers['cache-control']).toMatch(/no-store/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const shown = text(page.body);
    expect(shown).toContain('Zgłoszenie studium przypadku: Case studies of digital public services');
    expect(shown).toContain('(Europe/Warsaw, UTC+02:00)');
    expect(shown).toContain('Tell us about a service.');

    const b = new Browser(t.app);
    await b.get(link);
    const sent = await b.post(`${link}/proposals`, proposal());
    expect(sent.statusCode).toBe(303);
    expect(text((await b.get(must(sent.headers.location, 'location').toString())).body)).toContain('One-stop shop for municipal permits');
    expect(proposals().map((p) => [p.country, p.proposer_language])).toEqual([['RO', 'el'], ['PL', 'pl']]);
  });

  it('refuses bad input beside each field, keeps what was typed and stores nothing', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.get(`${link}?lang=en`);
    const before = JSON.stringify(proposals());
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ summary: 'x'.repeat(10_000) }, 'summary', /At most 1,500 characters/],
      [{ materialsUrl: 'javascript:alert(1)' }, 'materialsUrl', /javascript:, data: and other kinds of links are not accepted/],
      [{ materialsUrl: 'data:text/html,<b>hi</b>' }, 'materialsUrl', /starting with https:\/\//],
      [{ materialsUrl: 'http://example.org/slides.pdf' }, 'materialsUrl', /this one starts with http:\/\//],
      [{ hubId: '999' }, 'hubId', /Choose one of the hubs/],
      [{ country: 'FR' }, 'country', /network's countries, or Other/],
      [{ language: 'fr' }, 'language', /Choose a language from the list/],
      [{ presenterName1: '', presenterAffiliation1: '' }, 'presenterName1', /at least one presenter/],
    ];
    for (const [over, field, message] of cases) {
      const res = await b.post(`${link}/proposals?lang=en`, proposal({ title: 'Kept as typed', ...over }));
      expect(res.statusCode, field).toBe(400);
      expect(errorOf(res.body, field), field).toMatch(message);
      expect(res.body, field).toContain(`href="#f-${field}"`);
      expect(res.body, field).toContain('value="Kept as typed"');
      expect(res.body, field).not.toContain('undefined');
    }
    expect(JSON.stringify(proposals())).toBe(before);
  });

  it('shows the owning hub the proposals per country and per hub, with their status', async () => {
    const page = await owner.get(callUrl());
    const byCountry = text(must(/<table class="list" id="by-country">[\s\S]*?<\/table>/.exec(page.body), 'per country')[0]);
    expect(byCountry).toContain('Romania 1 0');
    expect(byCountry).toContain('Poland 1 0');
    const byHub = text(must(/<table class="list" id="by-hub">[\s\S]*?<\/table>/.exec(page.body), 'per hub')[0]);
    expect(byHub).toContain('DIH4Society 1 0');
    expect(byHub).toContain('Smart Secure Cities 1 0');
    const polish = text((await owner.get(`${callUrl()}?country=PL`)).body);
    expect(polish).toContain('One-stop shop for municipal permits');
    expect(polish).not.toContain('Open data portal for Cluj');
    const ro = text((await owner.get(`${callUrl()}?hub=${hubId('dih4society')}`)).body);
    expect(ro).toContain('Open data portal for Cluj');
    expect(ro).not.toContain('One-stop shop');
  });

  it('emails each decision to the proposer in their own language (Greek, Polish); changes asked let the invited person edit through the link', async () => {
    const [cluj, permits] = proposals().map((p) => p.id);
    await owner.get(`${callUrl()}/proposals/${cluj}`);
    expect((await owner.post(`${callUrl()}/proposals/${cluj}/decision`, { decision: 'accepted', message: 'Twenty minutes, please.' })).statusCode).toBe(303);
    await owner.get(`${callUrl()}/proposals/${permits}`);
    expect((await owner.post(`${callUrl()}/proposals/${permits}/decision`, { decision: 'changes', message: 'Add the costs, please.' })).statusCode).toBe(303);
    mail.sink.clear();
    await mail.drain();
    const toAna = must(mail.sink.messages.find((m) => m.envelope.rcptTo.includes('ana@dih4society.test')), 'the decision to Ana');
    expect(toAna.parsed.subject).toBe('Η μελέτη περίπτωσής σας έγινε δεκτή: Open data portal for Cluj');
    expect(toAna.parsed.text).toContain('Μήνυμα των διοργανωτών');
    expect(toAna.parsed.text).toContain('Twenty minutes, please.');
    expect(toAna.parsed.html).toContain('Twenty minutes, please.');
    const toKasia = must(mail.sink.messages.find((m) => m.envelope.rcptTo.includes('kasia@example.org')), 'the decision to Katarzyna');
    expect(toKasia.parsed.subject).toBe('Prośba o zmiany w Państwa studium przypadku: One-stop shop for municipal permits');
    expect(toKasia.parsed.text).toContain('Add the costs, please.');
    expect(toKasia.parsed.text).toContain(`http://kairos.test${link}/proposals/${permits}`);

    const b = new Browser(t.app);
    const edit = await b.get(`${link}/proposals/${permits}`);
    expect(edit.statusCode).toBe(200);
    expect(edit.headers['cache-control']).toMatch(/no-store/);
    expect((await b.post(`${link}/proposals/${permits}`, proposal({ summary: 'Now with the costs: 120,000 EUR over two years.' }))).statusCode).toBe(303);
    expect(proposals().map((p) => p.status)).toEqual(['accepted', 'submitted']);

    expect(t.services.calls.acceptedProposals(session.id)).toEqual([
      { id: cluj, title: 'Open data portal for Cluj', presenters: [{ name: 'Ana Popescu', affiliation: 'DIH4Society' }], hubId: hubId('dih4society'), country: 'RO', language: 'ro' },
    ]);
    const audit = (t.db.prepare("SELECT action FROM audit_log WHERE session_id = ? AND action LIKE 'call.%' OR action LIKE 'proposal.%' ORDER BY id").all(session.id) as { action: string }[]).map((r) => r.action);
    expect(audit).toEqual(['call.opened', 'proposal.submitted', 'call.invited', 'proposal.submitted', 'proposal.decided', 'proposal.decided', 'proposal.changed']);
    // The audit page says what was decided, and holds no proposer's address or name.
    const log = text((await owner.get('/organiser/audit?action=proposal.decided')).body);
    expect(log).toContain('Decision on a case-study proposal');
    expect(log).toContain(`Proposal ${cluj}: Accepted`);
    expect(log).toContain(`Proposal ${permits}: Changes asked`);
    expect(text((await owner.get('/organiser/audit?action=call.opened')).body)).toContain('Deadline 2026-04-15 18:00 (Europe/Athens)');
    const stored = JSON.stringify(t.db.prepare('SELECT * FROM audit_log').all());
    for (const secret of ['kasia@example.org', 'Katarzyna', 'ana@dih4society.test']) expect(stored).not.toContain(secret);
  });

  it('exports the proposals as CSV, formulas neutralised, the download recorded', async () => {
    t.services.calls.proposeAsOrganiser(session, proposal({ title: '=HYPERLINK("https://evil.example")', proposerEmail: 'eleni@grnet.test', proposerLanguage: 'en', hubId: String(hubId('gr-digigov-innohub')), country: 'GR', language: 'el' }), must(t.services.repos.organisers.credentials(GR_ORGANISER.email), 'Eleni').organiser);
    const res = await owner.get(`${callUrl()}/proposals.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="case-studies-${session.id}.csv"`);
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('id,status,title,summary,presenters,hub,country,language,materials_url,proposer_name,proposer_email,proposer_language,submitted_at_utc,decision_message');
    expect(res.body).toContain('accepted,Open data portal for Cluj');
    expect(res.body).toContain('kasia@example.org');
    expect(res.body).toContain(`"'=HYPERLINK(""https://evil.example"")"`);
    const entry = t.db.prepare("SELECT detail FROM audit_log WHERE action = 'export.downloaded' ORDER BY id DESC LIMIT 1").get() as { detail: string };
    expect(JSON.parse(entry.detail)).toEqual({ export: 'proposals.csv', rows: 3 });
  });

  it('lets no other hub review, and sends a visitor to the login page', async () => {
    const pid = must(proposals()[0], 'a proposal').id;
    expect((await other.get(`${callUrl()}/proposals/${pid}`)).statusCode).toBe(403);
    expect((await other.get(`${callUrl()}/proposals.csv`)).statusCode).toBe(403);
    await other.get(`${callUrl()}/propose`);
    expect((await other.post(`${callUrl()}/proposals/${pid}/decision`, { decision: 'declined', message: '' })).statusCode).toBe(403);
    expect((await other.post(`${callUrl()}/invitations`, { name: 'X', email: 'x@example.org', language: 'en', zone: 'Europe/Rome' })).statusCode).toBe(403);
    const theirs = text((await other.get(callUrl())).body);
    expect(theirs).not.toContain('kasia@example.org');
    expect(theirs).not.toContain('One-stop shop');
    expect(proposals()[0]?.status).toBe('accepted');
    const visitor = await t.app.inject({ method: 'GET', url: callUrl() });
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toMatch(/^\/login\?next=/);
    expect((await t.app.inject({ method: 'GET', url: `${callUrl()}/proposals.csv` })).statusCode).toBe(303);
  });

  it('lets an organiser change their own proposal when changes are asked, from the organiser area, and no one else\'s', async () => {
    await other.get(`${callUrl()}/propose`);
    const sent = await other.post(`${callUrl()}/proposals`, proposal({ title: 'e-Signature for every citizen', proposerName: 'Ana Popescu', proposerEmail: 'ana@dih4society.test', proposerLanguage: 'ro', hubId: String(hubId('dih4society')), country: 'RO', language: 'ro' }));
    const pid = Number(must(/#p-(\d+)$/.exec(String(sent.headers.location)), 'the new proposal')[1]);
    // Submitted and the call open: Ana may change it; Eleni (another organiser) may not even see it there.
    expect((await other.get(`${callUrl()}/proposals/${pid}/edit`)).statusCode).toBe(200);
    expect((await owner.get(`${callUrl()}/proposals/${pid}/edit`)).statusCode).toBe(404);
    await owner.get(`${callUrl()}/proposals/${pid}`);
    expect((await owner.post(`${callUrl()}/proposals/${pid}/decision`, { decision: 'changes', message: 'Which cities?' })).statusCode).toBe(303);
    mail.sink.clear();
    await mail.drain();
    const toAna = must(mail.sink.messages.find((m) => m.envelope.rcptTo.includes('ana@dih4society.test')), 'the decision to Ana');
    expect(toAna.parsed.subject).toBe('Se cer modificări la studiul dvs. de caz: e-Signature for every citizen');
    expect(toAna.parsed.text).toContain(`http://kairos.test${callUrl()}/proposals/${pid}/edit`);
    const form = await other.get(`${callUrl()}/proposals/${pid}/edit`);
    expect(form.body).toContain('value="e-Signature for every citizen"');
    const bad = await other.post(`${callUrl()}/proposals/${pid}/edit`, proposal({ title: 'e-Signature for every citizen', materialsUrl: 'http://example.org/x', hubId: String(hubId('dih4society')), country: 'RO', language: 'ro' }));
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad.body, 'materialsUrl')).toContain('this one starts with http://');
    const saved = await other.post(`${callUrl()}/proposals/${pid}/edit`, proposal({ title: 'e-Signature in Cluj and Iași', proposerName: 'Ana Popescu', proposerEmail: 'ana@dih4society.test', proposerLanguage: 'ro', hubId: String(hubId('dih4society')), country: 'RO', language: 'ro' }));
    expect(saved.statusCode).toBe(303);
    const row = must(proposals().find((p) => p.id === pid), 'the proposal');
    expect([row.title, row.status]).toEqual(['e-Signature in Cluj and Iași', 'submitted']);
    // A decided one is not changed any more.
    const cluj = must(proposals()[0], 'the accepted proposal').id;
    expect(text((await other.get(`${callUrl()}/proposals/${cluj}/edit`)).body)).toContain('A decision has been taken on this proposal');
    expect((await other.post(`${callUrl()}/proposals/${cluj}/edit`, proposal())).statusCode).toBe(409);
    expect(proposals()[0]?.title).toBe('Open data portal for Cluj');
  });

  it('after the deadline, the link says when the call closed (in the person\'s zone) and refuses proposals', async () => {
    t.clock.set('2026-04-16T08:00:00Z');
    const b = new Browser(t.app);
    const page = await b.get(link);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Nabór zamknięto środa, 15 kwietnia 2026, 17:00 (Europe/Warsaw, UTC+02:00)');
    expect(page.body).not.toContain(`action="${link}/proposals"`);
    const before = proposals().length;
    await b.get(`/sessions/${session.id}`); // a page with a form: the closed call's page has none
    const late = await b.post(`${link}/proposals?lang=en`, proposal({ title: 'Too late' }));
    expect(late.statusCode).toBe(409);
    expect(text(late.body)).toContain('The call is closed: proposals are no longer taken.');
    expect(proposals()).toHaveLength(before);
    expect(text((await t.app.inject({ method: 'GET', url: `/sessions/${session.id}` })).body)).not.toContain('Call for case studies open');
    // A link that opens nothing (a made-up token, or one with a character changed) is not found.
    expect((await t.app.inject({ method: 'GET', url: '/calls/not-a-token' })).statusCode).toBe(404);
    const changed = link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A');
    expect((await t.app.inject({ method: 'GET', url: changed })).statusCode).toBe(404);
  });
});
