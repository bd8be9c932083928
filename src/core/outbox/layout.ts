/**
 * Email layouts: one HTML layout and one text layout in views/emails/ (Eta, autoEscape on,
 * `<%= %>` only). A kind's renderer does not write markup: it describes the email as a list of
 * blocks (paragraphs, a quote of text someone typed, facts such as times, a button), and both
 * layouts render the same blocks, so the text and HTML parts always say the same thing.
 */
import path from 'node:path';
import { Eta } from 'eta';
import { ROOT } from '../config.js';

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
