/**
 * Hub details through HTTP: every organiser sees the hubs; a hub's own organiser (and an
 * administrator) changes its name, coordinator and contact email, an invalid address is shown beside
 * its field with what was typed, and another hub's organiser can look but not change anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const GR = `/organiser/hubs/${GR_ORGANISER.hub}`;

async function signedIn(t: TestApp, who: { email: string; password: string }): Promise<Browser> {
  const b = new Browser(t.app, { 'accept-language': 'en' });
  expect((await b.login(who.email, who.password)).statusCode).toBe(303);
  return b;
}

describe('hub details', () => {
  it('lets the hub’s organiser change its contact email, and shows an invalid one beside the field', async () => {
    t = await makeApp();
    const eleni = await signedIn(t, GR_ORGANISER);
    const list = await eleni.get('/organiser/hubs');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="${GR}"`);

    const form = await eleni.get(GR);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="contactEmail"');

    const bad = await eleni.post(GR, { name: 'GR DigiGOV-InnoHUB', fullName: '', coordinator: 'Eleni', contactEmail: 'events at digigov' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<p class="error" id="f-contactEmail-error">Give a valid email address, such as name@example.org.</p>');
    expect(bad.body).toContain('href="#f-contactEmail"');
    expect(bad.body).toContain('value="events at digigov"');
    const before = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!;

    const ok = await eleni.post(GR, { name: 'GR DigiGOV-InnoHUB EDIH', fullName: 'Greek Digital Government Innovation Hub', coordinator: 'Eleni Papadopoulou', contactEmail: 'events@digigov.example.gr' });
    expect(ok.statusCode).toBe(303);
    expect(text((await eleni.get(String(ok.headers.location))).body)).toContain('Saved.');
    expect(t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)).toMatchObject({ id: before.id, contactEmail: 'events@digigov.example.gr', coordinator: 'Eleni Papadopoulou', fullName: 'Greek Digital Government Innovation Hub' });
    // The public API shows the new name.
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/hubs' });
    expect(api.json()).toContainEqual(expect.objectContaining({ slug: GR_ORGANISER.hub, name: 'GR DigiGOV-InnoHUB EDIH' }));
  });

  it('lets another hub’s organiser read but not change it (403, nothing changed); an administrator may change any hub', async () => {
    t = await makeApp();
    const before = t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)!;
    const ana = await signedIn(t, RO_ORGANISER);
    const view = await ana.get(GR);
    expect(view.statusCode).toBe(200);
    expect(view.body).not.toContain('name="contactEmail"');
    expect(text(view.body)).toContain(before.contactEmail);
    expect(text(view.body)).toContain("Only this hub's organisers and the administrators can change these details.");
    const refused = await ana.post(GR, { name: 'Taken over', fullName: '', coordinator: '', contactEmail: 'ana@example.ro' });
    expect(refused.statusCode).toBe(403);
    expect(t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)).toEqual(before);

    const admin = await signedIn(t, ADMIN);
    await admin.get(GR);
    expect((await admin.post(GR, { name: before.name, fullName: '', coordinator: '', contactEmail: 'office@digigov.example.gr' })).statusCode).toBe(303);
    expect(t.services.repos.hubs.getBySlug(GR_ORGANISER.hub)).toMatchObject({ contactEmail: 'office@digigov.example.gr', fullName: null, coordinator: null });
    expect((await admin.get('/organiser/hubs/no-such-hub')).statusCode).toBe(404);
  });
});
