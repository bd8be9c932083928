/**
 * Every action of the organiser's everyday work that is not a form of fields, in headless Chromium:
 * cancel a session; cancel a registration and give a waiting person a place; send a follow-up;
 * close a date poll and pick its date; deactivate and reactivate an organiser; send a failed mail
 * again and resume paused sending; remove the demo; a registrant's export and erasure of their data
 * and a voter's erasure of their answers; logging out; the filters of the audit log, of a session's
 * registrations and of the mail; the language switcher; the zone picker (a select made a searchable
 * combobox). Each is done once as a person would (sent
 * wrong first where it can be wrong), and the page that answers shows the change, no left-over
 * values or catalogue keys, and passes axe-core (WCAG 2.1 A and AA).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { pauseDispatch } from '../../src/core/outbox/index.js';
import en from '../../src/core/i18n/en.js';
import el from '../../src/core/i18n/el.js';
import type { Session } from '../../src/modules/sessions/repository.js';
import { seedDemo } from '../../src/seed/seed-demo.js';
import { ADMIN, GR_ORGANISER, RO_ORGANISER, makeApp, type TestApp } from '../helpers/app.js';
import { HAS_CHROMIUM, NO_CHROMIUM_MESSAGE, axeViolations, launchChromium } from '../helpers/chromium.js';
import { withMail, type TestMail } from '../helpers/mail.js';
import { must } from '../helpers/must.js';
import { problemsOf, signIn, submit, summaryProblems } from '../helpers/page-checks.js';

let t: TestApp;
let mail: TestMail;
let browser: Browser;
let base: string;
/** One page per person, each in its own browser context (its own cookies). */
let owner: Page;
let admin: Page;
let visitor: Page;

/** The data set: ids and personal links. */
const d = {
  past: 0,
  small: 0,
  first: 0,
  waiting: 0,
  toCancel: 0,
  tentative: 0,
  ana: 0,
  manage: '',
  poll: '',
  failed: 0,
};

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const flash = (page: Page) => page.locator('main .flash').first().innerText();
const main = (page: Page) => page.locator('main').innerText();

