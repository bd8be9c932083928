/**
 * The language switcher in every page's header: a form that asks for the same page in another
 * language. It sends the page's other query parameters again (a filter, a page number), so that a
 * filtered list comes back filtered; never the page's notice, and nothing on a page that answers a form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../../src/core/audit/index.js';
import { Browser, GR_ORGANISER, makeApp, type TestApp } from '../../helpers/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The language form of a page: its address and the hidden fields it sends with the language. */
function switcher(html: string): { action: string; hidden: string[] } {
  const form = /<form method="get" class="lang" action="([^"]*)">([\s\S]*?)<\/form>/.exec(html);
  if (!form?.[1] || form[2] === undefined) throw new Error('no language form');
  return { action: form[1], hidden: [...form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => `${m[1]}=${m[2]}`) };
}

describe('the language switcher', () => {
  it('sends the filter and page of a list again with the language, never the notice', async () => {
    t = await makeApp();
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    expect(switcher((await b.get('/organiser/mail?status=queued&page=2&msg=org.saved')).body)).toEqual({ action: '/organiser/mail', hidden: ['status=queued', 'page=2'] });
    expect(switcher((await b.get('/organiser/audit?action=organiser.deactivated&session=')).body).hidden).toEqual(['action=organiser.deactivated', 'session=']);
    // A page without parameters (or only the language) sends the language alone.
    expect(switcher((await b.get('/organiser?lang=el')).body)).toEqual({ action: '/organiser', hidden: [] });
    // The switcher sent: the same list, filtered, in Greek.
    const greek = await b.get('/organiser/mail?status=queued&lang=el');
    expect(greek.body).toContain('<html lang="el">');
    expect(greek.body).toMatch(/<option value="queued" selected>/);
  });

  it('sends nothing again from a page that answers a form', async () => {
    t = await makeApp();
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/account');
    const refused = await b.post('/organiser/account', { name: '', language: 'en', zone: 'Europe/Athens' });
    expect(refused.statusCode).toBe(400);
    expect(switcher(refused.body).hidden).toEqual([]);
  });

  it('from a refused form posted to an address with no page of its own, asks for the nearest page above it', async () => {
    t = await makeApp();
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const session = t.services.sessions.list().find((s) => s.status === 'tentative' && s.title.startsWith('Next generation'));
    if (!session) throw new Error('no seeded follow-up');
    // The agenda's form posts to its own page: the switcher asks for that page.
    await b.get(`/organiser/sessions/${session.id}/agenda`);
    const refusedAdd = await b.post(`/organiser/sessions/${session.id}/agenda`, { kind: 'talk', title: '', durationMinutes: '10' });
    expect(refusedAdd.statusCode).toBe(400);
    expect(switcher(refusedAdd.body).action).toBe(`/organiser/sessions/${session.id}/agenda`);
    // An item's change posts to /agenda/<item>, which has no page: the switcher asks for the agenda.
    const item = t.services.agenda.add(session, { kind: 'talk', title: 'Opening', durationMinutes: 10 }, CLI_ACTOR);
    await b.get(`/organiser/sessions/${session.id}/agenda/${item.id}/edit`);
    const refusedEdit = await b.post(`/organiser/sessions/${session.id}/agenda/${item.id}`, { kind: 'talk', title: '', durationMinutes: '10' });
    expect(refusedEdit.statusCode).toBe(400);
    const action = switcher(refusedEdit.body).action;
    expect(action).toBe(`/organiser/sessions/${session.id}/agenda`);
    expect((await b.get(`${action}?lang=el`)).statusCode).toBe(200);
  });
});
