/**
 * Every page, every role, every form, in headless Chromium. A data set made once (a session open for
 * registration with a required question of its own, a full one, a tentative one with a date poll, a
 * past one with attendance, materials, a series, a registrant with a personal link, an invitation and
 * a password reset link taken from the mail) is visited as a visitor, a registrant, an organiser of
 * the owning hub, an organiser of a co-hosting hub and an administrator, at a phone's 390 px and a
 * laptop's 1280 px. Each page answers 2xx (a page the role may not open: 403, saying what to do),
 * shows no `undefined`, `null`, `NaN` or catalogue key, does not scroll sideways and passes axe-core
 * (WCAG 2.1 A and AA). Each form is sent once with nothing
 * (or something wrong) in it, and comes back with the error summary focused and each error linked to
 * its field; and once filled in, and its change shows.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { organiserActor } from '../../src/core/audit/index.js';
import en from '../../src/core/i18n/en.js';
import type { Session } from '../../src/modules/sessions/repository.js';
import { ADMIN, GR_ORGANISER, RO_ORGANISER, makeApp, type TestApp } from '../helpers/app.js';
import { HAS_CHROMIUM, NO_CHROMIUM_MESSAGE, axeViolations, launchChromium } from '../helpers/chromium.js';
import { withMail, type TestMail } from '../helpers/mail.js';
import { must } from '../helpers/must.js';
import { problemsOf, signIn as signInAs, submit, summaryProblems, fillForm, type Fill } from '../helpers/page-checks.js';

type Role = 'visitor' | 'registrant' | 'owner' | 'cohost' | 'admin';
const pages = {} as Record<Role, Page>;
const LOGINS: Partial<Record<Role, { email: string; password: string }>> = { owner: GR_ORGANISER, cohost: RO_ORGANISER, admin: ADMIN };

let t: TestApp;
let mail: TestMail;
let browser: Browser;
let base: string;

/** The data set: ids and personal links. */
const d = {
  open: 0,
  full: 0,
  tentative: 0,
  past: 0,
  seriesId: 0,
  materialId: 0,
  questionId: 0,
  ana: 0,
  manage: '',
  confirm: '',
  join: '',
  poll: '',
  invitation: '',
  reset: '',
};

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;

