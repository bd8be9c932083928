/**
 * Inviting voters and voting through the personal link: answers counted and changed, GET changes
 * nothing, CSRF required, unknown tokens 404, results without any voter's address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBINAR_SLUG } from '../../../src/seed/seed.js';
import type { NewRegistration } from '../../../src/modules/registrations/repository.js';
import { sha256 } from '../../../src/core/crypto.js';
import { wallToInstant } from '../../../src/core/time/index.js';
import { Browser, text } from '../../helpers/app.js';
import { must } from '../../helpers/must.js';
import { makePollApp, outboxRows, tentativeSession, type PollTestApp } from './helpers.js';

let t: PollTestApp;
beforeAll(async () => {
  t = await makePollApp({ now: '2021-08-20T09:00:00Z' });
});
afterAll(() => t.close());

/** A registration to the (completed) 15 July 2021 webinar, written as the registration flow would have. */
function earlierRegistration(n: number, extra: Partial<NewRegistration> = {}) {
  const webinar = t.services.repos.sessions.getBySlug(WEBINAR_SLUG)!;
  return t.services.repos.registrations.insert(
    {
      sessionId: webinar.id,
      status: 'confirmed',
      name: `Participant ${n}`,
      email: `participant${n}@example.org`,
      organisation: 'Municipality',
      orgType: 'public',
      hubId: null,
      country: 'GR',
      language: 'en',
      zone: 'Europe/Athens',
      consentVersion: '2026-11',
      followupConsent: true,
      answers: {},
      tokenNonce: `nonce-${n}-${Math.random()}`,
      tokenHash: `hash-${n}-${Math.random()}`,
      emailVerifiedAt: Date.parse('2021-07-01T00:00:00Z'),
      holdUntil: null,
      waitlistedAt: null,
      confirmedAt: Date.parse('2021-07-01T00:00:00Z'),
      source: 'form',
      ...extra,
    },
    Date.parse('2021-07-01T00:00:00Z'),
  );
}

/** A poll with three slots and deadline 10 Sep 2021 17:00 Athens. */
function pollWithSlots() {
  const s = tentativeSession(t);
  const poll = t.polls.create(s.id, { zone: 'Europe/Athens', deadlineDate: '2021-09-10', deadlineTime: '17:00', reminderHours: '48' }, t.gr);
  const slots = [
    t.polls.addSlot(s.id, { date: '2021-09-14', time: '11:00', durationMinutes: 120 }, t.gr),
    t.polls.addSlot(s.id, { date: '2021-09-15', time: '10:00', durationMinutes: 120 }, t.gr),
    t.polls.addSlot(s.id, { date: '2021-09-16', time: '15:00', durationMinutes: 120 }, t.gr),
  ] as const;
  return { s, poll, slots };
}

const hubIds = (...slugs: string[]) => slugs.map((slug) => String(t.services.repos.hubs.getBySlug(slug)!.id));
const voterBy = (pollId: number, email: string) => t.polls.voters(t.polls.forSession(t.services.repos.sessions.get(t.polls.repo.get(pollId)!.sessionId)!.id)!).find((v) => v.email === email)!;
const tokenOf = (pollId: number, email: string) => t.polls.tokenFor(voterBy(pollId, email));

