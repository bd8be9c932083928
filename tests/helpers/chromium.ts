/**
 * Headless Chromium for browser journeys: Debian's /usr/bin/chromium driven by playwright-core (no
 * browser download), plus axe-core for accessibility checks.
 *
 *   if (!HAS_CHROMIUM) it.skip(...)                 // only when /usr/bin/chromium is missing
 *   const browser = await launchChromium();         // a fresh profile (user-data dir) every launch
 *   const page = await browser.newPage();
 *   const violations = await axeViolations(page);   // WCAG 2.0/2.1 A and AA rules
 */
import { existsSync } from 'node:fs';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
export const NO_CHROMIUM_MESSAGE = `${CHROMIUM_PATH} is missing (apt-get install chromium): browser tests skipped`;

/**
 * Generous waits for every page and context: a browser step on a busy 2-core machine can take many
 * seconds, and a test must fail on what it asserts, not because the machine was slow.
 */
export const BROWSER_WAIT_MS = 180_000;

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    timeout: BROWSER_WAIT_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(BROWSER_WAIT_MS);
    context.setDefaultNavigationTimeout(BROWSER_WAIT_MS);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    page.setDefaultTimeout(BROWSER_WAIT_MS);
    page.setDefaultNavigationTimeout(BROWSER_WAIT_MS);
    return page;
  };
  return browser;
}

/**
 * Puts axe-core into the page. Kairos pages send `Content-Security-Policy: script-src 'self'`, which
 * (rightly) refuses the inline <script> that addScriptTag writes; the pages are tested with their real
 * CSP, so axe then goes in through the DevTools protocol (page.evaluate), which page CSP does not govern.
 */
export async function injectAxe(page: Page): Promise<void> {
  try {
    await page.addScriptTag({ content: axe.source });
  } catch (err) {
    if (!/Content Security Policy/i.test(String((err as Error).message))) throw err;
    await page.evaluate(axe.source);
  }
  if (!(await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object'))) throw new Error('axe-core did not load in the page');
}

export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core in the page (WCAG 2.1 A and AA) and returns the violations, readable in a test failure. */
export async function axeViolations(page: Page, tags: string[] = WCAG_AA_TAGS): Promise<AxeViolation[]> {
  await injectAxe(page);
  return page.evaluate(async (runOnly) => {
    const w = window as unknown as { axe: typeof axe };
    const result = await w.axe.run(document, { runOnly: { type: 'tag', values: runOnly } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, tags);
}

/** How far the page scrolls sideways, in CSS pixels (0 when it fits), and the widest element that sticks out. */
export async function sidewaysOverflow(page: Page): Promise<{ by: number; culprit: string }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const by = root.scrollWidth - root.clientWidth;
    let culprit = '';
    if (by > 0) {
      let widest = 0;
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.right > root.clientWidth && r.width > widest) {
          widest = r.width;
          culprit = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (${Math.round(r.width)} px)`;
        }
      }
    }
    return { by, culprit };
  });
}
