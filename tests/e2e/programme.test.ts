/**
 * What a meeting is about, in headless Chromium: the call for case studies (the organiser's page, the
 * proposal form, one proposal with its decision, an organiser's own proposal, the invited person's
 * personal link taken from the invitation email), the agenda (the organiser's page with its forms and
 * the accepted case studies, an item's edit page, the public session page, the printable agenda), the
 * materials and a series of repeating sessions. A data set made through the services (a link pasted
 * with no place to break in the call's text, a proposal and a decision among it) is visited as the
 * owning hub's organiser, a co-hosting hub's organiser (who only reads), the invited person (no login;
 * her pages in Polish, her language) and a visitor, at a phone's 390 px and a laptop's 1280 px: each
 * page answers 2xx, shows no `undefined`, `null`, `NaN` or catalogue key, does not scroll sideways and
 * passes axe-core (WCAG 2.1 A and AA). Each form is sent once wrong (a deadline the clocks skip or
 * repeat, a 10,000-character text, a `javascript:` link, an agenda that overruns the session…) and
 * comes back with the error summary focused, each error linked to its field and what was typed kept;
 * then once right, and its change shows.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { organiserActor } from '../../src/core/audit/index.js';
import en from '../../src/core/i18n/en.js';
import pl from '../../src/core/i18n/pl.js';
import type { Session } from '../../src/modules/sessions/index.js';
import { ADMIN, GR_ORGANISER, RO_ORGANISER, makeApp, type TestApp } from '../helpers/app.js';
import { HAS_CHROMIUM, NO_CHROMIUM_MESSAGE, axeViolations, launchChromium } from '../helpers/chromium.js';
import { withMail, type TestMail } from '../helpers/mail.js';
import { must } from '../helpers/must.js';
import { problemsOf, signIn as signInWith, submit, summaryProblems, fillForm, type Fill } from '../helpers/page-checks.js';


/** The invited person reads their personal link in the visitor's browser (no login either). */
type Role = 'visitor' | 'invited' | 'owner' | 'cohost';
const pages = {} as Record<Role, Page>;
const LOGINS: Partial<Record<Role, { email: string; password: string }>> = { owner: GR_ORGANISER, cohost: RO_ORGANISER };

let t: TestApp;
let mail: TestMail;
let browser: Browser;
let base: string;

/** The data set: ids and the personal link. */
const d = {
  /** The session with a call, proposals, an agenda and materials (60 minutes, 25 of them on the agenda). */
  main: 0,
  /** A session without a call yet: the call is opened in the browser. */
  bare: 0,
  seriesId: 0,
  /** Accepted, not on the agenda yet (Ana's). */
  accepted: 0,
  /** Submitted by Ana, decided in the browser. */
  undecided: 0,
  /** Eleni's own, changed in the browser. */
  own: 0,
  /** The invited person's, changed through the personal link. */
  invited: 0,
  opening: 0,
  link: '',
};

/** A link as people paste them: long, and without a space to break at. */
const LONG_URL = 'https://drive.google.com/file/d/1Xk9QpL3vR7mZ2tYbW8nC4dF6hJ0sA5eGuIoPqRsTw/view?usp=sharing';

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;

