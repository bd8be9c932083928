/**
 * Pages that fit: every page, as a visitor and as an administrator, at a phone's 390 px and a
 * laptop's 1280 px, has no sideways page scroll (a wide table scrolls inside its own labelled box),
 * and a form sent back with errors moves focus to the error summary at the top.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, makeApp, type TestApp } from '../helpers/app.js';
import { HAS_CHROMIUM, launchChromium, sidewaysOverflow } from '../helpers/chromium.js';
import { newSession } from '../helpers/sessions.js';

let t: TestApp;
let browser: Browser;
let base: string;
let sessionId: number;
let manage: string;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  t = await makeApp({ now: '2026-03-01T09:00:00Z', seed: true });
  const s = newSession(t, { title: 'Case study: interoperable registries across the nine hubs of the network', capacity: 2, doubleOptIn: false });
  sessionId = s.id;
  const people = [
    ['Αικατερίνη Παπαδοπούλου-Κωνσταντινίδου', 'GR', 'Europe/Athens', 'el'],
    ['Maria Dolores Fernández de la Concepción', 'ES', 'Atlantic/Canary', 'es'],
    ['Lukas Vaitkevičius', 'LT', 'Europe/Vilnius', 'lt'],
  ] as const;
  for (const [i, [name, country, zone, language]] of people.entries()) {
    const { registration: reg } = t.services.registrations.register(s.id, { name, email: `person.with.a.long.address.${i}@public-administration.example.org`, organisation: 'Ministry of Digital Governance and Public Administration Reform', orgType: 'public', country, zone, language, consent: true }, 'api');
    if (i === 0) manage = `/r/${t.services.registrations.tokenFor(reg)}`;
  }
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});


describe.skipIf(!HAS_CHROMIUM)('pages that fit', () => {
  it('no page scrolls sideways at 390 px or at 1280 px, for a visitor, a registrant or an administrator', async () => {
    const publicPaths = ['/', `/sessions/${sessionId}`, '/privacy', '/login', manage];
    const organiserPaths = ['/organiser', '/organiser/sessions/new', `/organiser/sessions/${sessionId}/edit`, `/organiser/sessions/${sessionId}/registrations`, `/organiser/sessions/${sessionId}/attendance`, `/organiser/sessions/${sessionId}/followups`, '/organiser/mail', '/organiser/tokens'];
    const found: string[] = [];
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, timezoneId: 'Europe/Athens', locale: 'en-GB' });
      const page = await context.newPage();
      for (const path of publicPaths) {
        await page.goto(base + path);
        const o = await sidewaysOverflow(page);
        if (o.by > 0) found.push(`${width}px ${path}: ${o.by} px too wide, ${o.culprit}`);
      }
      await page.goto(`${base}/login`);
      await page.fill('#email', ADMIN.email);
      await page.fill('#password', ADMIN.password);
      await Promise.all([page.waitForURL(/\/organiser$/), page.click('main form[action="/login"] button[type=submit]')]);
      for (const path of organiserPaths) {
        await page.goto(base + path);
        const o = await sidewaysOverflow(page);
        if (o.by > 0) found.push(`${width}px ${path}: ${o.by} px too wide, ${o.culprit}`);
      }
      await context.close();
    }
    expect(found).toEqual([]);
  });

  it('a form sent back with errors moves the focus to the error summary at the top of the page', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, timezoneId: 'Europe/Rome', locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/sessions/${sessionId}`);
    await page.fill('#f-name', 'Giulia');
    await page.fill('#f-email', 'not-an-address');
    await Promise.all([page.waitForLoadState('load'), page.click('#register-form button[type=submit]')]);
    await page.waitForSelector('#form-errors');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('form-errors');
    // The summary is at the top: visible without scrolling on a phone.
    const box = await page.locator('#form-errors').boundingBox();
    expect(box?.y ?? Infinity).toBeLessThan(800);
    // Each item leads to its field.
    await page.click('#form-errors a[href="#f-email"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#f-email');
    await context.close();
  });
});
