/**
 * What the browser journeys check on every page they show, and how they send a form:
 *
 *   await signIn(page, base, GR_ORGANISER);          // the login form, as a person fills it in
 *   await problemsOf(page)                           // left-over values, catalogue keys, sideways scroll
 *   await submit(page, form)                         // its submit button, "are you sure?" answered yes
 *   await summaryProblems(page)                      // after a refused form: the error summary as it should be
 */
import type { Dialog, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import en from '../../src/core/i18n/en.js';
import { sidewaysOverflow } from './chromium.js';

const KEYS = new Set(Object.keys(en));

/** Signs in with the login form and waits for the organiser area. */
export async function signIn(page: Page, base: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/organiser$/), page.click('main form[action="/login"] button[type=submit]')]);
}

/** What is wrong with the page as shown: left-over values, catalogue keys, sideways scroll. */
export async function problemsOf(page: Page): Promise<string[]> {
  const { by: overflow, culprit } = await sidewaysOverflow(page);
  const text = await page.evaluate(() => {
    // What a person reads: the visible text, and the values and labels of the controls.
    const controls = Array.from(document.querySelectorAll('input:not([type=hidden]), textarea, option, [aria-label], [title], img[alt]'))
      .map((el) => [el.getAttribute('aria-label'), el.getAttribute('title'), el.getAttribute('alt'), el.getAttribute('placeholder'), el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : null, el instanceof HTMLOptionElement ? el.text : null].filter(Boolean).join(' '));
    return `${document.title}\n${document.body.innerText}\n${controls.join('\n')}`;
  });
  const found: string[] = [];
  for (const word of ['undefined', 'null', 'NaN', '[object Object]', 'Invalid DateTime']) if (new RegExp(`(^|[^\\w-])${word.replace(/[[\]]/g, '\\$&')}($|[^\\w-])`).test(text)) found.push(`shows "${word}"`);
  const keys = [...new Set([...text.matchAll(/[a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+/g)].map((m) => m[0]).filter((k) => KEYS.has(k)))];
  if (keys.length) found.push(`shows catalogue keys ${keys.join(', ')}`);
  if (overflow > 0) found.push(`${overflow} px too wide (${culprit})`);
  return found;
}

/** Sends the form with its (first) submit button, accepting a confirmation, and waits for the page that answers. */
export async function submit(page: Page, form: Locator): Promise<void> {
  const button = form.locator('button[type=submit]').first();
  // Ready to take the click (visible, stable, enabled) before the page is watched for the answer.
  await button.click({ trial: true });
  // A form that asks "are you sure?" is answered yes; the handler lives for this one submission.
  const accept = (dialog: Dialog) => void dialog.accept();
  page.on('dialog', accept);
  try {
    await Promise.all([page.waitForEvent('load'), button.click()]);
  } finally {
    page.off('dialog', accept);
  }
}

/**
 * After a refused submission: the summary has the focus, and lists each field's error as a link to
 * that field (see src/core/render/error-summary.ts); each id in `refused` (the fields sent wrong) is
 * among them.
 */
export async function summaryProblems(page: Page, refused: readonly string[] = []): Promise<string[]> {
  return page.evaluate((expected) => {
    const found: string[] = [];
    const summary = document.getElementById('form-errors');
    if (!summary) return ['no error summary'];
    if (!summary.contains(document.activeElement)) found.push(`the focus is on ${document.activeElement?.tagName ?? 'nothing'}, not the error summary`);
    const links = Array.from(summary.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '');
    for (const href of links) if (!href.startsWith('#') || !document.getElementById(href.slice(1))) found.push(`the summary links to ${href}, which is not on the page`);
    for (const message of Array.from(document.querySelectorAll('main p.error[id$="-error"]'))) {
      // Linked to its field, or to the message itself where no element has the field's id (a group of boxes).
      const field = message.id.slice(0, -'-error'.length);
      const target = document.getElementById(field) ? field : message.id;
      if (!links.includes(`#${target}`)) found.push(`the error of ${field} is not linked to its field`);
    }
    for (const id of expected) if (!links.includes(`#${id}`)) found.push(`no error linked to ${id}`);
    if (!summary.querySelector('li')) found.push('the summary lists nothing');
    return found;
  }, refused);
}

/** What a form is filled with: a value per field name (a checkbox's true or false), or steps of its own. */
export type Fill = Record<string, string | boolean> | ((form: Locator) => Promise<void>);

/**
 * Fills a form as a person does: a radio button and a checkbox are clicked, a zone is searched for in
 * the zone picker and taken with the keyboard, a list's option is chosen, a text is typed.
 */
export async function fillForm(form: Locator, values: Fill): Promise<void> {
  if (typeof values === 'function') return values(form);
  for (const [name, value] of Object.entries(values)) {
    const field = form.locator(`[name="${name}"]`);
    const kind = await field.first().evaluate((el) => (el instanceof HTMLInputElement ? el.type : el.tagName.toLowerCase()));
    if (kind === 'radio') await form.locator(`[name="${name}"][value="${String(value)}"]`).check();
    else if (kind === 'checkbox') await (value ? field.check() : field.uncheck());
    else if (kind === 'select' && (await field.first().getAttribute('data-zone-picker')) !== null && !(await field.first().isVisible())) {
      const input = field.first().locator('xpath=..').locator('input[role=combobox]');
      await input.fill(String(value));
      await expect.poll(() => input.getAttribute('aria-expanded')).toBe('true');
      await input.press('ArrowDown');
      await input.press('Enter');
      expect(await field.first().inputValue()).toBe(String(value));
    } else if (kind === 'select') await field.selectOption(String(value));
    else await field.fill(String(value));
  }
}