/** A proposal as a person fills it in. */
function proposal(over: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'One-stop shop for municipal permits',
    summary: 'How a mid-sized city moved its building permits online in eight months.',
    presenterName1: 'Katarzyna Nowak',
    presenterAffiliation1: 'City of Gdańsk',
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

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  t = await makeApp({ now: '2026-03-10T10:00:00Z' });
  mail = await withMail(t);
  const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'admin').organiser;
  const eleni = must(t.services.repos.organisers.credentials(GR_ORGANISER.email), 'Eleni').organiser;
  const ana = must(t.services.repos.organisers.credentials(RO_ORGANISER.email), 'Ana').organiser;
  const gr = hubId(GR_ORGANISER.hub);
  const ro = hubId(RO_ORGANISER.hub);
  const session = (extra: Record<string, unknown>): Session =>
    t.services.sessions.create({ hubId: gr, coHostIds: [ro], zone: 'Europe/Athens', joinUrl: 'https://meet.example.org/kairos', language: 'en', doubleOptIn: false, ...extra }, admin);

  const main = session({ title: 'Case studies of digital public services', date: '2026-04-15', time: '11:00', durationMinutes: 60 });
  d.main = main.id;
  d.bare = session({ title: 'Open data for municipalities', date: '2026-05-20', time: '11:00', durationMinutes: 90 }).id;

  t.services.calls.save(main, { deadlineDate: '2026-03-31', deadlineTime: '18:00', intro: `Tell us about a public service you moved online.\n\nTwenty minutes each, questions included. The guidelines: ${LONG_URL}` }, eleni);
  const fromAna = (title: string) =>
    t.services.calls.proposeAsOrganiser(main, proposal({ title, presenterName1: 'Ana Popescu', presenterAffiliation1: 'DIH4Society', hubId: String(ro), country: 'RO', language: 'ro', proposerName: 'Ana Popescu', proposerEmail: RO_ORGANISER.email, proposerLanguage: 'ro', materialsUrl: '' }), ana).id;
  d.accepted = fromAna('Open data portal for Cluj');
  t.services.calls.decide(main, d.accepted, { decision: 'accepted', message: `Twenty minutes, please, with the template: ${LONG_URL}` }, eleni);
  d.undecided = fromAna('e-Signature for every citizen');
  d.own = t.services.calls.proposeAsOrganiser(main, proposal({ title: 'Digital building permits in Thessaloniki', presenterName1: 'Eleni Papadopoulou', presenterAffiliation1: 'GRNET', hubId: String(gr), country: 'GR', language: 'el', proposerName: 'Eleni', proposerEmail: GR_ORGANISER.email, proposerLanguage: 'en' }), eleni).id;
  // She reads her emails and her personal pages in Polish.
  t.services.calls.invite(main, { name: 'Katarzyna Nowak', email: 'kasia@example.org', language: 'pl', zone: 'Europe/Warsaw' }, eleni);

  d.opening = t.services.agenda.add(main, { kind: 'welcome', title: 'Opening', durationMinutes: '10', speakers: [{ name: 'Eleni Papadopoulou', affiliation: 'GRNET' }] }, organiserActor(eleni)).id;
  t.services.agenda.add(main, { kind: 'talk', title: 'Where the nine hubs stand', durationMinutes: '15', speakers: [] }, organiserActor(eleni));
  t.services.materials.add(main, { kind: 'slides', title: 'Slides of the opening', url: 'https://example.org/opening.pdf', visibility: 'public' }, eleni.id);

  d.seriesId = t.services.sessions.createRepeating(
    { title: 'Data spaces clinic', hubId: gr, coHostIds: [ro], date: '2026-04-02', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, joinUrl: 'https://meet.example.org/clinic', doubleOptIn: false },
    { frequency: 'monthly-weekday', ordinal: 'first', count: 3 },
    eleni,
  ).series.id;

  // The personal link, as the invited person gets it: from the invitation email.
  await mail.drain();
  const invitation = must(mail.sink.messages.find((m) => m.envelope.rcptTo.includes('kasia@example.org')), 'the invitation');
  d.link = must(/http:\/\/kairos\.test(\/calls\/[A-Za-z0-9_-]+)/.exec(invitation.parsed.text || '')?.[1], 'the personal link');
  d.invited = t.services.calls.proposeByToken(d.link.slice('/calls/'.length), main, proposal({ materialsUrl: LONG_URL })).id;

  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  // One context per role, signed in once and kept for both widths.
  for (const role of ['visitor', 'owner', 'cohost'] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Athens', locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page, role);
    pages[role] = page;
  }
  pages.invited = pages.visitor;
});

afterAll(async () => {
  await browser?.close();
  await mail?.close();
  await t?.close();
});

/** The pages each role visits. */
function pagesOf(role: Role): string[] {
  const org = `/organiser/sessions/${d.main}`;
  switch (role) {
    case 'visitor':
      return [`/sessions/${d.main}`, `/sessions/${d.main}/agenda`, `/sessions/${d.bare}`];
    case 'invited':
      return [d.link, `${d.link}/proposals/${d.invited}`];
    case 'owner':
      return [
        `${org}/call`,
        `/organiser/sessions/${d.bare}/call`,
        `${org}/call/propose`,
        `${org}/call/proposals/${d.accepted}`,
        `${org}/call/proposals/${d.undecided}`,
        `${org}/call/proposals/${d.invited}`,
        `${org}/call/proposals/${d.own}/edit`,
        `${org}/agenda`,
        `${org}/agenda/${d.opening}/edit`,
        `${org}/materials`,
        `/organiser/series/${d.seriesId}`,
        `/sessions/${d.main}`,
        `/sessions/${d.main}/agenda`,
      ];
    case 'cohost':
      return [
        `${org}/call`,
        `${org}/call/proposals/${d.accepted}`,
        `${org}/call/propose`,
        `${org}/call/proposals/${d.undecided}/edit`,
        `${org}/call/proposals/${d.accepted}/edit`,
        `${org}/agenda`,
        `${org}/materials`,
        `/organiser/series/${d.seriesId}`,
        `/sessions/${d.main}`,
      ];
  }
}