describe('inviting voters', () => {
  it('hub contacts get an invitation in their language and zone, with a reminder 48 h before the deadline', () => {
    const { s, poll } = pollWithSlots();
    const before = outboxRows(t, 'poll.invite').length;
    const r = t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub', 'dih4society', 'connected-mobility-hub') }, t.gr);
    expect(r).toEqual({ invited: 3, alreadyInvited: 0, withoutConsent: 0, invalid: 0 });
    const invites = outboxRows(t, 'poll.invite').slice(before);
    expect(invites.map((i) => [i.recipient_email, i.language, i.zone]).sort()).toEqual([
      ['contact@connected-mobility-hub.example', 'es', 'Europe/Madrid'],
      ['contact@dih4society.example', 'ro', 'Europe/Bucharest'],
      ['contact@gr-digigov-innohub.example', 'el', 'Europe/Athens'],
    ]);
    const deadline = wallToInstant({ date: '2021-09-10', time: '17:00', zone: 'Europe/Athens' });
    expect(new Date(deadline).toISOString()).toBe('2021-09-10T14:00:00.000Z');
    for (const i of invites) {
      expect(i.deadline).toBe(deadline);
      expect(i.payload).not.toMatch(/token|@/); // the link is derived when sending, never stored
    }
    const reminders = outboxRows(t, 'poll.reminder').filter((x) => x.dedupe_key.startsWith(`poll:${poll.id}:`));
    expect(reminders).toHaveLength(3);
    for (const x of reminders) expect([x.not_before, x.deadline, x.status]).toEqual([deadline - 48 * 3_600_000, deadline, 'queued']);
    // Inviting again does not invite twice.
    expect(t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub', 'diginn-cyprus') }, t.gr)).toEqual({ invited: 1, alreadyInvited: 1, withoutConsent: 0, invalid: 0 });
    // Tokens: at least 128 bits, only a hash stored.
    const v = must(t.polls.voters(poll)[0], 'the first voter');
    const token = t.polls.tokenFor(v);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const row = t.db.prepare('SELECT * FROM poll_voters WHERE id = ?').get(v.id) as Record<string, unknown>;
    expect(row.token_hash).toBe(sha256(token));
    expect(JSON.stringify(t.db.prepare('SELECT * FROM poll_voters').all())).not.toContain(token);
  });

  it('registrants of earlier sessions of the series: active, with an address, who accepted follow-up emails, one per address', () => {
    earlierRegistration(1, { language: 'el', zone: 'Asia/Nicosia', country: 'CY' });
    earlierRegistration(2, { followupConsent: false });
    earlierRegistration(3, { status: 'cancelled' });
    earlierRegistration(4, { email: 'Contact@DIH4Society.example', hubId: t.services.repos.hubs.getBySlug('dih4society')!.id, country: 'RO' });
    const { s, poll } = pollWithSlots();
    expect(t.polls.eligible(s)).toEqual({ registrants: 3, registrantsWithConsent: 2 });
    const r = t.polls.invite(s.id, { hubIds: hubIds('dih4society'), registrants: 'on' }, t.gr);
    // the RO hub's address and participant 4's are the same address in another letter case: one voter
    expect(r).toEqual({ invited: 2, alreadyInvited: 0, withoutConsent: 1, invalid: 0 });
    const voters = t.polls.voters(poll).map((v) => [v.email, v.source, v.language, v.zone, v.country]);
    expect(voters).toEqual([
      ['participant1@example.org', 'registrant', 'el', 'Asia/Nicosia', 'CY'],
      ['contact@dih4society.example', 'hub', 'ro', 'Europe/Bucharest', 'RO'],
    ]);
  });

  it('nothing to invite, or no slots yet, is refused with a message', async () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens' }, t.gr);
    expect(() => t.polls.invite(s.id, { hubIds: hubIds('dih4society') }, t.gr)).toThrow(expect.objectContaining({ code: 'poll_no_slots' }));
    t.polls.addSlot(s.id, { date: '2021-09-14', time: '11:00' }, t.gr);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login('eleni@grnet.test', 'greek-password-123');
    await b.get(`/organiser/sessions/${s.id}/poll`);
    const res = await b.post(`/organiser/sessions/${s.id}/poll/invite`, {});
    expect(res.statusCode).toBe(400);
    expect(text(res.body)).toContain('Choose at least one hub, or the people registered for earlier sessions.');
    await b.get(`/organiser/sessions/${s.id}/poll`);
    const ok = await b.post(`/organiser/sessions/${s.id}/poll/invite`, { hubIds: hubIds('dih4society', 'innovation-amp') });
    expect(ok.statusCode).toBe(303);
    expect(text((await b.get(ok.headers.location as string)).body)).toContain('2 invited; 0 had already been invited.');
  });
});

