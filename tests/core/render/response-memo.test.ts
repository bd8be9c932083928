/**
 * Public answers (pages, the public API, calendar files) are made once and kept until the data
 * changes. What a visitor would notice if that went wrong: someone else's token or language, a page
 * that does not show a change, an organiser served a visitor's page, a form still open after the
 * start. Each case asks twice (the second answer is the kept one) and checks what it says.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browser, makeApp, type TestApp } from '../../helpers/app.js';
import { newSession } from '../../helpers/sessions.js';
import { OTHER_WRITERS_CHECK_MS } from '../../../src/core/db/data-stamp.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => {
  await t?.close();
});

const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
const withoutTokens = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""');
const admin = () => t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
const registration = (email: string) => ({ name: 'Rūta K', email, organisation: 'Vilnius city', orgType: 'public', country: 'LT', language: 'lt', zone: 'Europe/Vilnius', consent: 'on' });

describe('answers kept for every visitor', () => {
  it('give each visitor the same page with their own CSRF token, which their form posts with', async () => {
    const s = newSession(t, { doubleOptIn: false, capacity: 5, title: 'Kept page' });
    const first = new Browser(t.app);
    const second = new Browser(t.app);
    const a = await first.get(`/sessions/${s.id}`);
    const b = await second.get(`/sessions/${s.id}`);
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(withoutTokens(b.body)).toBe(withoutTokens(a.body));
    expect(tokenOf(a.body)).toBeTruthy();
    expect(tokenOf(b.body)).not.toBe(tokenOf(a.body));
    expect(b.body).not.toContain('kairoscsrf');
    expect(second.cookies.has('kairos_csrf')).toBe(true);

    // The second visitor registers with the token of the kept page; the next page counts the seat.
    const posted = await second.post(`/sessions/${s.id}/register`, registration('ruta.kept@example.org'));
    expect(posted.statusCode).toBe(303);
    expect((await first.get(`/sessions/${s.id}`)).body).toContain('4 places left.');
    // A visitor's token does not work with another visitor's cookie.
    first.lastPage = b.body;
    expect((await first.post(`/sessions/${s.id}/register`, registration('other@example.org'))).statusCode).toBe(403);
  });

  it('show a change made through Kairos on the next request', async () => {
    const s = newSession(t, { title: 'Before the change' });
    const visitor = new Browser(t.app);
    expect((await visitor.get(`/sessions/${s.id}`)).body).toContain('Before the change');
    expect((await visitor.get('/')).body).toContain('Before the change');
    expect((await visitor.get(`/api/v1/sessions/${s.id}`)).json()).toMatchObject({ title: 'Before the change' });
    t.services.sessions.update(s.id, { ...t.services.sessions.get(s.id), title: 'After the change', date: '2026-04-15', time: '11:00' }, admin());
    expect((await visitor.get(`/sessions/${s.id}`)).body).toContain('After the change');
    expect((await visitor.get('/')).body).toContain('After the change');
    expect((await visitor.get(`/api/v1/sessions/${s.id}`)).json()).toMatchObject({ title: 'After the change' });
  });

  it(`show a change written by another process within ${OTHER_WRITERS_CHECK_MS} ms`, async () => {
    const s = newSession(t, { title: 'Written here' });
    const visitor = new Browser(t.app);
    expect((await visitor.get(`/sessions/${s.id}`)).body).toContain('Written here');
    const other = new Database(t.config.databasePath);
    try {
      other.prepare('UPDATE sessions SET title = ? WHERE id = ?').run('Written elsewhere', s.id);
    } finally {
      other.close();
    }
    await new Promise((r) => setTimeout(r, OTHER_WRITERS_CHECK_MS + 5));
    expect((await visitor.get(`/sessions/${s.id}`)).body).toContain('Written elsewhere');
  });

  it('close the registration form at the start, to the second', async () => {
    const start = t.clock.now() + 3_600_000;
    const at = new Date(start).toISOString();
    const s = newSession(t, { date: at.slice(0, 10), time: at.slice(11, 16), zone: 'UTC', title: 'Starting soon' });
    const before = t.clock.now();
    try {
      t.clock.set(s.startUtc! - 1000);
      const visitor = new Browser(t.app);
      expect((await visitor.get(`/sessions/${s.id}`)).body).toContain('name="consent"');
      expect((await visitor.get(`/sessions/${s.id}`)).body).toContain('name="consent"');
      t.clock.set(s.startUtc!);
      expect((await visitor.get(`/sessions/${s.id}`)).body).not.toContain('name="consent"');
    } finally {
      t.clock.set(before);
    }
  });

  it('speak each visitor’s language, and remember a chosen one also when the answer was kept', async () => {
    const greek = await new Browser(t.app, { 'accept-language': 'el' }).get('/');
    const english = await new Browser(t.app, { 'accept-language': 'en' }).get('/');
    expect(greek.body).toContain('lang="el"');
    expect(english.body).toContain('lang="en"');
    for (const visitor of [new Browser(t.app), new Browser(t.app)]) {
      const res = await visitor.get('/?lang=it');
      expect(res.body).toContain('lang="it"');
      expect(visitor.cookies.get('kairos_lang')).toBe('it');
    }
  });

  it('are never what a signed-in organiser is shown', async () => {
    const s = newSession(t, { title: 'Seen by both' });
    const visitor = new Browser(t.app);
    const organiser = new Browser(t.app);
    await organiser.login(ADMIN.email, ADMIN.password);
    expect((await visitor.get(`/sessions/${s.id}`)).body).not.toContain('/organiser/sessions/' + s.id);
    expect((await visitor.get(`/sessions/${s.id}`)).body).not.toContain('/organiser/sessions/' + s.id);
    expect((await organiser.get(`/sessions/${s.id}`)).body).toContain('/organiser/sessions/' + s.id);
  });

  it('keep the public API answer apart from the one an API token gets (the join address)', async () => {
    const s = newSession(t, { joinUrl: 'https://meet.example.org/kept' });
    const { token } = t.services.auth.createToken(admin().id, 'memo test');
    const anonymous = () => t.app.inject({ url: `/api/v1/sessions/${s.id}` });
    const withToken = () => t.app.inject({ url: `/api/v1/sessions/${s.id}`, headers: { authorization: `Bearer ${token}` } });
    expect((await anonymous()).body).not.toContain('meet.example.org/kept');
    expect((await withToken()).body).toContain('meet.example.org/kept');
    expect((await anonymous()).body).not.toContain('meet.example.org/kept');
  });

  it('answer a calendar file with 304 for its ETag and with the same bytes otherwise', async () => {
    const s = newSession(t, { title: 'File kept' });
    const url = `/sessions/${s.id}/calendar.ics`;
    const a = await t.app.inject({ url });
    const b = await t.app.inject({ url });
    expect(a.statusCode).toBe(200);
    expect(b.body).toBe(a.body);
    expect(b.headers.etag).toBe(a.headers.etag);
    expect(b.headers['content-type']).toBe(a.headers['content-type']);
    expect(b.headers['content-disposition']).toBe(a.headers['content-disposition']);
    const notModified = await t.app.inject({ url, headers: { 'if-none-match': String(a.headers.etag) } });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(notModified.headers.etag).toBe(a.headers.etag);
    t.services.sessions.update(s.id, { ...t.services.sessions.get(s.id), title: 'File changed', date: '2026-04-15', time: '11:00' }, admin());
    const changed = await t.app.inject({ url, headers: { 'if-none-match': String(a.headers.etag) } });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain('SUMMARY:File changed');
  });
});