async function signIn(page: Page, role: Role): Promise<void> {
  const who = LOGINS[role];
  if (who) await signInWith(page, base, who);
}

describe('the pages of a meeting\'s programme, every role', () => {
  if (!HAS_CHROMIUM) {
    it.skip(NO_CHROMIUM_MESSAGE, () => {});
    return;
  }

  it('answer, show no left-over values or keys, fit at 390 and 1280 px and pass axe, for each role', async () => {
    const found: string[] = [];
    for (const role of ['visitor', 'invited', 'owner', 'cohost'] as const) {
      const page = pages[role];
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 800 });
        for (const path of pagesOf(role)) {
          const res = await page.goto(base + path);
          const where = `${role} ${width}px ${path}`;
          const status = res?.status() ?? 0;
          if (status < 200 || status > 299) found.push(`${where}: status ${status}`);
          for (const p of await problemsOf(page)) found.push(`${where}: ${p}`);
          for (const v of await axeViolations(page)) found.push(`${where}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
        }
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(found).toEqual([]);
  });

  it('show a co-hosting hub the call, its proposals and the agenda without a form that changes them', async () => {
    const page = pages.cohost;
    const org = `/organiser/sessions/${d.main}`;
    await page.goto(`${base}${org}/call`);
    expect(await page.locator('main #proposals').innerText()).toContain('Open data portal for Cluj');
    expect(await page.locator(`main form[action^="${org}/call"]`).count()).toBe(0);
    await page.goto(`${base}${org}/call/proposals/${d.accepted}`);
    expect(await page.locator('main form').count()).toBe(0);
    await page.goto(`${base}${org}/agenda`);
    expect(await page.locator('main #agenda').innerText()).toContain('Where the nine hubs stand');
    expect(await page.locator('main form').count()).toBe(0);
    await page.goto(`${base}${org}/materials`);
    expect(await page.locator('main form').count()).toBe(0);
  });
});

/** Values to put in a form's fields by name (text, a select's value, a checkbox on or off), or steps of one's own. */

interface FormCase {
  name: string;
  role: Role;
  path: () => string;
  /** The form, as a CSS selector inside main (one of its kind, or the first of a list with `first`). */
  form: string;
  first?: true;
  /** What makes it wrong (nothing for a form of one button). */
  bad?: Record<string, string>;
  /** The ids of the fields refused (each linked from the summary). */
  refused?: string[];
  good: Fill;
  /** The change a person sees after the valid submission. */
  done: (page: Page) => void | Promise<void>;
}

const flash = (page: Page) => page.locator('main .flash').first().innerText();

/** The fields sent wrong that do not hold what was typed any more. */
async function lostValues(form: Locator, values: Record<string, string>): Promise<string[]> {
  const found: string[] = [];
  for (const [name, typed] of Object.entries(values)) {
    const kept = await form.locator(`[name="${name}"]`).first().inputValue();
    if (kept !== typed) found.push(`${name} holds ${JSON.stringify(kept.slice(0, 40))} (${kept.length} characters), not what was typed (${typed.length} characters)`);
  }
  return found;
}

function forms(): FormCase[] {
  const org = (id: number) => `/organiser/sessions/${id}`;
  const main = org(d.main);
  const agendaRow = (page: Page, title: string) => page.locator('main #agenda tbody tr', { hasText: title }).innerText();
  return [
    // ---------------------------------------------------------------- the call
    {
      name: 'call opened',
      role: 'owner',
      path: () => `${org(d.bare)}/call`,
      form: `form[action="${org(d.bare)}/call"]`,
      // 03:30 on 29 March 2026 does not exist in Athens: the clocks go from 03:00 to 04:00.
      bad: { deadlineDate: '2026-03-29', deadlineTime: '03:30', intro: 'Tell us about open data your municipality publishes.' },
      refused: ['f-deadlineTime'],
      good: { deadlineDate: '2026-04-30', deadlineTime: '18:00' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['call.opened']);
        expect(await page.locator('main #call-state').innerText()).toBe('Proposals are taken until Thursday, 30 April 2026, 18:00 (Europe/Athens, UTC+03:00).');
        expect(await page.locator('main #deadline-zone').innerText()).toContain('Europe/Athens');
      },
    },
    {
      name: 'invitation to propose',
      role: 'owner',
      path: () => `${org(d.bare)}/call`,
      form: `form[action="${org(d.bare)}/call/invitations"]`,
      // The zone is chosen from the picker's list: only the address can be wrong.
      bad: { name: 'Jonas Petrauskas', email: 'jonas.example.lt' },
      refused: ['inv-email'],
      good: { name: 'Jonas Petrauskas', email: 'jonas@example.lt', language: 'lt', zone: 'Europe/Vilnius' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['call.invited']);
        expect(await page.locator('main #invitations li').allInnerTexts()).toEqual(['Jonas Petrauskas (Lietuvių, Europe/Vilnius)']);
      },
    },
    {
      name: 'proposal from the organiser area',
      role: 'owner',
      path: () => `${main}/call/propose`,
      form: `form[action="${main}/call/proposals"]`,
      bad: { title: 'Kept as typed', summary: 'x'.repeat(10_000), materialsUrl: 'javascript:alert(1)' },
      refused: ['f-summary', 'f-materialsUrl'],
      good: { title: 'Citizens\' e-services portal of Heraklion', summary: 'One login for forty municipal services.', presenterName1: 'Nikos Georgiou', presenterAffiliation1: 'Municipality of Heraklion', materialsUrl: 'https://example.org/heraklion.pdf' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['call.proposed']);
        expect(await page.locator('main section[aria-labelledby="h-mine"]').innerText()).toContain('Citizens\' e-services portal of Heraklion');
      },
    },
    {
      name: 'own proposal changed',
      role: 'owner',
      path: () => `${main}/call/proposals/${d.own}/edit`,
      form: `form[action="${main}/call/proposals/${d.own}/edit"]`,
      bad: { title: 'Digital building permits (kept)', materialsUrl: 'javascript:alert(document.cookie)', presenterName1: '', presenterAffiliation1: '' },
      refused: ['f-materialsUrl', 'f-presenterName1'],
      good: { title: 'Digital building permits in Thessaloniki and Patras' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['call.proposalSaved']);
        expect(await page.locator(`main #p-${d.own}`).innerText()).toContain('Digital building permits in Thessaloniki and Patras');
      },
    },
    {
      name: 'decision on a proposal',
      role: 'owner',
      path: () => `${main}/call/proposals/${d.undecided}`,
      form: `form[action="${main}/call/proposals/${d.undecided}/decision"]`,
      bad: { decision: '', message: 'z'.repeat(10_000) },
      refused: ['f-decision', 'f-message'],
      good: { decision: 'accepted', message: 'Fifteen minutes, please.' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['call.decided.accepted']);
        // The status is shown in capitals (by the style sheet): compared as words.
        const shown = await page.locator('main #proposal').innerText();
        expect(shown.toLowerCase()).toContain(en['call.status.accepted'].toLowerCase());
        expect(shown).toContain('Fifteen minutes, please.');
      },
    },
    {
      name: 'proposal through the personal link',
      role: 'invited',
      path: () => d.link,
      form: `form[action="${d.link}/proposals"]`,
      bad: { title: 'Kept as typed', summary: 'y'.repeat(10_000), materialsUrl: 'javascript:alert(1)' },
      refused: ['f-summary', 'f-materialsUrl'],
      // The form knows the person (name, address, languages), not their case study.
      good: proposal({ title: 'Online parking permits in Gdynia', summary: 'Parking permits issued in minutes, not weeks.', presenterName1: 'Piotr Zieliński', presenterAffiliation1: 'City of Gdynia' }),
      done: async (page) => {
        expect(await flash(page)).toBe(pl['call.proposed']);
        expect(await page.locator('main section[aria-labelledby="h-mine"]').innerText()).toContain('Online parking permits in Gdynia');
      },
    },
    {
      name: 'proposal changed through the personal link',
      role: 'invited',
      path: () => `${d.link}/proposals/${d.invited}`,
      form: `form[action="${d.link}/proposals/${d.invited}"]`,
      bad: { title: 'One-stop shop (kept)', materialsUrl: 'javascript:alert(1)', hubId: '' },
      refused: ['f-materialsUrl', 'f-hubId'],
      good: { title: 'One-stop shop for municipal permits, with its costs' },
      done: async (page) => {
        expect(await flash(page)).toBe(pl['call.proposalSaved']);
        expect(await page.locator(`main #p-${d.invited}`).innerText()).toContain('One-stop shop for municipal permits, with its costs');
      },
    },
    {
      name: 'call changed',
      role: 'owner',
      path: () => `${main}/call`,
      form: `form[action="${main}/call"]`,
      // 03:30 on 25 October 2026 happens twice in Athens (the clocks go back from 04:00 to 03:00); the text is too long.
      bad: { deadlineDate: '2026-10-25', deadlineTime: '03:30', intro: 'Twenty-five minutes each. '.repeat(400) },
      refused: ['f-deadlineTime', 'f-intro'],
      good: { deadlineDate: '2026-04-01', deadlineTime: '12:00' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['call.saved']);
        expect(await page.locator('main #call-state').innerText()).toBe('Proposals are taken until Wednesday, 1 April 2026, 12:00 (Europe/Athens, UTC+03:00).');
      },
    },
    // ---------------------------------------------------------------- the agenda (60 minutes; 25 taken)
    {
      name: 'agenda item added',
      role: 'owner',
      path: () => `${main}/agenda`,
      form: `form[action="${main}/agenda"]`,
      bad: { kind: 'talk', title: 'A talk far too long', durationMinutes: '90', speaker1Name: 'Ioana Popescu', speaker1Affiliation: 'DIH4Society' },
      refused: ['f-durationMinutes'],
      good: { kind: 'discussion', title: 'Questions and answers', durationMinutes: '10', speaker1Name: '', speaker1Affiliation: '' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['agenda.added']);
        expect(await agendaRow(page, 'Questions and answers')).toContain('11:25');
      },
    },
    {
      name: 'agenda item changed',
      role: 'owner',
      path: () => `${main}/agenda/${d.opening}/edit`,
      form: `form[action="${main}/agenda/${d.opening}"]`,
      bad: { title: '', durationMinutes: '0', speaker1Name: '', speaker1Affiliation: 'GRNET' },
      refused: ['f-title', 'f-durationMinutes', 'f-speaker1Name'],
      good: { title: 'Opening and welcome', durationMinutes: '5', speaker1Name: 'Eleni Papadopoulou', speaker1Affiliation: 'GRNET' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['agenda.saved']);
        expect(await agendaRow(page, 'Opening and welcome')).toContain('11:00');
        expect(await agendaRow(page, 'Where the nine hubs stand')).toContain('11:05');
      },
    },
    {
      name: 'accepted case study put on the agenda',
      role: 'owner',
      path: () => `${main}/agenda`,
      form: `form[action="${main}/agenda/proposals/${d.accepted}"]`,
      // 30 of the 60 minutes are taken: 45 more would end 15 minutes after the session.
      bad: { durationMinutes: '45' },
      refused: [`p${d.accepted}-durationMinutes`],
      good: { durationMinutes: '20' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['agenda.added']);
        const row = await agendaRow(page, 'Open data portal for Cluj');
        expect(row).toContain('11:30');
        expect(row).toContain('Ana Popescu (DIH4Society)');
        expect(await page.locator(`main form[action="${main}/agenda/proposals/${d.accepted}"]`).count()).toBe(0);
      },
    },
    {
      name: 'agenda item moved',
      role: 'owner',
      path: () => `${main}/agenda`,
      form: `form[action="${main}/agenda/${d.opening}/move"]`,
      good: {},
      done: async (page) => {
        expect(await flash(page)).toBe(en['agenda.moved']);
        expect(await agendaRow(page, 'Opening and welcome')).toContain('11:15');
      },
    },
    {
      name: 'agenda item removed',
      role: 'owner',
      path: () => `${main}/agenda`,
      form: `form[action="${main}/agenda/${d.opening}/delete"]`,
      good: {},
      done: async (page) => {
        expect(await flash(page)).toBe(en['agenda.removed']);
        expect(await page.locator('main #agenda').innerText()).not.toContain('Opening and welcome');
      },
    },
    // ---------------------------------------------------------------- materials, and the call closed last
    {
      name: 'material added',
      role: 'owner',
      path: () => `${main}/materials`,
      form: `form[action="${main}/materials"]`,
      bad: { kind: 'report', visibility: 'public', title: 'Report of the case studies', url: 'javascript:alert(1)' },
      refused: ['f-url'],
      good: { kind: 'report', visibility: 'public', title: 'Report of the case studies', url: 'https://example.org/report.pdf' },
      done: async (page) => {
        expect(await flash(page)).toBe(en['mat.added']);
        expect(await page.locator('main #materials').innerText()).toContain('Report of the case studies');
      },
    },
    {
      name: 'material moved',
      role: 'owner',
      path: () => `${main}/materials`,
      // The one "up" of two materials: the one just added goes first.
      form: 'form[action$="/move"]:has(input[name=direction][value=up])',
      good: {},
      done: async (page) => {
        expect(await flash(page)).toBe(en['mat.moved']);
        expect(await page.locator('main #materials tbody tr').allInnerTexts()).toEqual([expect.stringContaining('Report of the case studies'), expect.stringContaining('Slides of the opening')]);
      },
    },
    {
      name: 'material removed',
      role: 'owner',
      path: () => `${main}/materials`,
      form: `form[action$="/delete"]`,
      first: true,
      good: {},
      done: async (page) => {
        expect(await flash(page)).toBe(en['mat.removed']);
        expect(await page.locator('main #materials').innerText()).not.toContain('Report of the case studies');
      },
    },
    {
      name: 'call closed',
      role: 'owner',
      path: () => `${org(d.bare)}/call`,
      form: `form[action="${org(d.bare)}/call/close"]`,
      good: {},
      done: async (page) => {
        expect(await flash(page)).toBe(en['call.closedMsg']);
        expect(await page.locator('main #h-call-state').innerText()).toBe(en['call.closedHeading']);
      },
    },
  ];
}