/** The path of the first link to `prefix` in the text parts of the mail sent so far. */
function linkIn(prefix: string): string {
  for (const m of mail.sink.messages) {
    const found = new RegExp(`http://kairos\\.test(${prefix}[A-Za-z0-9_-]+)`).exec(m.parsed.text || '');
    if (found?.[1]) return found[1];
  }
  throw new Error(`no ${prefix} link in the mail`);
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  // Made a week before "now", so that the past session can take registrations before it happens.
  t = await makeApp({ now: '2026-02-20T09:00:00Z', seed: true });
  mail = await withMail(t);
  const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'admin').organiser;
  const eleni = must(t.services.repos.organisers.credentials(GR_ORGANISER.email), 'Eleni').organiser;
  const gr = hubId(GR_ORGANISER.hub);
  const ro = hubId(RO_ORGANISER.hub);
  const session = (extra: Record<string, unknown>): Session =>
    t.services.sessions.create({ hubId: gr, coHostIds: [ro], zone: 'Europe/Athens', durationMinutes: 90, joinUrl: 'https://meet.example.org/kairos', language: 'en', ...extra }, admin);
  const person = (sessionId: number, name: string, email: string) =>
    t.services.registrations.register(sessionId, { name, email, organisation: 'Ministry of Digital Governance', orgType: 'public', hubId: gr, country: 'GR', zone: 'Europe/Athens', language: 'en', consent: true }, 'organiser').registration;

  const past = session({ title: 'Open data for municipalities: what we learnt', date: '2026-02-25', time: '11:00', capacity: 30, doubleOptIn: false });
  d.past = past.id;
  const came = person(past.id, 'Giorgos Papadakis', 'giorgos@example.gr');
  person(past.id, 'Ioana Popescu', 'ioana@example.ro');
  t.clock.set('2026-03-01T09:00:00Z');
  t.services.attendance.mark(past.id, came.id, true, { all: true });
  t.services.followups.save(must(t.services.repos.sessions.get(past.id), 'past'), 'attendees', { subject: 'Thank you for coming', body: 'The slides are attached.' });

  const open = session({ title: 'Case study: interoperable registries across the nine hubs', date: '2026-04-16', time: '16:00', capacity: 40, doubleOptIn: true });
  d.open = open.id;
  t.services.questions.add(open.id, { label: 'Which registry do you work with?', kind: 'text', required: 'on' });
  d.questionId = must(t.services.questions.list(open.id)[0], 'the question').id;
  d.ana = must(t.services.repos.organisers.credentials(RO_ORGANISER.email), 'Ana').organiser.id;
  d.materialId = t.services.materials.add(open, { kind: 'slides', title: 'Slides of the case study', url: 'https://example.org/slides.pdf', visibility: 'public' }, admin.id).id;
  const maria = t.services.registrations.register(open.id, { name: 'Maria Rossi', email: 'maria@example.it', organisation: 'Comune di Roma', orgType: 'public', hubId: ro, country: 'IT', zone: 'Europe/Rome', language: 'en', consent: true, answers: { [`q${d.questionId}`]: 'The business register' } }, 'api').registration;
  const token = t.services.registrations.tokenFor(maria);
  d.manage = `/r/${token}`;
  d.confirm = `/r/${token}/confirm`;

  const full = session({ title: 'Hands-on: e-invoicing for small firms', date: '2026-04-20', time: '10:00', capacity: 1, doubleOptIn: false });
  d.full = full.id;
  d.join = `/join/${t.services.attendance.joinToken(person(full.id, 'Nikos Georgiou', 'nikos@example.gr'))}`;

  const tentative = session({ title: 'Follow-up: the case-study meeting', status: 'tentative', approxMonth: '2026-05', approxPart: 'mid' });
  d.tentative = tentative.id;
  t.services.polls.create(tentative.id, { zone: 'Europe/Athens', deadlineDate: '2026-04-30', deadlineTime: '17:00' }, eleni);
  t.services.polls.addSlot(tentative.id, { date: '2026-05-12', time: '11:00', zone: 'Europe/Athens', durationMinutes: '60' }, eleni);
  t.services.polls.addSlot(tentative.id, { date: '2026-05-13', time: '10:00', zone: 'Europe/Athens', durationMinutes: '60' }, eleni);
  t.services.polls.invite(tentative.id, { hubIds: [String(gr)] }, eleni);
  const voter = must(t.services.polls.voters(must(t.services.polls.forSession(tentative.id), 'poll'))[0], 'a voter');
  d.poll = `/poll/${t.services.polls.tokenFor(voter)}`;

  d.seriesId = must(t.services.sessions.seriesList()[0], 'the seeded series').id;

  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  // An invitation and a password reset link, sent as email and taken from the mail.
  t.services.accounts.invite(admin, { name: 'Dimitra Kosta', email: 'dimitra@example.gr', role: 'hub', hubId: String(gr), language: 'en' }, organiserActor(admin));
  t.services.accounts.requestReset(RO_ORGANISER.email);
  await mail.drain();
  d.invitation = linkIn('/invitations/');
  d.reset = linkIn('/password/reset/');
  browser = await launchChromium();
  // One context per role, signed in once (logins are limited per client address) and kept for both widths.
  for (const role of ['visitor', 'owner', 'cohost', 'admin'] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Athens', locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, role);
    pages[role] = page;
  }
  pages.registrant = pages.visitor;
});

afterAll(async () => {
  await browser?.close();
  await mail?.close();
  await t?.close();
});

/** Pages a role visits and may not open: answered 403 with a page that says what to do. */
const REFUSED: Record<Role, string[]> = { visitor: [], registrant: [], owner: [], cohost: ['/organiser/people'], admin: [] };

