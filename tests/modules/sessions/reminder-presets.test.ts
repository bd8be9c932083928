/** Reminders chosen from presets plus other durations, on the organiser's session form. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, GR_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { must } from '../../helpers/must.js';
import { sessionForm } from '../../helpers/sessions.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ now: '2026-01-12T09:00:00Z' });
});
afterAll(() => t.close());

const validForm = () => sessionForm(t);

describe('reminders on the session form', () => {
  it('offers reminders as choices (1 week … 15 minutes) plus other durations, and keeps both when the form comes back', async () => {
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    const blank = await b.get('/organiser/sessions/new');
    const ticked = (body: string) => [...body.matchAll(/<input type="checkbox" id="f-reminder-(\d+)" name="reminderPreset" value="\d+"( checked)?>/g)].map((m) => `${m[1]}${m[2] ? '*' : ''}`);
    // A new session starts with the reminders of every session so far: one day and one hour before.
    expect(ticked(blank.body)).toEqual(['10080', '2880', '1440*', '120', '60*', '15']);
    const labels = text(must(/<fieldset class="reminders">([\s\S]*?)<\/fieldset>/.exec(blank.body)?.[1], 'the reminders'));
    for (const l of ['1 week before', '2 days before', '1 day before', '2 hours before', '1 hour before', '15 minutes before', 'Other reminders']) expect(labels).toContain(l);
    expect(labels).not.toContain('PT1H');
    // In Polish the units follow Polish plurals (dni, godziny, minut).
    const pl = text((await b.get('/organiser/sessions/new?lang=pl')).body);
    await b.get('/organiser/sessions/new?lang=en');
    for (const l of ['2 dni wcześniej', '2 godziny wcześniej', '15 minut wcześniej']) expect(pl).toContain(l);

    const made = await b.post('/organiser/sessions', { ...validForm(), title: 'Reminder presets', reminderPreset: ['2880', '15'], reminderOffsets: 'PT30M' });
    expect(made.statusCode).toBe(303);
    const id = Number(/\/sessions\/(\d+)/.exec(made.headers.location as string)![1]);
    expect(t.services.repos.sessions.get(id)!.reminderOffsets).toEqual([2880, 30, 15]);
    const edit = await b.get(`/organiser/sessions/${id}/edit`);
    expect(ticked(edit.body)).toEqual(['10080', '2880*', '1440', '120', '60', '15*']);
    expect(edit.body).toMatch(/name="reminderOffsets" type="text" value="PT30M"/);

    const bad = await b.post(`/organiser/sessions/${id}`, { ...validForm(), title: 'Reminder presets', reminderPreset: ['10080'], reminderOffsets: 'soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-reminderOffsets-error"');
    expect(ticked(bad.body)).toEqual(['10080*', '2880', '1440', '120', '60', '15']);
    expect(bad.body).toMatch(/name="reminderOffsets" type="text" value="soon"/);
    expect(t.services.repos.sessions.get(id)!.reminderOffsets).toEqual([2880, 30, 15]);
    // Nothing ticked and nothing typed: no reminders.
    const none = await b.post(`/organiser/sessions/${id}`, { ...validForm(), title: 'Reminder presets', reminderOffsets: '' });
    expect(none.statusCode).toBe(303);
    expect(t.services.repos.sessions.get(id)!.reminderOffsets).toEqual([]);
  });

});
