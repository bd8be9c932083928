/**
 * Nobody has attended a session that has not begun: attendance is recorded from when the join links
 * open (15 minutes before the start). Before that the page says from when, offers no buttons and no
 * import, and a post is refused with a message; nothing is marked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Browser, makeApp, text, type TestApp } from '../../helpers/app.js';
import { newSession } from '../../helpers/sessions.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ now: '2026-04-15T07:00:00Z' });
});
afterAll(async () => {
  await t?.close();
});

describe('attendance before the start', () => {
  it('is refused until the join links open, then recorded', async () => {
    // 11:00 Vilnius = 08:00 UTC; the join links open at 07:45 UTC.
    const s = newSession(t, { doubleOptIn: false });
    const reg = t.services.registrations.register(s.id, { name: 'Rūta K', email: 'ruta.early@example.org', organisation: 'Vilnius city', orgType: 'public', country: 'LT', language: 'lt', zone: 'Europe/Vilnius', consent: true }, 'api').registration;
    const admin = new Browser(t.app, { 'accept-language': 'en' });
    await admin.login(ADMIN.email, ADMIN.password);

    const early = await admin.get(`/organiser/sessions/${s.id}/attendance`);
    expect(early.statusCode).toBe(200);
    expect(text(early.body)).toContain('Attendance can be recorded from Wednesday, 15 April 2026, 10:45 (Europe/Athens, UTC+03:00), when the join links open.');
    expect(early.body).not.toContain(`/attendance/${reg.id}"`);
    expect(early.body).not.toContain('/attendance/import');
    const refused = await admin.post(`/organiser/sessions/${s.id}/attendance/${reg.id}`, { attended: 'yes' });
    expect(refused.statusCode).toBe(409);
    expect(text(refused.body)).toContain('Attendance can be recorded only from when the join links open, shortly before the session starts.');
    const imported = await admin.post(`/organiser/sessions/${s.id}/attendance/import`, { csv: 'Name,Email\nRūta K,ruta.early@example.org\n' });
    expect(imported.statusCode).toBe(409);
    expect(text(imported.body)).toContain('Attendance can be recorded only from when the join links open');
    expect(t.services.repos.registrations.get(reg.id)!.attendedAt).toBeNull();

    t.clock.set('2026-04-15T07:45:00Z');
    const open = await admin.get(`/organiser/sessions/${s.id}/attendance`);
    expect(open.body).toContain(`/attendance/${reg.id}"`);
    expect(open.body).toContain('/attendance/import');
    expect((await admin.post(`/organiser/sessions/${s.id}/attendance/${reg.id}`, { attended: 'yes' })).statusCode).toBe(303);
    expect(t.services.repos.registrations.get(reg.id)!.attendedAt).not.toBeNull();
  });
});