/** The pages each role visits (paths made once the data set exists). */
function pagesOf(role: Role): string[] {
  const organiser = (id: number) => [`/organiser/sessions/${id}/registrations`, `/organiser/sessions/${id}/attendance`, `/organiser/sessions/${id}/materials`];
  const everyOrganiser = ['/organiser', '/organiser/sessions/new', `/organiser/series/${d.seriesId}`, '/organiser/mail', '/organiser/tokens', '/organiser/audit', '/organiser/account', '/organiser/hubs', `/organiser/hubs/${GR_ORGANISER.hub}`];
  const owning = [
    ...organiser(d.open),
    `/organiser/sessions/${d.open}/edit`,
    `/organiser/sessions/${d.open}/materials/${d.materialId}/edit`,
    ...organiser(d.past),
    `/organiser/sessions/${d.past}/followups`,
    `/organiser/sessions/${d.past}/followups/attendees/preview`,
    `/organiser/sessions/${d.tentative}/poll`,
    `/organiser/sessions/${d.full}/registrations`,
  ];
  switch (role) {
    case 'visitor':
      return ['/', '/past', `/sessions/${d.open}`, `/sessions/${d.full}`, `/sessions/${d.tentative}`, `/sessions/${d.past}`, '/privacy', '/login', '/password/forgot', d.reset, d.invitation];
    case 'registrant':
      return [d.manage, d.confirm, d.poll, d.join, `/sessions/${d.open}/registered?outcome=pending`];
    case 'owner':
      return [...everyOrganiser, ...owning];
    case 'cohost':
      // The session's pages the co-hosting hub may see, its own account, tokens and hub, the other hubs read-only, and a page it may not open.
      return [
        '/organiser',
        ...organiser(d.open),
        `/organiser/series/${d.seriesId}`,
        '/organiser/mail',
        '/organiser/audit',
        '/organiser/account',
        '/organiser/tokens',
        '/organiser/hubs',
        `/organiser/hubs/${RO_ORGANISER.hub}`,
        `/organiser/hubs/${GR_ORGANISER.hub}`,
        ...REFUSED.cohost,
      ];
    case 'admin':
      // The pages an administrator sees differently (every hub's people, every hub's sessions); the rest as the owning hub.
      return [...everyOrganiser, `/organiser/sessions/${d.open}/registrations`, `/organiser/sessions/${d.open}/edit`, '/organiser/people'];
  }
}

async function signIn(page: Page, role: Role): Promise<void> {
  const who = LOGINS[role];
  if (who) await signInAs(page, base, who);
}

