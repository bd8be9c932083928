/**
 * A voter's journey in a real browser (Debian's headless Chromium via playwright-core) against the
 * app listening on 127.0.0.1: open the personal link, answer, send, reload, change an answer; the
 * answers are kept and the results follow. The vote page passes axe-core's WCAG 2.1 A/AA rules.
 */
import type { AddressInfo } from 'node:net';
import type { Browser as PwBrowser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_MESSAGE, axeViolations, launchChromium } from '../helpers/chromium.js';
import { makePollApp, tentativeSession, type PollTestApp } from '../modules/polls/helpers.js';

describe('voting in a browser', () => {
  if (!HAS_CHROMIUM) {
    it.skip(NO_CHROMIUM_MESSAGE, () => {});
    return;
  }

  let t: PollTestApp;
  let browser: PwBrowser;
  let base: string;
  let token: string;
  let slotIds: [number, number, number];

  beforeAll(async () => {
    t = await makePollApp({ now: '2021-08-20T09:00:00Z' });
    const s = tentativeSession(t);
    t.polls.create(s.id, { zone: 'Europe/Athens', deadlineDate: '2021-09-10', deadlineTime: '17:00' }, t.gr);
    slotIds = [
      t.polls.addSlot(s.id, { date: '2021-09-14', time: '11:00', durationMinutes: 120 }, t.gr).id,
      t.polls.addSlot(s.id, { date: '2021-09-15', time: '10:00', durationMinutes: 120 }, t.gr).id,
      t.polls.addSlot(s.id, { date: '2021-09-16', time: '15:00', durationMinutes: 120 }, t.gr).id,
    ];
    const hub = (slug: string) => String(t.services.repos.hubs.getBySlug(slug)!.id);
    t.polls.invite(s.id, { hubIds: [hub('connected-mobility-hub'), hub('gr-digigov-innohub')] }, t.gr);
    const voters = t.polls.voters(t.polls.forSession(s.id)!);
    token = t.polls.tokenFor(voters.find((v) => v.email === 'contact@connected-mobility-hub.example')!);
    // another voter has already answered: the results show their counts too
    t.polls.vote(t.polls.tokenFor(voters.find((v) => v.email === 'contact@gr-digigov-innohub.example')!), { [`slot-${slotIds[0]}`]: 'yes', [`slot-${slotIds[2]}`]: 'maybe' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Clicks the submit button and waits for the POST's redirect and the page it leads to. */
  const submit = async (page: Page, name: string) => {
    const [resp] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/poll/')), page.getByRole('button', { name }).click()]);
    expect(resp.status()).toBe(303);
    await page.waitForURL(/msg=poll\.vote\.saved/);
    await page.waitForLoadState();
  };

  const counts = async (page: Page, id: number) =>
    Promise.all(['yes', 'maybe', 'no'].map((k) => page.locator(`#ranking tr[data-slot="${id}"] .count-${k}`).innerText()));

  it('answers, reloads, changes an answer: kept and counted; no accessibility violations', async () => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Madrid' });
    const page = await context.newPage();
    const url = `${base}/poll/${token}?lang=en`;
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').innerText()).resolves.toBe('Help choose the date');
    // the slots are in the voter's zone (the Spanish hub: Madrid), with the organiser's beside them
    await expect(page.locator(`#slot-${slotIds[0]} legend`).innerText()).resolves.toBe('Option 1: Tuesday, 14 September 2021, 10:00 (Europe/Madrid, UTC+02:00) – 12:00');
    await expect(page.locator(`#slot-${slotIds[1]}`).innerText()).resolves.toContain('Outside working hours (09:00–18:00, Mon–Fri) in: Canary Islands 08:00');
    expect(await counts(page, slotIds[0])).toEqual(['1', '0', '0']);

    expect(await axeViolations(page)).toEqual([]);

    // answer with the labels, as a person would
    await page.getByRole('group', { name: /^Option 1:/ }).getByLabel('Yes', { exact: true }).check();
    await page.getByRole('group', { name: /^Option 2:/ }).getByLabel('If need be').check();
    await page.getByRole('group', { name: /^Option 3:/ }).getByLabel('No', { exact: true }).check();
    await submit(page, 'Send my answers');
    await expect(page.locator('.flash').innerText()).resolves.toBe('Thank you: your answers have been saved.');

    await page.goto(url); // open the link again
    expect(await page.isChecked(`#slot-${slotIds[0]}-yes`)).toBe(true);
    expect(await page.isChecked(`#slot-${slotIds[1]}-maybe`)).toBe(true);
    expect(await page.isChecked(`#slot-${slotIds[2]}-no`)).toBe(true);
    expect(await counts(page, slotIds[0])).toEqual(['2', '0', '0']);
    expect(await counts(page, slotIds[1])).toEqual(['0', '1', '0']);
    expect(await counts(page, slotIds[2])).toEqual(['0', '1', '1']);
    await expect(page.locator('#results-summary').innerText()).resolves.toBe('2 of 2 invited people have answered.');
    await expect(page.locator(`#heat-country tr[data-slot="${slotIds[0]}"] td[data-key="ES"]`).innerText()).resolves.toBe('1 / 0');

    // change yes → no on the first slot
    await page.getByRole('group', { name: /^Option 1:/ }).getByLabel('No', { exact: true }).check();
    await submit(page, 'Save my changed answers');
    await page.reload();
    expect(await page.isChecked(`#slot-${slotIds[0]}-no`)).toBe(true);
    expect(await page.isChecked(`#slot-${slotIds[0]}-yes`)).toBe(false);
    expect(await counts(page, slotIds[0])).toEqual(['1', '0', '1']);
    await expect(page.locator(`#heat-country tr[data-slot="${slotIds[0]}"] td[data-key="ES"]`).innerText()).resolves.toBe('0 / 0');

    // the page with answers, flash and results filled in is still clean
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it("the organiser's poll page (slots in every place, suggestions, voters, results) has no accessibility violations", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/login?lang=en`);
    await page.getByLabel('Email').fill('eleni@grnet.test');
    await page.getByLabel('Password').fill('greek-password-123');
    await Promise.all([page.waitForURL(/\/organiser/), page.getByRole('button', { name: 'Log in' }).click()]);
    const sessionId = t.polls.repo.get(t.polls.repo.slot(slotIds[0])!.pollId)!.sessionId;
    const res = await page.goto(`${base}/organiser/sessions/${sessionId}/poll?from=2021-09-13&to=2021-09-14&durationMinutes=60&zone=Europe%2FAthens`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('#suggestions li').count()).resolves.toBe(26);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('after the deadline the page says the poll is closed, the answers stay, and it is still accessible', async () => {
    t.clock.set('2021-09-10T14:00:00Z');
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/poll/${token}?lang=en`);
      await expect(page.locator('#poll-closed').innerText()).resolves.toBe('The deadline of this poll has passed: answers can no longer be changed.');
      expect(await page.isDisabled(`#slot-${slotIds[0]}-no`)).toBe(true);
      expect(await page.isChecked(`#slot-${slotIds[0]}-no`)).toBe(true);
      expect(await page.getByRole('button', { name: /answers/ }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      // the check can fail: a radio button without its label is reported
      await page.evaluate((id) => document.querySelector(`label[for="${id}"]`)?.remove(), `slot-${slotIds[0]}-yes`);
      expect((await axeViolations(page)).map((v) => v.id)).toContain('label');
      await page.close();
    } finally {
      t.clock.set('2021-08-20T09:00:00Z');
    }
  });
});