describe('every form of those pages', () => {
  if (!HAS_CHROMIUM) {
    it.skip(NO_CHROMIUM_MESSAGE, () => {});
    return;
  }

  it('sent wrong, comes back with the error summary focused, linked to the fields and what was typed kept; sent right, makes its change', async () => {
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
        for (const p of await summaryProblems(page, c.refused ?? [])) found.push(`${c.name}, sent wrong: ${p}`);
        for (const p of await lostValues(page.locator(`main ${c.form}`), c.bad)) found.push(`${c.name}, sent wrong: ${p}`);
        for (const p of await problemsOf(page)) found.push(`${c.name}, sent wrong: ${p}`);
        // The page that says what is wrong fits a phone too (long values typed and all).
        await page.setViewportSize({ width: 390, height: 800 });
        for (const p of await problemsOf(page)) found.push(`${c.name}, sent wrong, 390 px: ${p}`);
        await page.setViewportSize({ width: 1280, height: 800 });
        for (const v of await axeViolations(page)) found.push(`${c.name}, sent wrong: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
      }
      await page.goto(base + c.path());
      const all = page.locator(`main ${c.form}`);
      if (c.first) expect(await all.count(), `${c.name}: the form is on ${c.path()}`).toBeGreaterThan(0);
      else expect(await all.count(), `${c.name}: the form is on ${c.path()}`).toBe(1);
      const form = all.first();
      await fillForm(form, c.good);
      await submit(page, form);
      expect((await page.locator('#form-errors').count()) ? await page.locator('#form-errors').innerText() : '', `${c.name}, sent right`).toBe('');
      await c.done(page);
      for (const p of await problemsOf(page)) found.push(`${c.name}, sent right: ${p}`);
    }
    expect(found).toEqual([]);
  });

  it('shows the visitor the agenda as it now is, the accepted case study in it, on the session page and the printable one', async () => {
    const page = pages.visitor;
    await page.goto(`${base}/sessions/${d.main}`);
    expect(await page.locator('main').innerText()).toContain('Call for case studies open until Wednesday, 1 April 2026, 12:00 (Europe/Athens)');
    for (const path of [`/sessions/${d.main}`, `/sessions/${d.main}/agenda`]) {
      await page.goto(base + path);
      const agenda = await page.locator('main table#agenda').innerText();
      expect(agenda).toContain('Open data portal for Cluj');
      expect(agenda).toContain('Ana Popescu (DIH4Society)');
      expect(agenda).not.toContain('Opening and welcome');
      for (const p of await problemsOf(page)) expect.soft(p, path).toBe('');
    }
  });
});
