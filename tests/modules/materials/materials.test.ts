/**
 * Materials of a session, through the real app: organisers attach links (slides, recording, report,
 * other) for the public, for registered people or for attendees; each reader sees only theirs, on the
 * public page (the same for every visitor), the personal manage page and the follow-up emails.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/modules/sessions/index.js';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';

let t: TestApp;
let mail: TestMail;
let owner: Browser;
let cohost: Browser;

const PUBLIC = { kind: 'slides', title: 'Slides of the talk', url: 'https://example.org/slides.pdf', visibility: 'public' };
const REGISTRANTS = { kind: 'report', title: 'Survey report', url: 'https://example.org/report.pdf', visibility: 'registrants' };
const ATTENDEES = { kind: 'recording', title: 'Full recording', url: 'https://video.example.org/rec/42', visibility: 'attendees' };

const hubId = (slug: string) => must(t.services.repos.hubs.getBySlug(slug), slug).id;
const admin = () => must(t.services.repos.organisers.credentials(ADMIN.email), 'the administrator').organiser;

/** An Athens session organised by the Greek hub and co-hosted by the Romanian one. */
function newSession(title = 'Digital public services in practice'): Session {
  return t.services.sessions.create(
    { title, hubId: hubId('gr-digigov-innohub'), coHostIds: [hubId('dih4society')], date: '2026-04-01', time: '10:00', zone: 'Europe/Athens', durationMinutes: 60, doubleOptIn: false, joinUrl: 'https://meet.example.org/m' },
    admin(),
  );
}

function register(s: Session, name: string, language = 'en') {
  return t.services.registrations.register(s.id, { name, email: `${name}@example.org`, orgType: 'public', country: 'GR', zone: 'Europe/Athens', language, consent: true, followupConsent: true }, 'api').registration;
}

const listUrl = (s: Session) => `/organiser/sessions/${s.id}/materials`;
const stored = (s: Session) => t.db.prepare('SELECT kind, title, url, visibility FROM session_materials WHERE session_id = ? ORDER BY position, id').all(s.id);

async function add(s: Session, m: Record<string, string>, as = owner) {
  await as.get(listUrl(s));
  return as.post(listUrl(s), m);
}