describe('every page, every role', () => {
  if (!HAS_CHROMIUM) {
    it.skip(NO_CHROMIUM_MESSAGE, () => {});
    return;
  }

  it('answers, shows no left-over values or keys, fits at 390 and 1280 px and passes axe, for each role', async () => {
    const found: string[] = [];
    for (const role of ['visitor', 'registrant', 'owner', 'cohost', 'admin'] as const) {
      const page = pages[role];
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 800 });
        for (const path of pagesOf(role)) {
          const res = await page.goto(base + path);
          const where = `${role} ${width}px ${path}`;
          const status = res?.status() ?? 0;
          if (REFUSED[role].includes(path)) {
            if (status !== 403) found.push(`${where}: status ${status}, not 403`);
            if (!(await page.locator('main').innerText()).includes(en['error.forbiddenHelp'])) found.push(`${where}: the refusal does not say what to do`);
          } else if (status < 200 || status > 299) found.push(`${where}: status ${status}`);
          for (const p of await problemsOf(page)) found.push(`${where}: ${p}`);
          for (const v of await axeViolations(page)) found.push(`${where}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
        }
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(found).toEqual([]);
  });
});

/** Values to put in a form's fields by name (text, a select's value, a radio's value, a checkbox on or off), or steps of one's own. */

interface FormCase {
  name: string;
  role: Role;
  path: () => string;
  /** The form, as a CSS selector inside main (one of its kind, or the first of a list with `first`). */
  form: string;
  first?: true;
  /** What makes it wrong (nothing for a form of one button). */
  bad?: Fill;
  good: Fill;
  /** The change a person sees after the valid submission. */
  done: (page: Page) => void | Promise<void>;
}

const flash = (page: Page) => page.locator('main .flash').first().innerText();

/** A zone the picker does not offer (as a form kept open across a change of the zone database would send). */
const unknownZone = async (form: Locator) =>
  form.locator('select[name=zone]').evaluate((select: HTMLSelectElement) => {
    select.add(new Option('Mars/Olympus_Mons', 'Mars/Olympus_Mons'));
    select.value = 'Mars/Olympus_Mons';
  });

function forms(): FormCase[] {
  const open = `/sessions/${d.open}`;
  const org = (id: number) => `/organiser/sessions/${id}`;
  return [
    // ---------------------------------------------------------------- visitor and registrant
    {
      name: 'registration',
      role: 'visitor',
      path: () => open,
      form: '#register-form',
      bad: {},
      good: { name: 'Lukas Vaitkevičius', email: 'lukas@example.lt', organisation: 'Vilnius City Municipality', orgType: 'public', country: 'LT', [`q${d.questionId}`]: 'The address register', consent: true },
      done: (page) => expect(page.url()).toMatch(/\/registered\?outcome=pending$/),
    },
    {
      name: 'forgotten password',
      role: 'visitor',
      path: () => '/password/forgot',
      form: 'form[action="/password/forgot"]',
      bad: {},
      good: { email: GR_ORGANISER.email },
      done: async (page) => expect(await flash(page)).toBe(en['account.forgot.sent']),
    },
    {
      name: 'invitation',
      role: 'visitor',
      path: () => d.invitation,
      form: 'form.form',
      bad: {},
      good: { password: 'dimitra-chooses-a-password', confirm: 'dimitra-chooses-a-password' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['account.welcome']);
        // Signed in as the invited person: sign out again, for the visitor's next forms.
        await submit(page, page.locator('form[action="/logout"]'));
      },
    },
    {
      name: 'preferences',
      role: 'registrant',
      path: () => d.manage,
      form: 'form[action$="/preferences"]',
      bad: unknownZone,
      good: { zone: 'Europe/Madrid' },
      done: async (page) => expect(await flash(page)).toBe(en['manage.saved']),
    },
    {
      name: 'confirmation',
      role: 'registrant',
      path: () => d.confirm,
      form: 'form[action$="/confirm"]',
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['manage.confirmed']),
    },
    {
      name: 'vote',
      role: 'registrant',
      path: () => d.poll,
      form: '#vote-form',
      bad: {},
      good: async (form) => form.locator('input[type=radio][value=yes]').first().check(),
      // The voter reads the page in the hub's language (Greek): the answers are shown as chosen.
      done: async (page) => expect(await page.locator('#vote-form input[type=radio][value=yes]').first().isChecked()).toBe(true),
    },
    {
      name: 'cancellation by the registrant',
      role: 'registrant',
      path: () => d.manage,
      form: 'form[action$="/cancel"]',
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['manage.cancelledMsg']),
    },
    // ---------------------------------------------------------------- the owning hub's organiser
    {
      name: 'new session',
      role: 'owner',
      path: () => '/organiser/sessions/new',
      form: 'form.form',
      bad: {},
      good: { title: 'Workshop: open procurement data', date: '2026-05-20', time: '10:00', zone: 'Europe/Athens', durationMinutes: '60' },
      done: async (page) => expect(await flash(page)).toBe(en['org.created']),
    },
    {
      name: 'session edit',
      role: 'owner',
      path: () => `${org(d.open)}/edit`,
      form: 'form.form',
      bad: { title: '' },
      good: { title: 'Case study: interoperable registries across the nine hubs (second edition)' },
      done: async (page) => expect(await page.locator('h1').innerText()).toContain('(second edition)'),
    },
    {
      name: 'registration by the organiser',
      role: 'owner',
      path: () => `${org(d.open)}/registrations`,
      form: `form[method="post"][action="${org(d.open)}/registrations"]`,
      bad: {},
      good: { name: 'Ana Kowalska', email: 'ana.kowalska@example.pl', organisation: 'Gmina Kraków', orgType: 'public', country: 'PL', [`q${d.questionId}`]: 'The land register', consent: true },
      done: async (page) => expect(await flash(page)).toBe(en['orgreg.added']),
    },
    {
      name: 'message to registrants',
      role: 'owner',
      path: () => `${org(d.open)}/registrations`,
      form: 'form[action$="/message"]',
      bad: {},
      good: { subject: 'The room has changed', body: 'We meet in the larger room; the link stays the same.' },
      done: async (page) => expect(await flash(page)).toBe(en['orgreg.messageSent']),
    },
    {
      name: 'question',
      role: 'owner',
      path: () => `${org(d.open)}/registrations`,
      form: 'form[action$="/questions"]',
      bad: {},
      good: { label: 'What is your role?' },
      done: async (page) => expect(await flash(page)).toBe(en['orgreg.questionAdded']),
    },
    {
      name: 'attendance import',
      role: 'owner',
      path: () => `${org(d.past)}/attendance`,
      form: 'form[action$="/attendance/import"]',
      bad: {},
      good: { csv: 'Name,Email\nIoana Popescu,ioana@example.ro\n' },
      done: async (page) => expect(await page.locator('main').innerText()).toContain('newly marked as attended: 1'),
    },
    {
      name: 'material',
      role: 'owner',
      path: () => `${org(d.open)}/materials`,
      form: `form[action="${org(d.open)}/materials"]`,
      bad: {},
      good: { kind: 'recording', visibility: 'registrants', title: 'Recording of the session', url: 'https://example.org/recording.mp4' },
      done: async (page) => expect(await flash(page)).toBe(en['mat.added']),
    },
    {
      name: 'material edit',
      role: 'owner',
      path: () => `${org(d.open)}/materials/${d.materialId}/edit`,
      form: 'form.form',
      bad: { title: '' },
      good: { title: 'Slides of the case study (final)' },
      done: async (page) => expect(await flash(page)).toBe(en['mat.saved']),
    },
    {
      name: 'follow-up',
      role: 'owner',
      path: () => `${org(d.past)}/followups`,
      form: `form[action="${org(d.past)}/followups/attendees"]`,
      bad: { subject: '', body: '' },
      good: { subject: 'Thank you for coming', body: 'The recording and the slides are online.' },
      done: async (page) => expect(await flash(page)).toBe(en['fu.saved']),
    },
    {
      name: 'poll settings',
      role: 'owner',
      path: () => `${org(d.tentative)}/poll`,
      form: '#poll-settings',
      bad: unknownZone,
      good: { zone: 'Europe/Athens', reminderHours: '24' },
      done: async (page) => expect(await flash(page)).toBe(en['poll.org.saved']),
    },
    {
      name: 'poll slot',
      role: 'owner',
      path: () => `${org(d.tentative)}/poll`,
      form: '#poll-add-slot',
      bad: {},
      good: { date: '2026-05-14', time: '11:00', durationMinutes: '60' },
      done: async (page) => expect(await flash(page)).toBe(en['poll.org.slotAdded']),
    },
    {
      name: 'poll invitations',
      role: 'owner',
      path: () => `${org(d.tentative)}/poll`,
      form: '#poll-invite',
      bad: async (form) => {
        for (const box of await form.locator('input[type=checkbox]').all()) await box.uncheck();
      },
      good: async (form) => form.locator(`input[name="hubIds"][value="${hubId(RO_ORGANISER.hub)}"]`).check(),
      done: (page) => expect(page.url()).toMatch(/invited=1&/),
    },
    {
      name: 'API token',
      role: 'owner',
      path: () => '/organiser/tokens',
      form: 'form[action="/organiser/tokens"]',
      bad: {},
      good: { name: 'Calendar sync' },
      done: async (page) => expect(await page.locator('main').innerText()).toContain(en['org.tokenCreated']),
    },
    {
      name: 'API token revoked',
      role: 'owner',
      path: () => '/organiser/tokens',
      form: 'form[action$="/revoke"]',
      first: true,
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['org.tokenRevoked']),
    },
    {
      name: 'material moved',
      role: 'owner',
      path: () => `${org(d.open)}/materials`,
      form: 'form[action$="/move"]',
      first: true,
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['mat.moved']),
    },
    {
      name: 'material removed',
      role: 'owner',
      path: () => `${org(d.open)}/materials`,
      form: 'form[action$="/delete"]',
      first: true,
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['mat.removed']),
    },
    {
      name: 'question removed',
      role: 'owner',
      path: () => `${org(d.open)}/registrations`,
      form: 'form[action*="/questions/"]',
      first: true,
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['orgreg.questionDeleted']),
    },
    {
      name: 'attendance by hand',
      role: 'owner',
      path: () => `${org(d.past)}/attendance`,
      form: 'form.inline[action*="/attendance/"]',
      first: true,
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['att.saved']),
    },
    {
      name: 'poll slot removed',
      role: 'owner',
      path: () => `${org(d.tentative)}/poll`,
      form: 'form[action*="/poll/slots/"]',
      first: true,
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['poll.org.slotRemoved']),
    },
    {
      name: 'account',
      role: 'owner',
      path: () => '/organiser/account',
      form: 'form[action="/organiser/account"]',
      bad: { name: '' },
      good: { name: 'Eleni Papadopoulou' },
      done: async (page) => expect(await flash(page)).toBe(en['org.saved']),
    },
    {
      name: 'hub details',
      role: 'owner',
      path: () => `/organiser/hubs/${GR_ORGANISER.hub}`,
      form: 'form.form',
      bad: { name: '' },
      good: { contactEmail: 'events@grnet.example' },
      done: async (page) => expect(await flash(page)).toBe(en['org.saved']),
    },
    {
      name: 'password',
      role: 'owner',
      path: () => '/organiser/account',
      form: 'form[action="/organiser/account/password"]',
      bad: {},
      good: { current: GR_ORGANISER.password, password: 'greek-password-456', confirm: 'greek-password-456' },
      done: async (page) => expect(await flash(page)).toBe(en['account.passwordChanged']),
    },
    // ---------------------------------------------------------------- the administrator
    {
      name: 'invitation of an organiser',
      role: 'admin',
      path: () => '/organiser/people',
      form: 'form[action="/organiser/people/invitations"]',
      bad: {},
      good: { name: 'Marta Nowak', email: 'marta@example.pl', role: 'hub', hubId: String(hubId('govtech-lab-vilnius')), language: 'pl' },
      done: async (page) => expect(await flash(page)).toBe(en['people.invited']),
    },
    {
      name: 'role and hub of an organiser',
      role: 'admin',
      path: () => '/organiser/people',
      form: `form[action="/organiser/people/${d.ana}"]`,
      bad: { role: 'hub', hubId: '' },
      good: { role: 'hub', hubId: String(hubId('govtech-lab-vilnius')) },
      done: async (page) => expect(await flash(page)).toBe(en['people.roleSaved']),
    },
    {
      name: 'invitation withdrawn',
      role: 'admin',
      path: () => '/organiser/people',
      form: 'form[action$="/withdraw"]',
      first: true,
      good: {},
      done: async (page) => expect(await flash(page)).toBe(en['people.withdrawn']),
    },
    // Last: a reset ends every login session of its person (here the co-hosting organiser's).
    {
      name: 'password reset',
      role: 'visitor',
      path: () => d.reset,
      form: 'form.form',
      bad: {},
      good: { password: 'romanian-password-789', confirm: 'romanian-password-789' },
      done: async (page) => expect(await page.locator('h1').innerText()).toBe(en['account.reset.doneTitle']),
    },
  ];
}

describe('every form', () => {
  if (!HAS_CHROMIUM) {
    it.skip(NO_CHROMIUM_MESSAGE, () => {});
    return;
  }

  it('sent wrong, comes back with the error summary focused and linked to the fields; sent right, makes its change', async () => {
    const found: string[] = [];
    for (const c of forms()) {
      const page = pages[c.role];
      if (c.bad) {
        await page.goto(base + c.path());
        const form = page.locator(`main ${c.form}`);
        expect(await form.count(), `${c.name}: the form is on ${c.path()}`).toBe(1);
        await fillForm(form, c.bad);
        await submit(page, form);
        if ((await page.locator('#form-errors').count()) === 0) {
          found.push(`${c.name}, sent wrong: no error summary at ${page.url()}: ${(await page.locator('main').innerText()).slice(0, 200)}`);
          continue;
        }
        // The layout's autofocus moves the focus once the page is shown; a summary that never gets it is reported below.
        await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('#form-errors')))).toBe(true).catch(() => undefined);
        for (const p of await summaryProblems(page)) found.push(`${c.name}, sent wrong: ${p}`);
        for (const p of await problemsOf(page)) found.push(`${c.name}, sent wrong: ${p}`);
        for (const v of await axeViolations(page)) found.push(`${c.name}, sent wrong: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
      }
      await page.goto(base + c.path());
      const all = page.locator(`main ${c.form}`);
      if (c.first) expect(await all.count(), `${c.name}: the form is on ${c.path()}`).toBeGreaterThan(0);
      else expect(await all.count(), `${c.name}: the form is on ${c.path()}`).toBe(1);
      const form = all.first();
      await fillForm(form, c.good);
      await submit(page, form);
      expect(await page.locator('#form-errors').count() ? await page.locator('#form-errors').innerText() : '', `${c.name}, sent right`).toBe('');
      await c.done(page);
      for (const p of await problemsOf(page)) found.push(`${c.name}, sent right: ${p}`);
    }
    expect(found).toEqual([]);
  });
});