/** What is wrong with the page that answered an action: left-over values, keys, sideways scroll, axe. */
async function checked(page: Page, what: string): Promise<string[]> {
  const found = (await problemsOf(page)).map((p) => `${what}: ${p}`);
  for (const v of await axeViolations(page)) found.push(`${what}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
  return found;
}

/** Goes to `path` and sends the one form matching `selector` in main (a confirmation answered yes). */
async function act(page: Page, path: string, selector: string): Promise<void> {
  await page.goto(base + path);
  const form = page.locator(`main ${selector}`);
  expect(await form.count(), `${selector} on ${path}`).toBe(1);
  await submit(page, form);
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  t = await makeApp({ now: '2026-02-20T09:00:00Z', seed: true });
  seedDemo(t.db, t.services, t.clock);
  mail = await withMail(t);
  const eleni = must(t.services.repos.organisers.credentials(GR_ORGANISER.email), 'Eleni').organiser;
  d.ana = must(t.services.repos.organisers.credentials(RO_ORGANISER.email), 'Ana').organiser.id;
  const gr = hubId(GR_ORGANISER.hub);
  const ro = hubId(RO_ORGANISER.hub);
  const session = (extra: Record<string, unknown>): Session =>
    t.services.sessions.create({ hubId: gr, coHostIds: [ro], zone: 'Europe/Athens', durationMinutes: 90, joinUrl: 'https://meet.example.org/kairos', language: 'en', ...extra }, eleni);
  const input = (name: string, email: string) => ({ name, email, organisation: 'Ministry of Digital Governance', orgType: 'public', hubId: gr, country: 'GR', zone: 'Europe/Athens', language: 'en', consent: true, followupConsent: true });

  // A past session with an attendee and a follow-up written for the attendees.
  const past = session({ title: 'Open data for municipalities: what we learnt', date: '2026-02-25', time: '11:00', capacity: 30, doubleOptIn: false });
  d.past = past.id;
  const came = t.services.registrations.register(past.id, input('Giorgos Papadakis', 'giorgos@example.gr'), 'organiser').registration;
  t.clock.set('2026-03-01T09:00:00Z');
  t.services.attendance.mark(past.id, came.id, true, { all: true });
  t.services.followups.save(must(t.services.repos.sessions.get(past.id), 'past'), 'attendees', { subject: 'Thank you for coming', body: 'The slides are attached.' });

  // One seat held by an unconfirmed person, the next on the waitlist; a second seat is then offered,
  // which the waitlist does not take by itself while unconfirmed holds are at their share.
  const small = session({ title: 'Small workshop: registries in practice', date: '2026-04-22', time: '10:00', capacity: 1, doubleOptIn: true });
  d.small = small.id;
  const first = t.services.registrations.register(small.id, input('Maria Rossi', 'maria@example.it'));
  d.first = first.registration.id;
  d.manage = `/r/${t.services.registrations.tokenFor(first.registration)}`;
  d.waiting = t.services.registrations.register(small.id, input('Lukas Vaitkevičius', 'lukas@example.lt')).registration.id;
  t.services.sessions.update(small.id, { capacity: 2 }, eleni);
  expect(t.services.registrations.get(d.waiting).status).toBe('waitlisted');

  // A session to cancel, with a confirmed registrant who will be told.
  const toCancel = session({ title: 'Webinar: cloud contracts for public bodies', date: '2026-03-10', time: '15:00', capacity: 50, doubleOptIn: false });
  d.toCancel = toCancel.id;
  t.services.registrations.register(toCancel.id, input('Nikos Georgiou', 'nikos@example.gr'), 'organiser');

  // A tentative session with a date poll of two dates, its voters invited.
  const tentative = session({ title: 'Follow-up: the case-study meeting', status: 'tentative', approxMonth: '2026-05', approxPart: 'mid' });
  d.tentative = tentative.id;
  t.services.polls.create(tentative.id, { zone: 'Europe/Athens', deadlineDate: '2026-04-30', deadlineTime: '17:00' }, eleni);
  t.services.polls.addSlot(tentative.id, { date: '2026-05-12', time: '11:00', zone: 'Europe/Athens', durationMinutes: '60' }, eleni);
  t.services.polls.addSlot(tentative.id, { date: '2026-05-13', time: '10:00', zone: 'Europe/Athens', durationMinutes: '60' }, eleni);
  t.services.polls.invite(tentative.id, { hubIds: [String(gr)] }, eleni);
  const voter = must(t.services.polls.voters(must(t.services.polls.forSession(tentative.id), 'poll'))[0], 'a voter');
  d.poll = `/poll/${t.services.polls.tokenFor(voter)}`;

  // The mail so far goes out; the first message is refused for good by the relay (550).
  mail.sink.reply('rcpt', 550);
  await mail.drain();
  d.failed = must(t.db.prepare<[], { id: number }>("SELECT id FROM outbox WHERE status = 'failed'").get(), 'a failed message').id;

  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  const pageOf = async (who?: { email: string; password: string }) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Athens', locale: 'en-GB' });
    const page = await context.newPage();
    if (who) await signIn(page, base, who);
    return page;
  };
  owner = await pageOf(GR_ORGANISER);
  admin = await pageOf(ADMIN);
  visitor = await pageOf();
});

afterAll(async () => {
  await browser?.close();
  await mail?.close();
  await t?.close();
});

describe('every action', () => {
  if (!HAS_CHROMIUM) {
    it.skip(NO_CHROMIUM_MESSAGE, () => {});
    return;
  }

  it('cancels a session from the organiser area: the session says so and its registrant is told', async () => {
    const found: string[] = [];
    const selector = `form[action="/organiser/sessions/${d.toCancel}/cancel"]`;
    // The organiser area lists sessions a page at a time: the one to cancel is on one of them.
    let path = '/organiser';
    for (let n = 2; ; n++) {
      await owner.goto(base + path);
      if ((await owner.locator(`main ${selector}`).count()) === 1) break;
      expect(n, 'the session is listed in the organiser area').toBeLessThan(20);
      path = `/organiser?page=${n}`;
    }
    await act(owner, path, selector);
    expect(owner.url()).toBe(`${base}/sessions/${d.toCancel}?msg=org.cancelled`);
    expect(await flash(owner)).toBe(en['org.cancelled']);
    expect(await main(owner)).toContain(en['session.cancelledNotice']);
    found.push(...(await checked(owner, 'session cancelled')));
    // The cancellation is on its way to the registrant.
    await owner.goto(`${base}/organiser/mail?status=queued`);
    expect(await main(owner)).toContain('nikos@example.gr');
    expect(found).toEqual([]);
  });

  it('gives a waiting person a place (refused while every seat is taken), and cancels a registration', async () => {
    const found: string[] = [];
    const list = `/organiser/sessions/${d.small}/registrations`;
    const promote = `form[action="${list}/${d.waiting}/promote"]`;
    await owner.goto(base + list);
    expect(await owner.locator(`main ${promote}`).count()).toBe(1);
    // Meanwhile someone else takes the free seat: giving the place is refused, saying why.
    const taken = t.services.registrations.register(d.small, { name: 'Ioana Popescu', email: 'ioana@example.ro', organisation: 'Primăria Cluj', orgType: 'public', hubId: hubId(RO_ORGANISER.hub), country: 'RO', zone: 'Europe/Bucharest', language: 'en', consent: true }, 'organiser').registration;
    await submit(owner, owner.locator(`main ${promote}`));
    expect(await main(owner)).toContain(en['err.session_full']);
    expect(t.services.registrations.get(d.waiting).status).toBe('waitlisted');
    found.push(...(await checked(owner, 'place refused')));

    // Cancelling that registration frees the seat again.
    await act(owner, list, `form[action="${list}/${taken.id}/cancel"]`);
    expect(await flash(owner)).toBe(en['orgreg.cancelled']);
    expect(t.services.registrations.get(taken.id).status).toBe('cancelled');
    found.push(...(await checked(owner, 'registration cancelled')));

    await act(owner, list, promote);
    expect(await flash(owner)).toBe(en['orgreg.promoted']);
    const row = owner.locator('#registrations tr', { hasText: 'Lukas Vaitkevičius' });
    expect(await row.innerText()).toContain(en['orgreg.status.pending']);
    found.push(...(await checked(owner, 'place given')));
    expect(found).toEqual([]);
  });

  it('sends a follow-up to the attendees: it is queued for them', async () => {
    const found: string[] = [];
    await act(owner, `/organiser/sessions/${d.past}/followups`, `form[action="/organiser/sessions/${d.past}/followups/attendees/send"]`);
    expect(await flash(owner)).toBe(en['fu.sent']);
    found.push(...(await checked(owner, 'follow-up sent')));
    await owner.goto(`${base}/organiser/mail?status=queued`);
    expect(await main(owner)).toContain('giorgos@example.gr');
    expect(found).toEqual([]);
  });

  it('erases a voter’s answers from their link, then closes the poll and picks its date', async () => {
    const found: string[] = [];
    await act(visitor, d.poll, `form[action="${d.poll}/erase"]`);
    expect(visitor.url()).toBe(`${base}/?msg=poll.erase.done`);
    expect(await flash(visitor)).toBe(en['poll.erase.done']);
    found.push(...(await checked(visitor, 'poll answers erased')));

    const poll = `/organiser/sessions/${d.tentative}/poll`;
    await act(owner, poll, `form[action="${poll}/close"]`);
    expect(await flash(owner)).toBe(en['poll.org.closedMsg']);
    found.push(...(await checked(owner, 'poll closed')));

    await owner.goto(base + poll);
    await submit(owner, owner.locator(`main form[action="${poll}/pick"]`).first());
    expect(owner.url(), await main(owner)).toBe(`${base}/sessions/${d.tentative}?msg=poll.org.pickedMsg`);
    expect(await flash(owner)).toBe(en['poll.org.pickedMsg']);
    expect(must(t.services.repos.sessions.get(d.tentative), 'session').status).toBe('scheduled');
    found.push(...(await checked(owner, 'date picked')));
    expect(found).toEqual([]);
  });

  it('deactivates an organiser and reactivates her', async () => {
    const found: string[] = [];
    const row = () => admin.locator(`#person-${d.ana}`).innerText();
    await act(admin, '/organiser/people', `form[action="/organiser/people/${d.ana}/deactivate"]`);
    expect(await flash(admin)).toBe(en['people.deactivatedMsg']);
    expect(await row()).toContain(en['people.deactivated']);
    found.push(...(await checked(admin, 'organiser deactivated')));

    await act(admin, '/organiser/people', `form[action="/organiser/people/${d.ana}/reactivate"]`);
    expect(await flash(admin)).toBe(en['people.reactivatedMsg']);
    expect(await row()).toContain(en['people.active']);
    found.push(...(await checked(admin, 'organiser reactivated')));
    expect(found).toEqual([]);
  });

  it('filters the mail, sends a failed message again, and resumes paused sending', async () => {
    const found: string[] = [];
    await admin.goto(`${base}/organiser/mail`);
    const filter = admin.locator('main form.filters');
    await filter.locator('select[name=status]').selectOption('failed');
    await submit(admin, filter);
    expect(admin.url()).toBe(`${base}/organiser/mail?status=failed`);
    const rows = admin.locator('main table.list tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(en['email.status.failed']);
    found.push(...(await checked(admin, 'mail filtered')));

    await Promise.all([admin.waitForEvent('load'), rows.first().locator('a').first().click()]);
    expect(admin.url()).toBe(`${base}/organiser/mail/${d.failed}`);
    await submit(admin, admin.locator('main form[action$="/retry"]'));
    expect(await flash(admin)).toBe(en['email.admin.retried']);
    expect(await admin.locator('main .status').first().textContent()).toBe(en['email.status.queued']);
    found.push(...(await checked(admin, 'mail sent again')));

    // The relay refused the login: sending pauses until an administrator resumes it.
    pauseDispatch(t.db, { now: t.clock.now(), until: t.clock.now() + 900_000, reason: '535 Authentication credentials invalid', code: '535' });
    await act(admin, '/organiser/mail', 'form[action="/organiser/mail/resume"]');
    expect(await flash(admin)).toBe(en['email.admin.resumed']);
    expect(await admin.locator('main form[action="/organiser/mail/resume"]').count()).toBe(0);
    found.push(...(await checked(admin, 'sending resumed')));
    expect(found).toEqual([]);
  });

  it('filters the audit log (a wrong session number is refused beside its field) and a session’s registrations', async () => {
    const found: string[] = [];
    await admin.goto(`${base}/organiser/audit`);
    let filter = admin.locator('main form.filters');
    await filter.locator('[name=session]').fill('twelve');
    await submit(admin, filter);
    expect(await admin.locator('#form-errors').count()).toBe(1);
    await expect.poll(() => admin.evaluate(() => Boolean(document.activeElement?.closest('#form-errors')))).toBe(true);
    found.push(...(await summaryProblems(admin)).map((p) => `audit filter, sent wrong: ${p}`));
    found.push(...(await checked(admin, 'audit filter, sent wrong')));
    expect(await admin.locator('main [name=session]').inputValue()).toBe('twelve');

    filter = admin.locator('main form.filters');
    await filter.locator('[name=session]').fill('');
    await filter.locator('select[name=action]').selectOption('organiser.deactivated');
    await submit(admin, filter);
    expect(admin.url()).toContain('action=organiser.deactivated');
    const entries = admin.locator('main table.audit tbody tr');
    expect(await entries.count()).toBe(1);
    found.push(...(await checked(admin, 'audit filtered')));

    const list = `/organiser/sessions/${d.small}/registrations`;
    await owner.goto(base + list);
    const regFilter = owner.locator('main form.filters');
    await regFilter.locator('select[name=status]').selectOption('cancelled');
    await submit(owner, regFilter);
    expect(owner.url()).toContain('status=cancelled');
    const shown = await owner.locator('#registrations tbody tr').allInnerTexts();
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('Ioana Popescu');
    found.push(...(await checked(owner, 'registrations filtered')));
    expect(found).toEqual([]);
  });

  it('switches the language of a filtered page, keeping the filter', async () => {
    const found: string[] = [];
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, timezoneId: 'Europe/Athens', locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, base, GR_ORGANISER);
    await page.goto(`${base}/organiser/mail?status=queued`);
    await Promise.all([page.waitForURL(/lang=el/), page.locator('#lang-select').selectOption('el')]);
    await page.waitForLoadState('load');
    expect(await page.locator('html').getAttribute('lang')).toBe('el');
    expect(await page.locator('h1').innerText()).toBe(el['email.admin.title']);
    expect(new URL(page.url()).searchParams.get('status')).toBe('queued');
    expect(await page.locator('main select[name=status]').inputValue()).toBe('queued');
    found.push(...(await checked(page, 'language switched')));
    // The choice is remembered on the next page.
    await page.goto(`${base}/organiser`);
    expect(await page.locator('html').getAttribute('lang')).toBe('el');
    await context.close();
    expect(found).toEqual([]);
  });

  it('picks a zone by a city, by a country in another language or by its IANA name, with the keyboard or the mouse; the form posts it', async () => {
    const found: string[] = [];
    await admin.goto(`${base}/organiser/account`);
    const input = admin.locator('main #f-zone');
    const select = admin.locator('main select[name=zone]');
    expect(await input.getAttribute('role')).toBe('combobox');
    const listbox = admin.locator(`#${must(await input.getAttribute('aria-controls'), 'the listbox')}`);
    const options = listbox.locator('[role=option]');

    // A city, by its first letters: the arrow key moves to it, Enter takes it (and does not send the form).
    await input.fill('Buchar');
    await expect.poll(() => input.getAttribute('aria-expanded')).toBe('true');
    expect(await options.first().innerText()).toBe('Bucharest — Romania — UTC+02:00 now');
    found.push(...(await checked(admin, 'zone picker open')));
    await input.press('ArrowDown');
    const active = must(await input.getAttribute('aria-activedescendant'), 'the option in focus');
    expect(await admin.locator(`#${active}`).getAttribute('aria-selected')).toBe('true');
    await input.press('Enter');
    expect(admin.url()).toBe(`${base}/organiser/account`);
    expect(await select.inputValue()).toBe('Europe/Bucharest');
    expect(await input.inputValue()).toBe('Bucharest — Romania — UTC+02:00 now');
    expect(await input.getAttribute('aria-expanded')).toBe('false');

    // A country named in a language the site does not speak.
    await input.fill('Rumänien');
    await expect.poll(() => options.allInnerTexts()).toEqual(['Bucharest — Romania — UTC+02:00 now']);
    await input.press('Escape');
    expect(await input.getAttribute('aria-expanded')).toBe('false');

    // An IANA name, picked with the mouse.
    await input.fill('Europe/Lisbon');
    await expect.poll(() => options.count()).toBe(1);
    await options.first().click();
    expect(await select.inputValue()).toBe('Europe/Lisbon');
    expect(await input.inputValue()).toBe('Lisbon — Portugal — UTC+00:00 now');

    // The form posts the zone chosen, as the select always did.
    await submit(admin, admin.locator('main form[action="/organiser/account"]'));
    expect(await flash(admin)).toBe(en['org.saved']);
    expect(t.services.repos.organisers.credentials(ADMIN.email)?.organiser.zone).toBe('Europe/Lisbon');
    expect(await admin.locator('main #f-zone').inputValue()).toBe('Lisbon — Portugal — UTC+00:00 now');
    found.push(...(await checked(admin, 'zone saved')));
    expect(found).toEqual([]);
  });

  it('removes the demo series', async () => {
    const found: string[] = [];
    await act(admin, '/organiser', 'form[action="/organiser/demo/remove"]');
    expect(await flash(admin)).toBe(en['org.demo.removed']);
    expect(await admin.locator('main form[action="/organiser/demo/remove"]').count()).toBe(0);
    found.push(...(await checked(admin, 'demo removed')));
    expect(found).toEqual([]);
  });

  it('lets a registrant download their data, then erase it', async () => {
    const found: string[] = [];
    await visitor.goto(base + d.manage);
    const [download] = await Promise.all([visitor.waitForEvent('download'), visitor.locator(`main form[action="${d.manage}/export"] button[type=submit]`).click()]);
    expect(download.suggestedFilename()).toBe('kairos-registration.json');
    const data = readFileSync(must(await download.path(), 'the downloaded file'), 'utf8');
    expect(data).toContain('Maria Rossi');
    expect(data).toContain('maria@example.it');

    await act(visitor, d.manage, `form[action="${d.manage}/erase"]`);
    expect(visitor.url()).toBe(`${base}/?msg=manage.erased`);
    expect(await flash(visitor)).toBe(en['manage.erased']);
    found.push(...(await checked(visitor, 'data erased')));
    const gone = await visitor.goto(base + d.manage);
    expect(gone?.status()).toBeGreaterThanOrEqual(400);
    expect(found).toEqual([]);
  });

  it('logs out', async () => {
    const found: string[] = [];
    await owner.goto(`${base}/organiser`);
    await submit(owner, owner.locator('header form[action="/logout"]'));
    expect(owner.url()).toBe(`${base}/?msg=login.loggedOut`);
    expect(await flash(owner)).toBe(en['login.loggedOut']);
    found.push(...(await checked(owner, 'logged out')));
    await owner.goto(`${base}/organiser`);
    expect(new URL(owner.url()).pathname).toBe('/login');
    expect(found).toEqual([]);
  });
});