async function addThree(s: Session) {
  for (const m of [PUBLIC, REGISTRANTS, ATTENDEES]) expect((await add(s, m)).headers.location).toMatch(/\/materials\?msg=mat\.added#m-\d+$/);
}

/** The titles of the materials section of a page, in order. */
function materialsOn(html: string): string[] {
  const section = /<section aria-labelledby="h-materials"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  return [...section.matchAll(/<a href="[^"]+" rel="noopener noreferrer">([^<]+)<\/a>/g)].map((m) => must(m[1], 'a title'));
}

const ids = (s: Session) => (t.db.prepare('SELECT id FROM session_materials WHERE session_id = ? ORDER BY position, id').all(s.id) as { id: number }[]).map((r) => r.id);

/** A browser signed in now (a sign-in does not last from March to April). */
async function signIn(who: { email: string; password: string }): Promise<Browser> {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  expect((await b.login(who.email, who.password)).statusCode).toBe(303);
  return b;
}

beforeAll(async () => {
  t = await makeApp({ now: '2026-03-20T12:00:00Z' });
  mail = await withMail(t);
});

afterAll(async () => {
  await mail.close();
  await t.close();
});

/** The browser while its sign-in lasts, else a new one signed in (moving the clock past the session ends a sign-in). */
async function stillSignedIn(b: Browser | undefined, who: { email: string; password: string }): Promise<Browser> {
  if (b && (await b.get('/organiser')).statusCode === 200) return b;
  return signIn(who);
}

beforeEach(async () => {
  t.clock.set('2026-03-20T12:00:00Z');
  mail.sink.clear();
  owner = await stillSignedIn(owner, GR_ORGANISER);
  cohost = await stillSignedIn(cohost, RO_ORGANISER);
});

describe('the organiser page', () => {
  it('is linked from the organiser list, adds three materials in order, and shows who sees each one', async () => {
    const s = newSession();
    const index = await owner.get('/organiser');
    expect(index.body).toContain(`href="/organiser/sessions/${s.id}/materials"`);
    const empty = await owner.get(listUrl(s));
    expect(empty.statusCode).toBe(200);
    expect(text(empty.body)).toContain('No materials yet.');
    await addThree(s);
    const page = await owner.get(`${listUrl(s)}?msg=mat.added`);
    expect(text(page.body)).toContain('The material has been added.');
    const rows = text(must(/<tbody>[\s\S]*<\/tbody>/.exec(page.body), 'the list')[0]);
    expect(rows).toMatch(/Slides of the talk Slides Everyone \(the public session page\).*by Eleni.*Survey report Report Registered people.*Full recording Recording People who attended/);
    expect(stored(s)).toEqual([PUBLIC, REGISTRANTS, ATTENDEES]);
    expect(page.body).not.toContain('undefined');
  });

  it('edits, reorders with up and down, and removes', async () => {
    const s = newSession();
    await addThree(s);
    const [a, b, c] = ids(s);
    // the first has no "up", the last no "down"
    const page = await owner.get(listUrl(s));
    expect(page.body).not.toContain(`materials/${a}/move" class="inline">\n          <input type="hidden" name="_csrf" value="${owner.csrf()}">\n          <input type="hidden" name="direction" value="up">`);
    expect((await owner.post(`${listUrl(s)}/${a}/move`, { direction: 'down' })).statusCode).toBe(303);
    expect(ids(s)).toEqual([b, a, c]);
    await owner.get(listUrl(s));
    expect((await owner.post(`${listUrl(s)}/${c}/move`, { direction: 'up' })).statusCode).toBe(303);
    expect(ids(s)).toEqual([b, c, a]);
    // at the top, "up" leaves the order as it is
    await owner.get(listUrl(s));
    await owner.post(`${listUrl(s)}/${b}/move`, { direction: 'up' });
    expect(ids(s)).toEqual([b, c, a]);
    const shownOrder = await owner.get(listUrl(s));
    expect(text(shownOrder.body).indexOf('Survey report')).toBeLessThan(text(shownOrder.body).indexOf('Full recording'));
    expect(text(shownOrder.body).indexOf('Full recording')).toBeLessThan(text(shownOrder.body).indexOf('Slides of the talk'));

    const edit = await owner.get(`${listUrl(s)}/${a}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="Slides of the talk"');
    expect((await owner.post(`${listUrl(s)}/${a}`, { ...PUBLIC, title: 'Slides (final version)', visibility: 'registrants' })).statusCode).toBe(303);
    expect(stored(s)[2]).toEqual({ ...PUBLIC, title: 'Slides (final version)', visibility: 'registrants' });

    await owner.get(listUrl(s));
    expect((await owner.post(`${listUrl(s)}/${c}/delete`, {})).statusCode).toBe(303);
    expect(ids(s)).toEqual([b, a]);
    expect(text((await owner.get(`${listUrl(s)}?msg=mat.removed`)).body)).toContain('The material has been removed.');
  });

  it('lets a co-hosting hub see the materials but change none of them (403, nothing changed)', async () => {
    const s = newSession();
    await addThree(s);
    const [a] = ids(s);
    const view = await cohost.get(listUrl(s));
    expect(view.statusCode).toBe(200);
    expect(text(view.body)).toContain('Full recording');
    expect(view.body).not.toContain(`method="post" action="/organiser/sessions/${s.id}/materials"`);
    expect(text(view.body)).not.toContain('Add a material');
    expect(text(view.body)).toContain('you can see its materials');
    expect(view.body).not.toContain('/move"');
    const before = JSON.stringify(stored(s));
    expect((await cohost.post(listUrl(s), { ...PUBLIC, title: 'Added by a co-host' })).statusCode).toBe(403);
    await cohost.get(listUrl(s));
    expect((await cohost.post(`${listUrl(s)}/${a}`, { ...PUBLIC, title: 'Renamed by a co-host' })).statusCode).toBe(403);
    await cohost.get(listUrl(s));
    expect((await cohost.post(`${listUrl(s)}/${a}/move`, { direction: 'down' })).statusCode).toBe(403);
    await cohost.get(listUrl(s));
    expect((await cohost.post(`${listUrl(s)}/${a}/delete`, {})).statusCode).toBe(403);
    expect((await cohost.get(`${listUrl(s)}/${a}/edit`)).statusCode).toBe(403);
    expect(JSON.stringify(stored(s))).toBe(before);
    // an organiser of a hub with no part in the session does not even see them
    const other = t.services.sessions.create({ title: 'Vilnius only', hubId: hubId('govtech-lab-vilnius'), date: '2026-04-02', time: '10:00', zone: 'Europe/Vilnius', durationMinutes: 60 }, admin());
    expect((await cohost.get(listUrl(other))).statusCode).toBe(403);
  });

  it('refuses bad input beside each field, keeps what was typed, and stores nothing', async () => {
    const s = newSession();
    await add(s, PUBLIC);
    const before = JSON.stringify(stored(s));
    const longTitle = 'x'.repeat(10_000);
    const cases: [Record<string, string>, string, string][] = [
      [{ ...PUBLIC, title: longTitle }, 'title', 'At most 200 characters.'],
      [{ ...PUBLIC, url: 'javascript:alert(1)' }, 'url', 'Enter a full address starting with https://'],
      [{ ...PUBLIC, url: 'data:text/html,<script>alert(1)</script>' }, 'url', 'Enter a full address starting with https://'],
      [{ ...PUBLIC, url: 'http://example.org/slides.pdf' }, 'url', 'Only https:// addresses are accepted'],
      [{ ...PUBLIC, url: 'https://' }, 'url', 'Enter a full address starting with https://'],
      [{ ...PUBLIC, url: 'example.org/slides.pdf' }, 'url', 'Enter a full address starting with https://'],
      [{ ...PUBLIC, kind: 'video' }, 'kind', 'Choose one of the kinds in the list.'],
      [{ ...PUBLIC, visibility: 'hub' }, 'visibility', 'Choose from the list who may see it.'],
      [{ ...PUBLIC, title: '' }, 'title', 'This field is required.'],
    ];
    for (const [form, field, message] of cases) {
      const res = await add(s, form);
      expect(res.statusCode, `${field}: ${form[field]?.slice(0, 40)}`).toBe(400);
      // beside the field, and in the summary at the top that links to it
      expect(res.body).toMatch(new RegExp(`<p class="error" id="f-${field}-error">${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      expect(res.body).toContain(`href="#f-${field}"`);
      expect(res.body).toMatch(/class="alert error-summary"/);
      // what was typed is still there (HTML-escaped)
      if (field === 'title' && form.title) expect(res.body).toContain(`value="${longTitle}"`);
      if (field === 'url') expect(res.body).toContain(`value="${must(form.url, 'url').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"`);
      expect(res.body).not.toContain('undefined');
    }
    // several at once, each beside its own field
    const all = await add(s, { kind: 'video', title: longTitle, url: 'javascript:alert(1)', visibility: 'everyone' });
    expect(all.statusCode).toBe(400);
    for (const f of ['kind', 'title', 'url', 'visibility']) expect(all.body).toContain(`id="f-${f}-error"`);
    // a list where one value is expected
    const list = await add(s, { ...PUBLIC, title: ['one', 'two'] } as unknown as Record<string, string>);
    expect(list.statusCode).toBe(400);
    expect(list.body).toContain('id="f-title-error"');
    // an edit refused leaves the stored material as it was
    const [id] = ids(s);
    await owner.get(`${listUrl(s)}/${id}/edit`);
    const edit = await owner.post(`${listUrl(s)}/${id}`, { ...PUBLIC, url: 'http://example.org/slides.pdf' });
    expect(edit.statusCode).toBe(400);
    expect(edit.body).toContain('id="f-url-error"');
    expect(edit.body).toContain('value="http://example.org/slides.pdf"');
    expect(JSON.stringify(stored(s))).toBe(before);
  });

  it('answers 404 for a material of another session', async () => {
    const s = newSession();
    const other = newSession('Another session');
    await add(other, PUBLIC);
    const [id] = ids(other);
    expect((await owner.get(`${listUrl(s)}/${id}/edit`)).statusCode).toBe(404);
    await owner.get(listUrl(s));
    expect((await owner.post(`${listUrl(s)}/${id}/delete`, {})).statusCode).toBe(404);
    expect(ids(other)).toEqual([id]);
  });
});

describe('who sees what', () => {
  it('the public page and the public API show only the public material, to every anonymous visitor alike', async () => {
    const s = newSession();
    const first = new Browser(t.app, { 'accept-language': 'en' });
    // Seen once before the materials exist: the kept page must not outlive the change.
    expect(materialsOn((await first.get(`/sessions/${s.id}`)).body)).toEqual([]);
    await addThree(s);
    for (const visitor of [first, new Browser(t.app, { 'accept-language': 'en' })]) {
      const page = await visitor.get(`/sessions/${s.id}`);
      expect(page.statusCode).toBe(200);
      expect(materialsOn(page.body)).toEqual(['Slides of the talk']);
      expect(page.body).toContain('href="https://example.org/slides.pdf"');
      expect(page.body).not.toContain('undefined');
      for (const hidden of [REGISTRANTS, ATTENDEES]) {
        expect(page.body).not.toContain(hidden.title);
        expect(page.body).not.toContain(hidden.url);
      }
    }
    // a signed-in organiser sees the same public page
    expect(materialsOn((await owner.get(`/sessions/${s.id}`)).body)).toEqual(['Slides of the talk']);
    const api = await t.app.inject({ method: 'GET', url: `/api/v1/sessions/${s.id}` });
    expect(api.json<{ materials?: unknown }>().materials).toEqual([{ kind: 'slides', title: 'Slides of the talk', url: 'https://example.org/slides.pdf' }]);
    // a session without public materials has no such field
    const bare = newSession('Nothing attached');
    expect(api.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/sessions/${bare.id}` })).json<Record<string, unknown>>()).not.toHaveProperty('materials');
    // described in the OpenAPI document, with the kinds it may have
    const doc = JSON.stringify((await t.app.inject({ url: '/api/docs/json' })).json<{ paths: Record<string, unknown> }>().paths['/api/v1/sessions/{id}']);
    expect(doc).toContain('"materials"');
    expect(doc).toContain('The public materials of the session');
    for (const kind of ['slides', 'recording', 'report', 'other']) expect(doc).toContain(`"${kind}"`);
  });

  it('a registrant\'s manage page shows public and registrants materials, and the attendees one once attendance is recorded', async () => {
    const s = newSession();
    await addThree(s);
    const reg = register(s, 'maria');
    const greekReg = register(s, 'eleni', 'el');
    const gone = register(s, 'nikos');
    t.services.registrations.cancelByToken(t.services.registrations.tokenFor(gone));
    const visitor = new Browser(t.app);
    const manage = `/r/${t.services.registrations.tokenFor(reg)}`;
    expect(materialsOn((await visitor.get(manage)).body)).toEqual(['Slides of the talk', 'Survey report']);
    t.clock.set('2026-04-01T07:30:00Z');
    const organiser = await signIn(GR_ORGANISER);
    await organiser.get(`/organiser/sessions/${s.id}/attendance`);
    const marked = await organiser.post(`/organiser/sessions/${s.id}/attendance/${reg.id}`, { attended: 'yes' });
    expect(marked.headers.location).toMatch(/\/attendance\?msg=att\.saved$/);
    const after = await visitor.get(manage);
    expect(after.body).not.toContain('undefined');
    expect(materialsOn(after.body)).toEqual(['Slides of the talk', 'Survey report', 'Full recording']);
    expect(after.body).toContain('href="https://video.example.org/rec/42"');
    // the public page still shows only the public one
    expect(materialsOn((await new Browser(t.app).get(`/sessions/${s.id}`)).body)).toEqual(['Slides of the talk']);
    // in the registrant's own language
    const greek = await visitor.get(`/r/${t.services.registrations.tokenFor(greekReg)}`);
    expect(text(greek.body)).toContain('Υλικό Slides of the talk (Διαφάνειες) Survey report (Αναφορά)');
    // a cancelled registration sees only what is public
    expect(materialsOn((await visitor.get(`/r/${t.services.registrations.tokenFor(gone)}`)).body)).toEqual(['Slides of the talk']);
  });

  it('the follow-ups carry the links each recipient may see, in their language, in the text and HTML parts', async () => {
    const s = newSession();
    await addThree(s);
    const came = register(s, 'came');
    register(s, 'missed', 'el');
    await mail.drain();
    t.clock.set('2026-04-01T07:05:00Z');
    t.services.attendance.join(t.services.attendance.joinToken(came));
    t.clock.set('2026-04-01T09:00:00Z');
    const owner = await signIn(GR_ORGANISER);
    await owner.get(`/organiser/sessions/${s.id}/followups`);
    await owner.post(`/organiser/sessions/${s.id}/followups/attendees`, { subject: 'Thank you for joining', body: 'It was good to see you.' });
    await owner.post(`/organiser/sessions/${s.id}/followups/absentees`, { subject: 'Sorry we missed you', body: 'Here is what you missed.' });
    await owner.get(`/organiser/sessions/${s.id}/followups`);
    expect((await owner.post(`/organiser/sessions/${s.id}/followups/attendees/send`, {})).statusCode).toBe(303);
    await owner.get(`/organiser/sessions/${s.id}/followups`);
    expect((await owner.post(`/organiser/sessions/${s.id}/followups/absentees/send`, {})).statusCode).toBe(303);
    mail.sink.clear();
    await mail.drain();
    const to = (address: string) => must(mail.sink.messages.find((m) => m.envelope.rcptTo.includes(address)), `mail to ${address}`).parsed;
    const thanks = to('came@example.org');
    expect(thanks.subject).toBe('Thank you for joining');
    for (const part of [thanks.text ?? '', String(thanks.html)]) {
      expect(part).toContain('Session materials');
      for (const m of [PUBLIC, REGISTRANTS, ATTENDEES]) expect(part).toContain(m.url);
    }
    expect(thanks.text).toContain('Slides: Slides of the talk');
    expect(thanks.text).toContain('Recording: Full recording');
    const missed = to('missed@example.org');
    expect(missed.subject).toBe('Sorry we missed you');
    for (const part of [missed.text ?? '', String(missed.html)]) {
      expect(part).toContain('Υλικό της εκδήλωσης');
      expect(part).toContain(PUBLIC.url);
      expect(part).toContain(REGISTRANTS.url);
      expect(part).not.toContain(ATTENDEES.url);
      expect(part).not.toContain(ATTENDEES.title);
    }
    expect(missed.text).toContain('Διαφάνειες: Slides of the talk');
    expect(missed.text).toContain('Αναφορά: Survey report');
  });
});

describe('a removed session', () => {
  it('takes its materials with it', async () => {
    const s = newSession();
    await addThree(s);
    t.db.prepare('DELETE FROM outbox WHERE session_id = ?').run(s.id);
    t.db.prepare('DELETE FROM sessions WHERE id = ?').run(s.id);
    expect(stored(s)).toEqual([]);
  });
});
