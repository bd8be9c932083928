/**
 * A link pasted with no place to break (a shared-drive address) in a call's text, a proposal's
 * materials or a decision's message: every page that shows it puts it in an element the stylesheet
 * lets wrap anywhere, so that it stays within a phone's width instead of making the page scroll
 * sideways (seen at 390 px in the browser journey of these pages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/modules/sessions/index.js';
import { ADMIN, Browser, GR_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';

const LONG_URL = 'https://drive.google.com/file/d/1Xk9QpL3vR7mZ2tYbW8nC4dF6hJ0sA5eGuIoPqRsTw/view?usp=sharing';
const escaped = LONG_URL.replace(/&/g, '&amp;');

let t: TestApp;
let mail: TestMail;
let owner: Browser;
let session: Session;
let link = '';
let pid = 0;

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const organiser = (email: string) => must(t.services.repos.organisers.credentials(email), email).organiser;

/** The elements (with their class) that hold the long link as text on a page; form fields, which wrap their value, left out. */
function holders(page: string): string[] {
  const html = page.replace(/<textarea[\s\S]*?<\/textarea>/g, '').replace(/<input[^>]*>/g, '');
  const out: string[] = [];
  for (const m of html.matchAll(new RegExp(`<(p|dd|div)(?: class="([^"]*)")?>(?:(?!</\\1>)[\\s\\S])*?${escaped.replace(/[.?/]/g, '\\$&')}`, 'g'))) out.push(`${m[1]}${m[2] ? '.' + m[2] : ''}`);
  return out;
}

beforeAll(async () => {
  t = await makeApp({ now: '2026-03-10T10:00:00Z' });
  mail = await withMail(t);
  const eleni = organiser(GR_ORGANISER.email);
  session = t.services.sessions.create(
    { title: 'Case studies of digital public services', hubId: hubId('gr-digigov-innohub'), coHostIds: [], date: '2026-04-15', time: '11:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false },
    organiser(ADMIN.email),
  );
  t.services.calls.save(session, { deadlineDate: '2026-03-31', deadlineTime: '18:00', intro: `The guidelines: ${LONG_URL}` }, eleni);
  t.services.calls.invite(session, { name: 'Katarzyna Nowak', email: 'kasia@example.org', language: 'en', zone: 'Europe/Warsaw' }, eleni);
  await mail.drain();
  link = must(/http:\/\/kairos\.test(\/calls\/[A-Za-z0-9_-]+)/.exec(must(mail.sink.messages[0], 'the invitation').parsed.text ?? '')?.[1], 'the personal link');
  pid = t.services.calls.proposeByToken(link.slice('/calls/'.length), session, {
    title: 'One-stop shop for municipal permits',
    summary: 'How a mid-sized city moved its building permits online.',
    presenterName1: 'Katarzyna Nowak',
    presenterAffiliation1: 'City of Gdańsk',
    hubId: String(hubId('smart-secure-cities')),
    country: 'PL',
    language: 'pl',
    materialsUrl: LONG_URL,
    proposerName: 'Katarzyna Nowak',
    proposerEmail: 'kasia@example.org',
    proposerLanguage: 'en',
  }).id;
  t.services.calls.decide(session, pid, { decision: 'changes', message: `Please use the template: ${LONG_URL}` }, eleni);
  owner = new Browser(t.app, { 'accept-language': 'en' });
  expect((await owner.login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(303);
});

afterAll(async () => {
  await mail?.close();
  await t?.close();
});

describe('a long link typed into a call or a proposal', () => {
  it('is let wrap anywhere by the stylesheet, in the call\'s text, the facts of a proposal and a note', async () => {
    const css = await t.app.inject({ url: '/public/css/kairos.css' });
    expect(css.statusCode).toBe(200);
    const rule = must(/([^}]*)\{\s*overflow-wrap:\s*anywhere;?\s*\}/.exec(css.body.replace(/\/\*[\s\S]*?\*\//g, '')), 'a rule that wraps anywhere')[1] ?? '';
    expect(rule.split(',').map((s) => s.trim())).toEqual(['.description', '.facts dd', '.note', 'table.agenda th', 'table.agenda td']);
  });

  it('is shown inside one of those elements on every page of the call', async () => {
    const call = `/organiser/sessions/${session.id}/call`;
    const pages: [string, string, string[]][] = [
      ['the organiser\'s call page', (await owner.get(call)).body, ['div.description']],
      ['the proposal form', (await owner.get(`${call}/propose`)).body, ['div.description']],
      ['one proposal', (await owner.get(`${call}/proposals/${pid}`)).body, ['dd', 'dd']],
      ['the personal page', (await new Browser(t.app).get(link)).body, ['div.description']],
      ['the personal proposal page', (await new Browser(t.app).get(`${link}/proposals/${pid}`)).body, ['p.note']],
    ];
    for (const [name, html, expected] of pages) {
      expect(html, name).toContain(escaped);
      expect(holders(html), name).toEqual(expected);
    }
    // The facts of a proposal are a `.facts` list.
    expect((await owner.get(`${call}/proposals/${pid}`)).body).toMatch(new RegExp(`<dl class="facts" id="proposal">[\\s\\S]*${escaped.replace(/[.?/]/g, '\\$&')}[\\s\\S]*</dl>`));
  });
});
