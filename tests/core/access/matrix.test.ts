/**
 * Role × action: every organiser route and API operation, as administrator, owning hub, co-hosting
 * hub and unrelated hub, against the README's "Who may do what" table. Routes come from the app as it
 * registers them, so a route added without a row in the table (or without a request here) fails.
 * A refused request answers 403 (404 for a row outside one's scope) and leaves the database as it was;
 * no response to a co-host or an unrelated hub carries another hub's registrants' names or addresses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organiserActor } from '../../../src/core/audit/index.js';
import type { HttpResponse } from '../../helpers/http.js';
import { hiddenFrom, makeWorld, ROLES, snapshot, type AccessWorld, type Role } from './fixture.js';
import { must } from '../../helpers/must.js';

type Expect = { allowed: boolean; scoped: boolean; cell: string };

/** The README table: route → role → allowed? */
function readmeTable(): Map<string, Record<Role, Expect>> {
  const readme = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  const section = readme.split('## Who may do what')[1]?.split('\n## ')[0] ?? '';
  const table = new Map<string, Record<Role, Expect>>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const keys = [...must(cells[0], 'the first cell').matchAll(/`([^`]+)`/g)].map((m) => must(m[1], 'a route key'));
    const row = {} as Record<Role, Expect>;
    ROLES.forEach((role, i) => {
      const cell = cells[i + 1] ?? '';
      row[role] = { allowed: !/^no\b/.test(cell), scoped: /their hub's people/.test(cell), cell };
    });
    for (const k of keys) table.set(k, row);
  }
  return table;
}

interface Req {
  method: string;
  url: string;
  form?: Record<string, string | string[]>;
  json?: unknown;
  /** a raw body of this media type (the inbound mail endpoint takes a message, not JSON) */
  raw?: { type: string; body: string };
  /** send the role's API token */
  token?: boolean;
}

let w: AccessWorld;
let n = 0;
const uniq = () => ++n;

// ------------------------------------------------------------------ fresh resources for allowed changes

function freshSession(status: 'scheduled' | 'tentative' = 'scheduled') {
  const base = { title: `Fresh session ${uniq()}`, hubId: w.hubs.gr, coHostIds: [w.hubs.ro], zone: 'Europe/Athens', durationMinutes: 60 };
  return w.t.services.sessions.create(
    status === 'scheduled' ? { ...base, status, date: '2026-03-03', time: '11:00' } : { ...base, status, approxMonth: '2026-04', approxPart: 'mid' },
    w.organisers.admin,
  );
}

function freshPoll() {
  const s = freshSession('tentative');
  w.t.services.polls.create(s.id, { zone: 'Europe/Athens' }, w.organisers.owner);
  const slot = w.t.services.polls.addSlot(s.id, { date: '2026-04-14', time: '11:00', zone: 'Europe/Athens', durationMinutes: '60' }, w.organisers.owner);
  return { session: s, slot };
}

function freshRegistration(sessionId = w.shared.id) {
  const k = uniq();
  return w.t.services.registrations.register(
    sessionId,
    { name: `Walk-in ${k}`, email: `walkin${k}@example.org`, organisation: 'Org', orgType: 'sme', hubId: w.hubs.gr, country: 'GR', language: 'en', zone: 'Europe/Athens', consent: true },
    'organiser',
  ).registration;
}

function endedSession() {
  const s = w.t.services.sessions.insertTrusted({
    ...w.t.services.sessions.validate({ title: `Ended ${uniq()}`, hubId: w.hubs.gr, coHostIds: [w.hubs.ro], status: 'tentative', approxMonth: '2025-12', zone: 'Europe/Athens' }, w.organisers.admin),
    status: 'completed',
    startDate: '2025-12-01',
    startTime: '10:00',
    startUtc: Date.parse('2025-12-01T08:00:00Z'),
    endUtc: Date.parse('2025-12-01T09:00:00Z'),
  });
  w.t.services.followups.save(s, 'attendees', { subject: 'Thank you', body: 'Slides attached.' });
  return s;
}

const materialForm = () => ({ kind: 'slides', title: `Slides ${uniq()}`, url: 'https://example.org/slides.pdf', visibility: 'public' });

/** A material of the shared session for changes to act on (a fresh one for a removal that is allowed). */
function freshMaterial(): number {
  return w.t.services.materials.add(w.shared, materialForm(), w.organisers.admin.id).id;
}
let sharedMaterialId: number | undefined;
const sharedMaterial = (): number => (sharedMaterialId ??= freshMaterial());

/** An agenda item of a minute (the shared session lasts an hour: every item the table allows fits). */
const itemForm = () => ({ kind: 'talk', title: `Talk ${uniq()}`, durationMinutes: '1', speaker1Name: 'Maria Rossi', speaker1Affiliation: 'Innovation AMP' });

/** An item of the shared session's agenda for changes to act on (a fresh one for a removal that is allowed). */
function freshItem(): number {
  return w.t.services.agenda.add(w.shared, { kind: 'talk', title: `Talk ${uniq()}`, durationMinutes: 1 }, organiserActor(w.organisers.admin)).id;
}
/** A case study accepted in the shared session's call, to be put on its agenda (a fresh one each time: once there, a second post only shows it). */
function acceptedProposal(): number {
  const id = w.t.services.calls.proposeAsOrganiser(sharedCall(), proposalForm(), w.organisers.admin).id;
  w.t.services.calls.decide(w.shared, id, { decision: 'accepted', message: '' }, w.organisers.admin);
  return id;
}
let sharedItemId: number | undefined;
const sharedItem = (): number => (sharedItemId ??= freshItem());
const callForm = () => ({ deadlineDate: '2026-02-28', deadlineTime: '18:00', intro: `Tell us about a service ${uniq()}.` });

/** A session with an open call for case studies (the shared one, opened once; a fresh one for a change that is allowed). */
function freshCall(session = freshSession()) {
  if (!w.t.services.calls.forSession(session.id)) w.t.services.calls.save(session, callForm(), w.organisers.admin);
  return session;
}
const sharedCall = () => freshCall(w.shared);

const proposalForm = () => ({
  title: `Case study ${uniq()}`,
  summary: 'A municipal service moved online.',
  presenterName1: 'Maria Rossi',
  presenterAffiliation1: 'Comune di Roma',
  hubId: String(w.hubs.it),
  country: 'IT',
  language: 'it',
  materialsUrl: '',
  proposerName: 'Maria Rossi',
  proposerEmail: 'maria.rossi@example.org',
  proposerLanguage: 'it',
});

/** A proposal to the shared session's call (made by the administrator, for the other roles to act on). */
let sharedProposalId: number | undefined;
const sharedProposal = (): number => (sharedProposalId ??= w.t.services.calls.proposeAsOrganiser(sharedCall(), proposalForm(), w.organisers.admin).id);

/** A proposal of the role's own to the shared session's call (each organiser changes only theirs). */
const ownProposal = (role: Role): number => w.t.services.calls.proposeAsOrganiser(sharedCall(), proposalForm(), w.organisers[role]).id;

const sessionForm = (s: { id: number; title: string }, hubId: number, coHostIds: number[]) => ({
  title: `${s.title} (edited)`,
  hubId: String(hubId),
  coHostIds: coHostIds.map(String),
  status: 'scheduled',
  date: '2026-02-10',
  time: '10:30',
  zone: 'Europe/Athens',
  durationMinutes: '60',
  language: 'en',
  reminderOffsets: 'P1D',
});

/** An organiser of the unrelated hub, made for one request (role changes, deactivation). */
function freshOrganiser() {
  const k = uniq();
  return w.t.services.repos.organisers.insert({ email: `person${k}@example.org`, name: `Person ${k}`, passwordHash: 'not-a-hash', role: 'hub', hubId: w.hubs.it, language: 'en', zone: 'Europe/Rome' }, w.t.clock.now());
}

const GR_HUB = 'gr-digigov-innohub';

const registrationForm = () => ({ name: `Added ${uniq()}`, email: `added${n}@example.org`, organisation: 'Org', orgType: 'sme', hubId: '', country: 'GR', language: 'en', zone: 'Europe/Athens', consent: 'on' });

/**
 * The request for a route, as a role. `target` is 'in' for a resource inside the role's scope and
 * 'out' for one outside it (both are tried for a co-host on rows limited to their hub's people).
 * `allowed` says whether the table lets the role do it: allowed changes act on fresh resources, so
 * that each role's attempt is a real one.
 */
function request(key: string, role: Role, allowed: boolean, target: 'in' | 'out'): Req {
  const s = w.shared;
  const own = role === 'admin' ? w.hubs.gr : w.organisers[role].hubId!;
  const person = target === 'in' && role === 'cohost' ? w.people.ro : w.people.gr;
  const mailId = target === 'in' && role === 'cohost' ? w.mail.ro : w.mail.gr;
  const created = { title: `Created by ${role} ${uniq()}`, hubId: String(own), status: 'scheduled', date: '2026-05-05', time: '10:00', zone: 'Europe/Athens', durationMinutes: '60', language: 'en', reminderOffsets: 'P1D' };
  const pollSession = () => (allowed ? freshPoll() : sharedPoll);
  switch (key) {
    case 'GET /organiser':
    case 'GET /organiser/sessions/new':
    case 'GET /organiser/tokens':
    case 'GET /organiser/mail':
    case 'GET /organiser/audit':
      return { method: 'GET', url: key.slice(4) };
    case 'POST /organiser/sessions':
      return { method: 'POST', url: '/organiser/sessions', form: created };
    case 'GET /organiser/series/:id':
      return { method: 'GET', url: `/organiser/series/${must(w.t.services.sessions.seriesList()[0], 'a series of the seed').id}` };
    case 'GET /organiser/sessions/:id/edit':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/edit` };
    case 'POST /organiser/sessions/:id': {
      const x = allowed ? freshSession() : s;
      // A co-host's attempt is the takeover: their own hub as owner, no co-hosts.
      return { method: 'POST', url: `/organiser/sessions/${x.id}`, form: role === 'cohost' ? sessionForm(x, own, []) : sessionForm(x, w.hubs.gr, [w.hubs.ro]) };
    }
    case 'POST /organiser/sessions/:id/cancel':
      return { method: 'POST', url: `/organiser/sessions/${(allowed ? freshSession() : s).id}/cancel`, form: {} };
    case 'POST /organiser/tokens':
      return { method: 'POST', url: '/organiser/tokens', form: { name: `token ${uniq()}` } };
    case 'POST /organiser/tokens/:id/revoke':
      return { method: 'POST', url: `/organiser/tokens/${w.t.services.auth.createToken(w.organisers[role].id, `to revoke ${uniq()}`).id}/revoke`, form: {} };
    case 'GET /organiser/sessions/:id/registrations':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/registrations` };
    case 'GET /organiser/sessions/:id/registrations.csv':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/registrations.csv` };
    case 'POST /organiser/sessions/:id/registrations':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/registrations`, form: registrationForm() };
    case 'POST /organiser/sessions/:id/registrations/:rid/cancel':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/registrations/${allowed ? freshRegistration().id : w.people.gr.id}/cancel`, form: {} };
    case 'POST /organiser/sessions/:id/registrations/:rid/promote':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/registrations/${w.people.gr.id}/promote`, form: {} };
    case 'POST /organiser/sessions/:id/message':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/message`, form: { subject: `Room change ${uniq()}`, body: 'We meet in room 2.', audience: 'confirmed' } };
    case 'POST /organiser/sessions/:id/questions':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/questions`, form: { label: `Question ${uniq()}`, kind: 'text' } };
    case 'POST /organiser/sessions/:id/questions/:qid/delete': {
      w.t.services.repos.registrations.addQuestion({ sessionId: s.id, label: `To delete ${uniq()}`, kind: 'text', options: [], required: false });
      const q = w.t.services.repos.registrations.questions(s.id).at(-1)!;
      return { method: 'POST', url: `/organiser/sessions/${s.id}/questions/${q.id}/delete`, form: {} };
    }
    case 'GET /organiser/sessions/:id/attendance':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/attendance` };
    case 'POST /organiser/sessions/:id/attendance/:rid':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/attendance/${person.id}`, form: { attended: 'yes' } };
    case 'POST /organiser/sessions/:id/attendance/import':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/attendance/import`, form: { csv: `Name,Email\n${w.people.gr.name},${w.people.gr.email}\n` } };
    case 'GET /organiser/sessions/:id/followups':
      return { method: 'GET', url: `/organiser/sessions/${ended.id}/followups` };
    case 'POST /organiser/sessions/:id/followups/:audience':
      return { method: 'POST', url: `/organiser/sessions/${ended.id}/followups/attendees`, form: { subject: `Thanks ${uniq()}`, body: 'See you soon.' } };
    case 'GET /organiser/sessions/:id/followups/:audience/preview':
      return { method: 'GET', url: `/organiser/sessions/${ended.id}/followups/attendees/preview` };
    case 'POST /organiser/sessions/:id/followups/:audience/send':
      return { method: 'POST', url: `/organiser/sessions/${(allowed ? endedSession() : ended).id}/followups/attendees/send`, form: {} };
    case 'GET /organiser/sessions/:id/materials':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/materials` };
    case 'POST /organiser/sessions/:id/materials':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/materials`, form: materialForm() };
    case 'GET /organiser/sessions/:id/materials/:mid/edit':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/materials/${sharedMaterial()}/edit` };
    case 'POST /organiser/sessions/:id/materials/:mid':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/materials/${sharedMaterial()}`, form: materialForm() };
    case 'POST /organiser/sessions/:id/materials/:mid/delete':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/materials/${allowed ? freshMaterial() : sharedMaterial()}/delete`, form: {} };
    case 'POST /organiser/sessions/:id/materials/:mid/move':
      freshMaterial();
      return { method: 'POST', url: `/organiser/sessions/${s.id}/materials/${sharedMaterial()}/move`, form: { direction: 'down' } };
    case 'GET /organiser/sessions/:id/agenda':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/agenda` };
    case 'POST /organiser/sessions/:id/agenda':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/agenda`, form: itemForm() };
    case 'GET /organiser/sessions/:id/agenda/:iid/edit':
      return { method: 'GET', url: `/organiser/sessions/${s.id}/agenda/${sharedItem()}/edit` };
    case 'POST /organiser/sessions/:id/agenda/:iid':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/agenda/${sharedItem()}`, form: itemForm() };
    case 'POST /organiser/sessions/:id/agenda/:iid/delete':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/agenda/${allowed ? freshItem() : sharedItem()}/delete`, form: {} };
    case 'POST /organiser/sessions/:id/agenda/proposals/:pid':
      return { method: 'POST', url: `/organiser/sessions/${s.id}/agenda/proposals/${acceptedProposal()}`, form: { durationMinutes: '1' } };
    case 'POST /organiser/sessions/:id/agenda/:iid/move':
      freshItem();
      return { method: 'POST', url: `/organiser/sessions/${s.id}/agenda/${sharedItem()}/move`, form: { direction: 'down' } };
    case 'GET /organiser/sessions/:id/call':
      return { method: 'GET', url: `/organiser/sessions/${sharedCall().id}/call` };
    case 'POST /organiser/sessions/:id/call':
      return { method: 'POST', url: `/organiser/sessions/${(allowed ? freshSession() : sharedCall()).id}/call`, form: callForm() };
    case 'POST /organiser/sessions/:id/call/close':
      return { method: 'POST', url: `/organiser/sessions/${(allowed ? freshCall() : sharedCall()).id}/call/close`, form: {} };
    case 'POST /organiser/sessions/:id/call/invitations':
      return { method: 'POST', url: `/organiser/sessions/${sharedCall().id}/call/invitations`, form: { name: 'Jonas Jonaitis', email: `jonas${uniq()}@example.org`, language: 'lt', zone: 'Europe/Vilnius' } };
    case 'GET /organiser/sessions/:id/call/propose':
      return { method: 'GET', url: `/organiser/sessions/${sharedCall().id}/call/propose` };
    case 'POST /organiser/sessions/:id/call/proposals':
      return { method: 'POST', url: `/organiser/sessions/${sharedCall().id}/call/proposals`, form: proposalForm() };
    case 'GET /organiser/sessions/:id/call/proposals/:pid':
      return { method: 'GET', url: `/organiser/sessions/${sharedCall().id}/call/proposals/${sharedProposal()}` };
    case 'GET /organiser/sessions/:id/call/proposals/:pid/edit':
      return { method: 'GET', url: `/organiser/sessions/${sharedCall().id}/call/proposals/${ownProposal(role)}/edit` };
    case 'POST /organiser/sessions/:id/call/proposals/:pid/edit':
      return { method: 'POST', url: `/organiser/sessions/${sharedCall().id}/call/proposals/${ownProposal(role)}/edit`, form: proposalForm() };
    case 'POST /organiser/sessions/:id/call/proposals/:pid/decision':
      return { method: 'POST', url: `/organiser/sessions/${sharedCall().id}/call/proposals/${sharedProposal()}/decision`, form: { decision: 'changes', message: 'Shorter, please.' } };
    case 'GET /organiser/sessions/:id/call/proposals.csv':
      return { method: 'GET', url: `/organiser/sessions/${sharedCall().id}/call/proposals.csv` };
    case 'GET /organiser/sessions/:id/poll':
      return { method: 'GET', url: `/organiser/sessions/${sharedPoll.session.id}/poll` };
    case 'POST /organiser/sessions/:id/poll':
      return { method: 'POST', url: `/organiser/sessions/${(allowed ? freshSession('tentative') : sharedPoll.session).id}/poll`, form: { zone: 'Europe/Rome', deadlineDate: '', deadlineTime: '', reminderHours: '24' } };
    case 'POST /organiser/sessions/:id/poll/slots':
      return { method: 'POST', url: `/organiser/sessions/${pollSession().session.id}/poll/slots`, form: { date: '2026-04-15', time: '12:00', zone: 'Europe/Athens', durationMinutes: '60' } };
    case 'POST /organiser/sessions/:id/poll/slots/:slotId/delete': {
      const p = pollSession();
      return { method: 'POST', url: `/organiser/sessions/${p.session.id}/poll/slots/${p.slot.id}/delete`, form: {} };
    }
    case 'POST /organiser/sessions/:id/poll/invite':
      return { method: 'POST', url: `/organiser/sessions/${pollSession().session.id}/poll/invite`, form: { hubIds: [String(w.hubs.it)] } };
    case 'POST /organiser/sessions/:id/poll/close':
      return { method: 'POST', url: `/organiser/sessions/${pollSession().session.id}/poll/close`, form: {} };
    case 'POST /organiser/sessions/:id/poll/pick': {
      const p = pollSession();
      return { method: 'POST', url: `/organiser/sessions/${p.session.id}/poll/pick`, form: { slotId: String(p.slot.id) } };
    }
    case 'GET /organiser/mail/:id':
      return { method: 'GET', url: `/organiser/mail/${mailId}` };
    case 'POST /organiser/mail/:id/retry':
      return { method: 'POST', url: `/organiser/mail/${mailId}/retry`, form: {} };
    case 'POST /organiser/mail/resume':
      return { method: 'POST', url: '/organiser/mail/resume', form: {} };
    case 'POST /organiser/demo/remove':
      return { method: 'POST', url: '/organiser/demo/remove', form: {} };
    case 'GET /organiser/account':
    case 'GET /organiser/people':
    case 'GET /organiser/hubs':
      return { method: 'GET', url: key.slice(4) };
    case 'POST /organiser/account': {
      const o = w.organisers[role];
      return { method: 'POST', url: '/organiser/account', form: { name: o.name, language: o.language, zone: o.zone } };
    }
    case 'POST /organiser/account/password':
      // A wrong current password: the form comes back (400), and the role's password stays as it is.
      return { method: 'POST', url: '/organiser/account/password', form: { current: 'not-the-password', password: 'a-new-password-123', confirm: 'a-new-password-123' } };
    case 'POST /organiser/people/invitations':
      return { method: 'POST', url: '/organiser/people/invitations', form: { name: `Invited ${uniq()}`, email: `invited${n}@example.org`, role: 'hub', hubId: String(w.hubs.it), language: 'en' } };
    case 'POST /organiser/people/invitations/:id/withdraw': {
      const inv = w.t.services.accounts.invite(w.organisers.admin, { name: `To withdraw ${uniq()}`, email: `withdraw${n}@example.org`, role: 'hub', hubId: String(w.hubs.it), language: 'en' }, organiserActor(w.organisers.admin));
      return { method: 'POST', url: `/organiser/people/invitations/${inv.id}/withdraw`, form: {} };
    }
    case 'POST /organiser/people/:id':
      return { method: 'POST', url: `/organiser/people/${freshOrganiser().id}`, form: { role: 'hub', hubId: String(w.hubs.ro) } };
    case 'POST /organiser/people/:id/deactivate':
      return { method: 'POST', url: `/organiser/people/${freshOrganiser().id}/deactivate`, form: {} };
    case 'POST /organiser/people/:id/reactivate': {
      const o = freshOrganiser();
      w.t.services.repos.organisers.setDisabled(o.id, w.t.clock.now());
      return { method: 'POST', url: `/organiser/people/${o.id}/reactivate`, form: {} };
    }
    case 'GET /organiser/hubs/:slug':
      return { method: 'GET', url: `/organiser/hubs/${GR_HUB}` };
    case 'POST /organiser/hubs/:slug':
      // The owning hub's own details (Greece): its organisers and the administrators may change them.
      return { method: 'POST', url: `/organiser/hubs/${GR_HUB}`, form: { name: `GR DIGIGOV-INNOHUB ${uniq()}`, fullName: '', coordinator: '', contactEmail: `contact${n}@digigov.example.gr` } };
    case 'GET /api/v1/hubs':
    case 'GET /api/v1/series':
    case 'GET /api/v1/sessions':
      return { method: 'GET', url: key.slice(4), token: true };
    case 'GET /api/v1/sessions/:id':
      return { method: 'GET', url: `/api/v1/sessions/${s.id}`, token: true };
    case 'POST /api/v1/sessions':
      return { method: 'POST', url: '/api/v1/sessions', token: true, json: { title: `API session ${uniq()}`, hubId: own, status: 'scheduled', date: '2026-05-06', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60 } };
    case 'PATCH /api/v1/sessions/:id':
      // A co-host's attempt is finding 3: take the session over.
      return { method: 'PATCH', url: `/api/v1/sessions/${(allowed ? freshSession() : s).id}`, token: true, json: role === 'cohost' ? { hubId: own, coHostIds: [] } : { title: `Renamed ${uniq()}` } };
    case 'POST /api/v1/sessions/:id/cancel':
      return { method: 'POST', url: `/api/v1/sessions/${(allowed ? freshSession() : s).id}/cancel`, token: true, json: {} };
    case 'POST /api/v1/inbound/mail':
      // The roles' tokens have the 'api' scope: handing over received mail needs an 'inbound' one.
      return { method: 'POST', url: '/api/v1/inbound/mail?to=rsvp%2B1-00@kairos.test', token: true, raw: { type: 'message/rfc822', body: 'Subject: hello\r\n\r\nhi\r\n' } };
    case 'POST /api/v1/sessions/:id/registrations':
      return { method: 'POST', url: `/api/v1/sessions/${s.id}/registrations`, json: { name: `Api person ${uniq()}`, email: `api${n}@example.org`, organisation: 'Org', orgType: 'sme', country: 'GR', language: 'en', zone: 'Europe/Athens', consent: true } };
    default:
      throw new Error(`no request for ${key}: add one here and a row to the README table`);
  }
}

let sharedPoll: { session: { id: number }; slot: { id: number } };
let ended: ReturnType<typeof endedSession>;

async function send(role: Role, r: Req): Promise<HttpResponse> {
  const c = w.clients[role];
  if (r.raw) return c.request(r.method, r.url, { body: r.raw.body, headers: { 'content-type': r.raw.type, ...(r.token ? { authorization: `Bearer ${w.tokens[role]}` } : {}) } });
  if (r.json !== undefined || r.url.startsWith('/api/')) {
    if (r.method === 'GET') return c.request('GET', r.url, { headers: r.token ? { authorization: `Bearer ${w.tokens[role]}` } : {} });
    return c.json(r.method, r.url, r.json ?? {}, r.token ? w.tokens[role] : undefined);
  }
  if (r.method === 'GET') return c.get(r.url);
  await c.get('/organiser/tokens'); // a page with a fresh CSRF token, as a browser would have
  return c.post(r.url, r.form ?? {});
}

beforeAll(async () => {
  w = await makeWorld();
  sharedPoll = freshPoll();
  ended = endedSession();
}, 120_000);

afterAll(async () => {
  await w?.t.close();
});

describe('who may do what (README table)', () => {
  it('has a row in the README table and a request here for every organiser route and API operation', () => {
    const table = readmeTable();
    const walked = w.routes.filter((r) => /^\w+ \/(organiser|api\/v1)\b/.test(r));
    expect(walked.length).toBeGreaterThan(40);
    const missing = walked.filter((r) => !table.has(r));
    expect(missing).toEqual([]);
    const stale = [...table.keys()].filter((k) => !w.routes.includes(k));
    expect(stale).toEqual([]);
  });

  it('allows exactly what the table allows, refuses the rest without a change, and shows no one outside the scope', async () => {
    const table = readmeTable();
    const walked = w.routes.filter((r) => /^\w+ \/(organiser|api\/v1)\b/.test(r));
    const problems: string[] = [];
    let refusals = 0;
    for (const key of walked) {
      const row = table.get(key)!;
      for (const role of ROLES) {
        const e = row[role];
        // A co-host on a row limited to their hub's people: their own hub's person is allowed, another's refused.
        const attempts: { target: 'in' | 'out'; allowed: boolean }[] =
          e.scoped && /:(rid|id)\b/.test(key) && /\/(attendance|mail)\//.test(key) ? [{ target: 'in', allowed: true }, { target: 'out', allowed: false }] : [{ target: 'in', allowed: e.allowed }];
        for (const a of attempts) {
          const req = request(key, role, a.allowed, a.target);
          const before = a.allowed ? '' : snapshot(w.t);
          const res = await send(role, req);
          const what = `${role} ${req.method} ${req.url} (${key}, ${a.target})`;
          if (a.allowed) {
            if ([401, 403, 404].includes(res.statusCode) || res.statusCode >= 500) problems.push(`${what}: allowed by the table, answered ${res.statusCode}`);
          } else {
            refusals++;
            if (![403, 404].includes(res.statusCode)) problems.push(`${what}: refused by the table, answered ${res.statusCode}`);
            if (snapshot(w.t) !== before) problems.push(`${what}: refused, yet the database changed`);
          }
          for (const secret of hiddenFrom(w, role)) if (res.body.includes(secret)) problems.push(`${what}: the response shows ${secret}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(refusals).toBeGreaterThan(50);
  }, 300_000);

  it('shows the owner and the administrator everyone, a co-host their own hub\'s people (the checks above can fail)', async () => {
    const url = `/organiser/sessions/${w.shared.id}/registrations.csv`;
    for (const role of ['admin', 'owner'] as const) {
      const body = (await w.clients[role].get(url)).body;
      for (const p of Object.values(w.people)) expect(body).toContain(p.email);
    }
    const co = await w.clients.cohost.get(url);
    expect(co.statusCode).toBe(200);
    expect(co.body).toContain(w.people.ro.email);
    const api = (role: Role) => w.clients[role].request('GET', `/api/v1/sessions/${w.shared.id}`, { headers: { authorization: `Bearer ${w.tokens[role]}` } });
    expect((await api('cohost')).json<{ joinUrl?: string }>().joinUrl).toBe('https://meet.example.org/shared-room-7731');
    expect((await api('other')).json<{ joinUrl?: string }>().joinUrl).toBeUndefined();
  });
});
