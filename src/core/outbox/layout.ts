/**
 * Email layouts: one HTML layout and one text layout in views/emails/ (Eta, autoEscape on,
 * `<%= %>` only). A kind's renderer does not write markup: it describes the email as a list of
 * blocks (paragraphs, a quote of text someone typed, facts such as times, a button), and both
 * layouts render the same blocks, so the text and HTML parts always say the same thing.
 */
import path from 'node:path';
import { Eta } from 'eta';
import { ROOT } from '../config.js';
import { Lru } from '../lru.js';
import { escapeRegExp } from '../text.js';

export const EMAIL_VIEWS = path.join(ROOT, 'views', 'emails');

export type EmailBlock =
  | { type: 'heading'; text: string }
  /** Text written by us (from the catalogue); line breaks are kept. */
  | { type: 'paragraph'; text: string }
  /** Text someone typed (an organiser's message): paragraphs and line breaks kept, never markup. */
  | { type: 'quote'; text: string }
  /** Label/value rows, e.g. "Your time" / "Thursday, 15 July 2021, 11:00 (Europe/Athens, UTC+03:00)". */
  | { type: 'facts'; rows: { label: string; value: string }[] }
  /** A link shown as a button; only http(s) and mailto URLs are accepted. */
  | { type: 'button'; href: string; label: string };

export interface EmailContent {
  /** Language of the email (html lang attribute). */
  lang: string;
  subject: string;
  /** Hidden preview line shown by mail clients after the subject. */
  preheader?: string;
  greeting?: string;
  blocks: EmailBlock[];
  signoff?: string;
  footer?: string[];
  /** Name shown at the top (default: Kairos). */
  appName?: string;
}

// Every control character (the category Cc) but the line feed.
const CONTROL_EXCEPT_NEWLINE = /(?!\n)\p{Cc}/gu;

/** Normalises line breaks and removes control characters (keeps \n). */
export function cleanText(text: string | number | null | undefined): string {
  return String(text ?? '')
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/\t/g, '    ')
    .replace(CONTROL_EXCEPT_NEWLINE, '');
}

/** The text layout escapes nothing into entities (it is not HTML) but still strips control characters. */
function textEscape(value: unknown): string {
  // Eta hands its escape function whatever a template prints; Eta's own escape uses String() too.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a template value of any type, turned into text as Eta does
  return cleanText(String(value ?? ''));
}

const htmlEta = new Eta({ views: EMAIL_VIEWS, cache: true, autoEscape: true, autoTrim: [false, 'nl'] });
const textEta = new Eta({ views: EMAIL_VIEWS, cache: true, autoEscape: true, escapeFunction: textEscape, autoTrim: false });

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

type PreparedBlock =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; lines: string[] }
  | { type: 'quote'; paragraphs: string[][] }
  | { type: 'facts'; rows: { label: string; value: string }[] }
  | { type: 'button'; href: string; label: string };

