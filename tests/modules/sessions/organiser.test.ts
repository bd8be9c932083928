import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBINAR_SLUG } from '../../../src/seed/seed.js';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { sessionForm } from '../../helpers/sessions.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
});
afterAll(() => t.close());


const validForm = () => sessionForm(t);

describe('login', () => {
  it('sends an anonymous visitor of the organiser area to the login page', async () => {
    const b = new Browser(t.app);
    const res = await b.get('/organiser');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Forganiser');
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    const res = await b.login(ADMIN.email, 'wrong-password-000');
    expect(res.statusCode).toBe(401);
    expect(text(res.body)).toContain('Email or password is not correct.');
    expect(b.cookies.has('kairos_sid')).toBe(false);
  });

  it('logs in with an httpOnly session cookie, and logs out', async () => {
    const b = new Browser(t.app);
    const res = await b.login(ADMIN.email, ADMIN.password);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/organiser');
    const cookie = res.cookies.find((c) => c.name === 'kairos_sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect((await b.get('/organiser')).statusCode).toBe(200);
    // the database keeps only a hash of the cookie value
    const stored = t.db.prepare('SELECT id_hash FROM login_sessions').all() as { id_hash: string }[];
    expect(stored.some((r) => r.id_hash === cookie.value)).toBe(false);
    await b.post('/logout', {});
    const after = new Browser(t.app);
    after.cookies.set('kairos_sid', cookie.value);
    expect((await after.get('/organiser')).statusCode).toBe(303);
  });

  it('refuses a form post without a CSRF token (403), and changes nothing', async () => {
    const b = new Browser(t.app);
    await b.login(ADMIN.email, ADMIN.password);
    await b.get('/organiser/sessions/new');
    const count = t.services.repos.sessions.list().length;
    const res = await b.post('/organiser/sessions', validForm(), { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(t.services.repos.sessions.list().length).toBe(count);
    const login = new Browser(t.app);
    const res2 = await login.post('/login', { email: ADMIN.email, password: ADMIN.password }, { csrf: false });
    expect(res2.statusCode).toBe(403);
  });

});

describe('sessions in the organiser area', () => {
  it('creates a session from the form; the page shows it in Athens time and in every country', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/sessions/new');
    const res = await b.post('/organiser/sessions', validForm());
    expect(res.statusCode).toBe(303);
    const id = Number(/\/sessions\/(\d+)/.exec(res.headers.location as string)![1]);
    const s = t.services.repos.sessions.get(id)!;
    expect(new Date(s.startUtc!).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(s.coHostIds).toHaveLength(2);
    const page = text((await b.get(`/sessions/${id}`)).body);
    expect(page).toContain('Monday, 30 March 2026, 10:00 (Europe/Athens, UTC+03:00)');
    expect(page).toContain('Canary Islands (Atlantic/Canary) 2026-03-30 08:00–09:30 UTC+01:00');
  });

  it('shows the form again with the error beside the field and everything typed kept (gap time)', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/sessions/new');
    const count = t.services.repos.sessions.list().length;
    const res = await b.post('/organiser/sessions', { ...validForm(), date: '2026-03-29', time: '03:30', title: 'Κρίσιμη συνάντηση <b>bold</b>' });
    expect(res.statusCode).toBe(400);
    expect(t.services.repos.sessions.list().length).toBe(count);
    expect(res.body).toMatch(/<p class="error" id="f-time-error">03:30 does not exist on 2026-03-29 in Europe\/Athens/);
    expect(res.body).toContain('aria-invalid=true');
    expect(res.body).toContain('value="Κρίσιμη συνάντηση &lt;b&gt;bold&lt;/b&gt;"');
    expect(res.body).toContain('value="https://meet.example.org/einvoicing"');
    expect(res.body).toContain('value="2026-03-29"');
  });

  it('names each bad field at once', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/sessions/new');
    const res = await b.post('/organiser/sessions', { ...validForm(), title: '', zone: 'Etc/GMT+2', durationMinutes: '0', joinUrl: 'javascript:alert(1)' });
    expect(res.statusCode).toBe(400);
    for (const f of ['title', 'zone', 'durationMinutes', 'joinUrl']) expect(res.body).toContain(`id="f-${f}-error"`);
  });

  it('a hub organiser cannot edit or cancel another hub\'s session', async () => {
    const webinar = t.services.repos.sessions.getBySlug(WEBINAR_SLUG)!; // organised by the Greek hub, co-hosted by DIH4Society
    const other = await (async () => {
      const b = new Browser(t.app);
      await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
      await b.get('/organiser/sessions/new');
      const res = await b.post('/organiser/sessions', { ...validForm(), coHostIds: [], title: 'Greek only' });
      return Number(/\/sessions\/(\d+)/.exec(res.headers.location as string)![1]);
    })();
    const ro = new Browser(t.app);
    await ro.login(RO_ORGANISER.email, RO_ORGANISER.password);
    expect((await ro.get(`/organiser/sessions/${other}/edit`)).statusCode).toBe(403);
    await ro.get('/organiser');
    const res = await ro.post(`/organiser/sessions/${other}`, { ...validForm(), title: 'Hijacked' });
    expect(res.statusCode).toBe(403);
    expect((await ro.post(`/organiser/sessions/${other}/cancel`, {})).statusCode).toBe(403);
    expect(t.services.repos.sessions.get(other)!.title).toBe('Greek only');
    expect(t.services.repos.sessions.get(other)!.status).toBe('scheduled');
    // a co-host sees the shared session's people who chose its hub, but may not edit it
    expect((await ro.get(`/organiser/sessions/${webinar.id}/edit`)).statusCode).toBe(403);
    expect((await ro.get(`/organiser/sessions/${webinar.id}/registrations`)).statusCode).toBe(200);
    // and the list shows only what they manage
    const list = text((await ro.get('/organiser')).body);
    expect(list).not.toContain('Greek only');
  });

  it('edits a session: a time change raises the invite sequence; cancelling marks it cancelled', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(ADMIN.email, ADMIN.password);
    await b.get('/organiser/sessions/new');
    const created = await b.post('/organiser/sessions', validForm());
    const id = Number(/\/sessions\/(\d+)/.exec(created.headers.location as string)![1]);
    const seq0 = t.services.repos.sessions.get(id)!.sequence;
    await b.get(`/organiser/sessions/${id}/edit`);
    expect((await b.post(`/organiser/sessions/${id}`, { ...validForm(), time: '11:30' })).statusCode).toBe(303);
    const s = t.services.repos.sessions.get(id)!;
    expect(s.startTime).toBe('11:30');
    expect(s.sequence).toBe(seq0 + 1);
    await b.get('/organiser');
    expect((await b.post(`/organiser/sessions/${id}/cancel`, {})).statusCode).toBe(303);
    expect(t.services.repos.sessions.get(id)!.status).toBe('cancelled');
    expect(text((await b.get(`/sessions/${id}`)).body)).toContain('This session has been cancelled.');
  });
});

describe('login rate limit', () => {
  it('answers 429 after ten attempts a minute from one address', async () => {
    const own = await makeApp({ now: '2026-01-12T09:00:00Z' });
    try {
      const b = new Browser(own.app);
      await b.get('/login');
      const token = b.csrf();
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) {
        b.lastPage = `name="_csrf" value="${token}"`;
        codes.push((await b.post('/login', { email: 'x@y.test', password: 'nope-nope-nope' })).statusCode);
      }
      expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
      expect(codes.slice(10)).toEqual([429, 429]);
    } finally {
      await own.close();
    }
  });
});