describe('voting with the personal link', () => {
  it('counts answers, lets a voter change yes → no, and the counts follow', async () => {
    const { s, poll, slots } = pollWithSlots();
    t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub', 'dih4society', 'edih4dt') }, t.gr);
    const gr = tokenOf(poll.id, 'contact@gr-digigov-innohub.example');
    const ro = tokenOf(poll.id, 'contact@dih4society.example');
    const [a, b2, c] = [`slot-${slots[0].id}`, `slot-${slots[1].id}`, `slot-${slots[2].id}`];

    const vg = new Browser(t.app, { 'accept-language': 'en' });
    const page = await vg.get(`/poll/${gr}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await vg.post(`/poll/${gr}`, { [a]: 'yes', [b2]: 'maybe', [c]: 'no' })).statusCode).toBe(303);
    const vr = new Browser(t.app, { 'accept-language': 'en' });
    await vr.get(`/poll/${ro}`);
    expect((await vr.post(`/poll/${ro}`, { [a]: 'yes', [b2]: 'no' })).statusCode).toBe(303);

    let res = t.polls.results(t.polls.forSession(s.id)!, 'Europe/Athens', 'en');
    const bySlot = () => Object.fromEntries(res.slots.map((x) => [x.id, [x.yes, x.maybe, x.no]]));
    expect(bySlot()).toEqual({ [slots[0].id]: [2, 0, 0], [slots[1].id]: [0, 1, 1], [slots[2].id]: [0, 0, 1] });
    expect(must(res.slots[0], 'first slot result').byCountry.GR).toEqual({ yes: 1, maybe: 0, no: 0 });
    expect(must(res.slots[0], 'first slot result').byCountry.RO).toEqual({ yes: 1, maybe: 0, no: 0 });
    expect(must(res.slots[0], 'first slot result').byHub[String(t.services.repos.hubs.getBySlug('dih4society')!.id)]).toEqual({ yes: 1, maybe: 0, no: 0 });
    expect([res.voters, res.answered]).toEqual([3, 2]);
    expect(res.ranking.map((x) => x.id)).toEqual([slots[0].id, slots[1].id, slots[2].id]);

    // The Greek hub changes its mind: yes → no on the first slot.
    await vg.get(`/poll/${gr}`);
    expect(vg.lastPage).toMatch(new RegExp(`id="${a}-yes" name="${a}" value="yes" checked`));
    expect((await vg.post(`/poll/${gr}`, { [a]: 'no', [b2]: 'maybe', [c]: 'no' })).statusCode).toBe(303);
    res = t.polls.results(t.polls.forSession(s.id)!, 'Europe/Athens', 'en');
    expect(bySlot()[slots[0].id]).toEqual([1, 0, 1]);
    expect(must(res.slots[0], 'first slot result').byCountry.GR).toEqual({ yes: 0, maybe: 0, no: 1 });
    expect([res.voters, res.answered]).toEqual([3, 2]);
    // the Greek hub's page speaks Greek (the voter's language), unless ?lang= asks otherwise
    const kept = await vg.get(`/poll/${gr}?msg=poll.vote.saved`);
    expect(text(kept.body)).toContain('Ευχαριστούμε: οι απαντήσεις σας αποθηκεύτηκαν.');
    expect(text((await vg.get(`/poll/${gr}?msg=poll.vote.saved&lang=en`)).body)).toContain('Thank you: your answers have been saved.');
    expect(kept.body).toMatch(new RegExp(`id="${a}-no" name="${a}" value="no" checked`));
    // ranking: 1 yes (slot 1) beats 0 yes; between the other two, "if need be" decides
    expect(res.ranking.map((x) => x.id)).toEqual([slots[0].id, slots[1].id, slots[2].id]);
    const rankRow = new RegExp(`<tr data-slot="${slots[0].id}">[\\s\\S]*?</tr>`).exec(kept.body)![0];
    expect(text(rankRow)).toMatch(/^1 .* 1 0 1 8 από 8$/);
  });

  it('a language the voter picks (?lang=) stays through sending the form; otherwise the page speaks theirs', async () => {
    const { s, poll, slots } = pollWithSlots();
    t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub') }, t.gr);
    const gr = tokenOf(poll.id, 'contact@gr-digigov-innohub.example');
    const b = new Browser(t.app);
    const page = await b.get(`/poll/${gr}?lang=en`);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain(`action="/poll/${gr}?lang=en"`);
    const sent = await b.post(`/poll/${gr}?lang=en`, { [`slot-${slots[0].id}`]: 'yes' });
    expect(sent.headers.location).toBe(`/poll/${gr}?msg=poll.vote.saved&lang=en`);
    expect(text((await b.get(sent.headers.location as string)).body)).toContain('Thank you: your answers have been saved.');
    const own = await new Browser(t.app).get(`/poll/${gr}`);
    expect(own.body).toContain('<html lang="el">');
    expect(own.body).toContain(`action="/poll/${gr}"`);
  });

  it('the ranking: most yes, then most if need be, then most countries within working hours', () => {
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens' }, t.gr);
    const c = t.polls.addSlot(s.id, { date: '2021-09-15', time: '10:00', durationMinutes: 60 }, t.gr); // Canary 08:00: 7 of 8 countries
    const b = t.polls.addSlot(s.id, { date: '2021-09-16', time: '12:00', durationMinutes: 60 }, t.gr); // 8 of 8
    const d = t.polls.addSlot(s.id, { date: '2021-09-13', time: '12:00', durationMinutes: 60 }, t.gr);
    const a = t.polls.addSlot(s.id, { date: '2021-09-17', time: '13:00', durationMinutes: 60 }, t.gr);
    t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub', 'dih4society') }, t.gr);
    const poll = t.polls.forSession(s.id)!;
    const k = (x: { id: number }) => `slot-${x.id}`;
    t.polls.vote(tokenOf(poll.id, 'contact@gr-digigov-innohub.example'), { [k(a)]: 'yes', [k(b)]: 'yes', [k(c)]: 'yes', [k(d)]: 'yes' });
    t.polls.vote(tokenOf(poll.id, 'contact@dih4society.example'), { [k(a)]: 'yes', [k(b)]: 'maybe', [k(c)]: 'maybe', [k(d)]: 'no' });
    const ranking = t.polls.results(poll, 'Europe/Athens', 'en').ranking;
    expect(ranking.map((r) => [r.id, r.yes, r.maybe, r.countriesInHours, r.rank])).toEqual([
      [a.id, 2, 0, 8, 1], // most yes
      [b.id, 1, 1, 8, 2], // then if need be; then more countries in working hours than c, though c is earlier
      [c.id, 1, 1, 7, 3],
      [d.id, 1, 0, 8, 4], // fewer if need be, though it is the earliest of all
    ]);
  });

  it('GET of the vote page changes nothing; POST without the CSRF token is 403; an unknown token is 404', async () => {
    const { s, poll, slots } = pollWithSlots();
    t.polls.invite(s.id, { hubIds: hubIds('maxxi-cdih') }, t.gr);
    const token = tokenOf(poll.id, 'contact@maxxi-cdih.example');
    const snapshot = () =>
      JSON.stringify([t.db.prepare('SELECT * FROM polls').all(), t.db.prepare('SELECT * FROM poll_voters').all(), t.db.prepare('SELECT * FROM poll_answers').all(), t.db.prepare('SELECT id, status, not_before FROM outbox').all()]);
    const before = snapshot();
    const b = new Browser(t.app, { 'accept-language': 'en' });
    for (let i = 0; i < 3; i++) expect((await b.get(`/poll/${token}`)).statusCode).toBe(200);
    // even after the deadline passed: the page says closed, nothing is written
    t.clock.set('2021-09-11T09:00:00Z');
    try {
      const closed = await b.get(`/poll/${token}?lang=en`);
      expect(text(closed.body)).toContain('The deadline of this poll has passed: answers can no longer be changed.');
    } finally {
      t.clock.set('2021-08-20T09:00:00Z');
    }
    expect(snapshot()).toBe(before);

    await b.get(`/poll/${token}`);
    const noCsrf = await b.post(`/poll/${token}`, { [`slot-${slots[0].id}`]: 'yes' }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect(snapshot()).toBe(before);

    const fake = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await b.get(`/poll/${fake}`)).statusCode).toBe(404);
    expect((await b.get('/poll/short')).statusCode).toBe(404);
    await b.get(`/poll/${token}`);
    expect((await b.post(`/poll/${fake}`, { [`slot-${slots[0].id}`]: 'yes' })).statusCode).toBe(404);
    expect(snapshot()).toBe(before);
  });

  it('refuses an invalid answer and an empty form, beside the slot or at the top', async () => {
    const { s, poll, slots } = pollWithSlots();
    t.polls.invite(s.id, { hubIds: hubIds('smart-secure-cities') }, t.gr);
    const token = tokenOf(poll.id, 'contact@smart-secure-cities.example');
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.get(`/poll/${token}?lang=en`);
    const bad = await b.post(`/poll/${token}?lang=en`, { [`slot-${slots[0].id}`]: 'perhaps', [`slot-${slots[1].id}`]: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(`id="slot-${slots[0].id}-error"`);
    expect(text(bad.body)).toContain('Answer yes, if need be, or no.');
    // what was chosen validly is shown again
    expect(bad.body).toMatch(new RegExp(`id="slot-${slots[1].id}-yes" name="slot-${slots[1].id}" value="yes" checked`));
    await b.get(`/poll/${token}?lang=en`);
    const empty = await b.post(`/poll/${token}?lang=en`, {});
    expect(empty.statusCode).toBe(400);
    expect(text(empty.body)).toContain('Choose an answer for at least one date.');
    expect(t.db.prepare('SELECT count(*) AS n FROM poll_answers a JOIN poll_voters v ON v.id = a.voter_id WHERE v.poll_id = ?').get(poll.id)).toEqual({ n: 0 });
  });

  it("the vote page shows slots in the voter's zone and the organiser's, and no voter's address or name", async () => {
    earlierRegistration(20, { name: 'Μαρία Secretname', email: 'maria.secret@example.org', zone: 'Atlantic/Canary', country: 'ES', language: 'en' });
    const { s, poll, slots } = pollWithSlots();
    t.polls.invite(s.id, { hubIds: hubIds('gr-digigov-innohub', 'connected-mobility-hub'), registrants: 'on' }, t.gr);
    const maria = tokenOf(poll.id, 'maria.secret@example.org');
    t.polls.vote(maria, { [`slot-${slots[0].id}`]: 'yes' });
    const gr = tokenOf(poll.id, 'contact@gr-digigov-innohub.example');
    t.polls.vote(gr, { [`slot-${slots[0].id}`]: 'maybe' });

    const b = new Browser(t.app, { 'accept-language': 'en' });
    const own = text((await b.get(`/poll/${maria}`)).body);
    expect(own).toContain('Option 1: Tuesday, 14 September 2021, 09:00 (Atlantic/Canary, UTC+01:00) – 11:00');
    expect(own).toContain("Organiser's time: Tuesday, 14 September 2021, 11:00 (Europe/Athens, UTC+03:00) – 13:00");
    expect(own).toContain('Outside working hours (09:00–18:00, Mon–Fri) in: Canary Islands 08:00');

    const other = await b.get(`/poll/${tokenOf(poll.id, 'contact@connected-mobility-hub.example')}?lang=en`);
    const body = other.body;
    for (const v of t.polls.voters(poll)) expect(body).not.toContain(v.email);
    expect(body).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/);
    expect(body).not.toContain('Secretname');
    // the counts are there: Spain 1 yes (Maria), Greece 1 if need be
    const countryRow = must(new RegExp(`<table class="heat" id="heat-country">[\\s\\S]*?<tr data-slot="${slots[0].id}">([\\s\\S]*?)</tr>`).exec(body)?.[1], 'the first slot\'s row by country');
    const cell = (key: string) => must(new RegExp(`<td data-key="${key}"[^>]*>([\\s\\S]*?)</td>`).exec(countryRow)?.[1], `the ${key} cell`);
    expect(text(cell('ES'))).toBe('1 / 0');
    expect(text(cell('GR'))).toBe('0 / 1');
    // "yes" and "if need be" are told apart by hue, not only by the numbers; an empty count is not shaded.
    const hue = (html: string, cls: string) => /hsl\((\d+),/.exec(must(new RegExp(`class="heat-n ${cls}"[^>]*`).exec(html)?.[0], cls))?.[1];
    expect(hue(cell('ES'), 'heat-yes')).toBeDefined();
    expect(hue(cell('GR'), 'heat-maybe')).toBeDefined();
    expect(hue(cell('ES'), 'heat-yes')).not.toBe(hue(cell('GR'), 'heat-maybe'));
    expect(hue(cell('ES'), 'heat-maybe')).toBeUndefined();
    // The legend names both shades.
    expect(text(must(/<p class="muted" id="heat-legend">([\s\S]*?)<\/p>/.exec(body)?.[1], 'the legend'))).toMatch(/Yes.*If need be/i);
    expect(text(body)).toContain(`2 of ${t.polls.voters(poll).length} invited people have answered.`);
    // the organiser's page lists the people (organisers only)
    const org = new Browser(t.app, { 'accept-language': 'en' });
    await org.login('eleni@grnet.test', 'greek-password-123');
    expect((await org.get(`/organiser/sessions/${s.id}/poll`)).body).toContain('maria.secret@example.org');
  });
});

describe('erasure', () => {
  it('a voter erases their address: the link stops working, their emails are scrubbed, their answers still count without a name', async () => {
    const { s, poll, slots } = pollWithSlots();
    t.polls.invite(s.id, { hubIds: hubIds('edih4dt') }, t.gr);
    const email = t.services.repos.hubs.getBySlug('edih4dt')!.contactEmail;
    const token = tokenOf(poll.id, email);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.get(`/poll/${token}`);
    await b.post(`/poll/${token}`, { [`slot-${slots[0].id}`]: 'yes', [`slot-${slots[1].id}`]: 'no', [`slot-${slots[2].id}`]: 'maybe' });
    await b.get(`/poll/${token}`);
    expect((await b.post(`/poll/${token}/erase`, {})).statusCode).toBe(303);
    expect((await b.get(`/poll/${token}`)).statusCode).toBe(404);
    const dump = JSON.stringify([t.db.prepare('SELECT * FROM poll_voters WHERE poll_id = ?').all(poll.id), t.db.prepare("SELECT * FROM outbox WHERE dedupe_key LIKE ?").all(`poll:${poll.id}:%`)]);
    expect(dump).not.toContain(email);
    const results = t.polls.results(t.polls.forSession(s.id)!, 'Europe/Athens', 'en');
    expect(JSON.stringify(results)).not.toContain(email);
    const first = results.ranking.find((r) => r.id === slots[0].id)!;
    expect([first.yes, first.byCountry.IT?.yes]).toEqual([1, 1]);
  });

  it('erasing a registration erases the voter made from it', () => {
    const { s, poll } = pollWithSlots();
    const tokenNonce = 'nonce-901';
    const reg = earlierRegistration(901, { tokenNonce, tokenHash: sha256(t.services.registrations.tokenFor({ tokenNonce })) });
    t.polls.invite(s.id, { registrants: 'on' }, t.gr);
    expect(voterBy(poll.id, 'participant901@example.org')).toBeDefined();
    t.services.registrations.erase(t.services.registrations.tokenFor({ tokenNonce: reg.tokenNonce }));
    expect(JSON.stringify(t.db.prepare('SELECT * FROM poll_voters WHERE poll_id = ?').all(poll.id))).not.toContain('participant901@example.org');
  });
});