function prepare(b: EmailBlock): PreparedBlock {
  switch (b.type) {
    case 'heading':
      return { type: 'heading', text: cleanText(b.text).replace(/\n+/g, ' ') };
    case 'paragraph':
      return { type: 'paragraph', lines: cleanText(b.text).split('\n') };
    case 'quote':
      return {
        type: 'quote',
        paragraphs: cleanText(b.text)
          .trim()
          .split(/\n\s*\n/)
          .map((p) => p.split('\n').map((l) => l.trimEnd())),
      };
    case 'facts':
      return { type: 'facts', rows: b.rows.map((r) => ({ label: cleanText(r.label), value: cleanText(r.value) })) };
    case 'button': {
      const href = String(b.href).trim();
      if (!SAFE_URL.test(href) || /[\s<>"]/.test(href)) throw new Error(`email button link must be an http(s) or mailto URL`);
      return { type: 'button', href, label: cleanText(b.label) };
    }
  }
}

const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/** Renders the HTML and text parts of an email from its blocks. */
export function renderLayout(content: EmailContent): { html: string; text: string } {
  const data = {
    lang: content.lang,
    dir: RTL.has(content.lang.split('-')[0] ?? '') ? 'rtl' : 'ltr',
    subject: content.subject,
    preheader: content.preheader ?? '',
    greeting: content.greeting ?? '',
    blocks: content.blocks.map(prepare),
    signoff: content.signoff ?? '',
    footer: content.footer ?? [],
    appName: content.appName ?? 'Kairos',
  };
  const html = htmlEta.render('./layout-html', data);
  const text = textEta
    .render('./layout-text', data)
    .replace(/(?<!^--)[ \t]+\n/gm, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { html, text: text + '\n' };
}

/**
 * Stand-ins for what differs between the recipients of one email: the greeting and the personal
 * links. Each goes through both layouts unchanged (nothing in it is escaped, cleaned or trimmed).
 */
const SLOT_DOMAIN = 'layout-slot.kairos.invalid';
const GREETING_SLOT = `greeting.${SLOT_DOMAIN}`;
const linkSlot = (i: number) => `https://link-${i}.${SLOT_DOMAIN}/`;

/** A link both layouts print as it is: nothing to escape in HTML, no space, no control character. */
const PLAIN_LINK = /^https?:\/\/[A-Za-z0-9._~%!$()*+,;=:@/?#-]+$/;

/**
 * Whether a greeting, put in place of its stand-in, reads as the layouts would have printed it: one
 * line with no space at either end, so the text layout's clean-up of blank ends does not touch it.
 */
function plainGreeting(greeting: string): boolean {
  const clean = cleanText(greeting);
  return clean !== '' && clean === clean.trim() && !clean.includes('\n');
}

/**
 * A layout rendered with the stand-ins, cut at each of them: the text between them, and which
 * value goes after each piece (-1: the greeting; i: personal link i).
 */
interface CutLayout {
  pieces: string[];
  slots: number[];
}

const SLOT_AT = new RegExp(`${escapeRegExp(GREETING_SLOT)}|https://link-(\\d+)\\.${escapeRegExp(SLOT_DOMAIN)}/`, 'g');

function cut(rendered: string): CutLayout {
  const pieces: string[] = [];
  const slots: number[] = [];
  let from = 0;
  for (const m of rendered.matchAll(SLOT_AT)) {
    pieces.push(rendered.slice(from, m.index));
    slots.push(m[1] === undefined ? -1 : Number(m[1]));
    from = m.index + m[0].length;
  }
  pieces.push(rendered.slice(from));
  return { pieces, slots };
}

/** The layout with the values in place, as one flat string (not a chain of pieces). */
function join(c: CutLayout, greeting: string, links: readonly string[]): string {
  const parts: string[] = [c.pieces[0] ?? ''];
  c.slots.forEach((slot, i) => parts.push(slot < 0 ? greeting : (links[slot] ?? ''), c.pieces[i + 1] ?? ''));
  return parts.join('');
}

/** Layouts rendered with the stand-ins, by the content they were rendered from (each some 30 kB: a hundred at most). */
const shared = new Lru<string, { html: CutLayout; text: CutLayout }>(100);

/**
 * renderLayout for an email to one person, with the same result: the layouts are rendered once with
 * stand-ins for the greeting and for the buttons to `personalLinks`, and the recipient's values are
 * put in their place. Anything that could read differently that way is rendered in full instead.
 */
export function renderPersonalLayout(content: EmailContent, personalLinks: readonly string[]): { html: string; text: string } {
  const { greeting } = content;
  if (greeting === undefined || !plainGreeting(greeting) || [greeting, ...personalLinks].some((v) => v.includes(SLOT_DOMAIN))) return renderLayout(content);
  let slots = 1;
  const blocks = content.blocks.map((b): EmailBlock => {
    const i = b.type === 'button' ? personalLinks.indexOf(b.href) : -1;
    if (i < 0 || b.type !== 'button' || !PLAIN_LINK.test(b.href)) return b;
    slots++;
    return { ...b, href: linkSlot(i) };
  });
  const withSlots = { ...content, greeting: GREETING_SLOT, blocks };
  const key = JSON.stringify(withSlots);
  // A stand-in's own text already in the email (never in practice) would be replaced too: render it in full.
  if (key.split(SLOT_DOMAIN).length - 1 !== slots) return renderLayout(content);
  const made = shared.getOrSet(key, () => {
    const { html, text } = renderLayout(withSlots);
    return { html: cut(html), text: cut(text) };
  });
  return { html: join(made.html, htmlEta.config.escapeFunction(greeting), personalLinks), text: join(made.text, textEscape(greeting), personalLinks) };
}
