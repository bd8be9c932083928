import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, makeApp, type TestApp } from '../helpers/app.js';
import { HAS_CHROMIUM, axeViolations, launchChromium } from '../helpers/chromium.js';

// A person in New York registers for a session organised in Athens, in a real browser; every page
// on the way is checked with axe-core against WCAG 2.1 A and AA.
let t: TestApp;
let browser: Browser;
let base: string;
let sessionId: number;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  t = await makeApp({ now: '2026-03-01T09:00:00Z' });
  const admin = t.services.repos.organisers.credentials(ADMIN.email)!.organiser;
  sessionId = t.services.sessions.create(
    { title: 'Case study: AI triage in public hospitals', hubId: t.services.repos.hubs.getBySlug('gr-digigov-innohub')!.id, date: '2026-04-16', time: '16:00', zone: 'Europe/Athens', durationMinutes: 90, capacity: 40, doubleOptIn: false, joinUrl: 'https://meet.example.org/ai' },
    admin,
  ).id;
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.skipIf(!HAS_CHROMIUM)('a registration journey in headless Chromium', () => {
  it('shows the time in the browser\'s zone, registers, manages and cancels; every page passes axe', async () => {
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/sessions/${sessionId}`);
    // The script shows the viewer's time in the browser's zone, naming it; the server's copy stays for the organiser's zone.
    await expect.poll(() => page.textContent('#viewer-time')).toBe('Thursday, 16 April 2026, 09:00 (America/New York, UTC−04:00)');
    expect(await page.textContent('#session-time')).toBe('Thursday, 16 April 2026, 16:00 (Europe/Athens, UTC+03:00)');
    // The zone field is preselected with the browser's zone: the select the form posts holds it, and the
    // searchable field the script puts in its place names it.
    expect(await page.inputValue('#f-zone-select')).toBe('America/New_York');
    expect(await page.inputValue('#f-zone')).toMatch(/^New York — United States — UTC−0[45]:00/);
    // On the list the time shows in New York, and the organiser's Athens time appears beside it.
    await page.goto(`${base}/`);
    const card = page.locator('.card', { hasText: 'AI triage' });
    await expect.poll(() => card.locator('time').textContent()).toBe('Thursday, 16 April 2026, 09:00 (America/New York, UTC−04:00)');
    expect(await card.locator('.session-zone').isVisible()).toBe(true);
    expect(await card.locator('.session-zone').textContent()).toContain('16:00 (Europe/Athens, UTC+03:00)');
    await page.goto(`${base}/sessions/${sessionId}`);
    expect(await axeViolations(page)).toEqual([]);

    await page.fill('#f-name', 'Maria Rossi');
    await page.fill('#f-email', 'maria.rossi@example.org');
    await page.selectOption('#f-orgType', 'public');
    await page.selectOption('#f-country', 'IT');
    await page.check('#f-consent');
    await Promise.all([page.waitForURL(/\/registered\?outcome=confirmed$/), page.click('#register-form button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('You are registered');
    expect(await axeViolations(page)).toEqual([]);

    const reg = t.services.repos.registrations.getByEmail(sessionId, 'maria.rossi@example.org')!;
    expect(reg.zone).toBe('America/New_York');
    // The second visit is rendered by the server in the zone the browser reported.
    const again = await context.newPage();
    await again.route('**/public/js/**', (route) => route.abort());
    await again.goto(`${base}/sessions/${sessionId}`);
    expect(await again.textContent('#viewer-time')).toBe('Thursday, 16 April 2026, 09:00 (America/New York, UTC−04:00)');

    const manage = `${base}/r/${t.services.registrations.tokenFor(reg)}`;
    await page.goto(manage);
    expect(await page.textContent('#reg-time')).toBe('Thursday, 16 April 2026, 09:00 (America/New York, UTC−04:00)');
    expect(await axeViolations(page)).toEqual([]);
    // The zone is picked in the searchable field: a city's first letters, the arrow key, Enter.
    await page.fill('#f-zone', 'Rome');
    await expect.poll(() => page.getAttribute('#f-zone', 'aria-expanded')).toBe('true');
    await page.press('#f-zone', 'ArrowDown');
    await page.press('#f-zone', 'Enter');
    expect(await page.inputValue('#f-zone-select')).toBe('Europe/Rome');
    await Promise.all([page.waitForURL(/msg=manage\.saved/), page.click('form[action$="/preferences"] button[type=submit]')]);
    expect(await page.textContent('#reg-time')).toBe('Thursday, 16 April 2026, 15:00 (Europe/Rome, UTC+02:00)');
    page.once('dialog', (d) => void d.accept());
    await Promise.all([page.waitForURL(/msg=manage\.cancelledMsg/), page.click('form[action$="/cancel"] button[type=submit]')]);
    expect(t.services.repos.registrations.get(reg.id)!.status).toBe('cancelled');
    await context.close();
  });

  it('the organiser pages pass axe too', async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Athens' });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await Promise.all([page.waitForURL(/\/organiser$/), page.click('main form[action="/login"] button[type=submit]')]);
    const paths = ['/organiser', '/organiser/sessions/new', `/organiser/sessions/${sessionId}/edit`, `/organiser/sessions/${sessionId}/registrations`, `/organiser/sessions/${sessionId}/attendance`, `/organiser/sessions/${sessionId}/followups`, '/organiser/mail', '/organiser/tokens', '/', '/privacy'];
    for (const path of paths) {
      await page.goto(base + path);
      const v = await axeViolations(page);
      expect(v, path).toEqual([]);
    }
    // A form sent back with errors keeps them reachable: the error summary links to each field.
    await page.goto(`${base}/organiser/sessions/new`);
    await page.fill('#f-title', '');
    await page.fill('#f-date', '2026-03-29');
    await page.fill('#f-time', '03:30');
    await page.click('main form.form button[type=submit]');
    await page.waitForSelector('#form-errors');
    expect(await page.textContent('#f-time-error')).toContain('does not exist');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
