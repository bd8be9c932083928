/**
 * Message catalogues: one file per language, flat keys, ICU MessageFormat messages
 * (`{name}` arguments, `{n, plural, one {…} other {…}}` with each language's CLDR plural
 * categories). English defines the keys (`MessageKey`); every other catalogue must have
 * every key (a missing one is a type error). Messages are compiled once per language and
 * key, then cached.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import en from './en.js';
import el from './el.js';
import ro from './ro.js';
import lt from './lt.js';
import it from './it.js';
import es from './es.js';
import pl from './pl.js';
import bg from './bg.js';

/** Every message key: the keys of the English catalogue. */
export type MessageKey = keyof typeof en;
/** A complete catalogue: one message for every key. */
export type Catalogue = Record<MessageKey, string>;
export type MessageParams = Record<string, string | number>;

export const LANGUAGES = ['en', 'el', 'ro', 'lt', 'it', 'es', 'pl', 'bg'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself, for language pickers. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  el: 'Ελληνικά',
  ro: 'Română',
  lt: 'Lietuvių',
  it: 'Italiano',
  es: 'Español',
  pl: 'Polski',
  bg: 'Български',
};

const catalogues: Record<Language, Catalogue> = { en, el, ro, lt, it, es, pl, bg };

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

/** Whether `key` is a message key (for keys built at run time, such as `country.${code}`). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** Kept for callers that ask about one language; every catalogue has every key. */
export function hasKey(_lang: Language, key: string): key is MessageKey {
  return isMessageKey(key);
}

export function catalogue(lang: Language): Readonly<Record<string, string>> {
  return catalogues[lang];
}

interface Compiled {
  format: IntlMessageFormat;
  /** Argument names, so that a value left out prints as `{name}` rather than failing. */
  args: string[];
}

const compiled = new Map<string, Compiled>();

type AstNode = { type: number; value?: string; options?: Record<string, { value: AstNode[] }>; children?: AstNode[] };
const ARGUMENT_TYPES = new Set([1, 2, 3, 4, 5, 6]); // argument, number, date, time, select, plural

function collectArgs(nodes: AstNode[], into: Set<string>): Set<string> {
  for (const n of nodes) {
    if (ARGUMENT_TYPES.has(n.type) && typeof n.value === 'string') into.add(n.value);
    for (const o of Object.values(n.options ?? {})) collectArgs(o.value, into);
    if (n.children) collectArgs(n.children, into);
  }
  return into;
}

/** Compiles a message (ICU, no rich-text tags) for a language. */
export function compileMessage(lang: Language, text: string): IntlMessageFormat {
  return new IntlMessageFormat(text, lang, undefined, { ignoreTag: true });
}

/** The argument names of a message; a plural or select argument is named `name:plural` / `name:select`. */
export function messageArguments(lang: Language, text: string): string[] {
  const out = new Set<string>();
  const walk = (nodes: AstNode[]): void => {
    for (const n of nodes) {
      if (ARGUMENT_TYPES.has(n.type) && typeof n.value === 'string') out.add(n.type === 6 ? `${n.value}:plural` : n.type === 5 ? `${n.value}:select` : n.value);
      for (const o of Object.values(n.options ?? {})) walk(o.value);
      if (n.children) walk(n.children);
    }
  };
  walk(compileMessage(lang, text).getAst());
  return [...out].sort();
}

function compiledFor(lang: Language, key: MessageKey): Compiled {
  const id = `${lang}\u0000${key}`;
  let c = compiled.get(id);
  if (!c) {
    const format = compileMessage(lang, catalogues[lang][key] ?? en[key]);
    c = { format, args: [...collectArgs(format.getAst(), new Set())] };
    compiled.set(id, c);
  }
  return c;
}

/** Translates `key` in `lang` (English when the language is not one of ours), filling its arguments. */
export function t(lang: string, key: MessageKey, params: MessageParams = {}): string {
  const l: Language = isLanguage(lang) ? lang : 'en';
  // Templates build some keys at run time ('status.' + status): an unknown one prints itself.
  if (!isMessageKey(key)) return key;
  const c = compiledFor(l, key);
  let values = params;
  if (c.args.some((a) => !(a in params))) {
    values = { ...params };
    for (const a of c.args) if (!(a in values)) values[a] = `{${a}}`;
  }
  return String(c.format.format(values));
}

/** The message for a key built at run time (`country.${code}`), or `fallback`'s when there is no such key. */
export function tKey(lang: string, key: string, fallback: MessageKey, params: MessageParams = {}): string {
  return t(lang, isMessageKey(key) ? key : fallback, params);
}

/** The key under which an error code thrown in the code base (`AppError`, field errors) is explained. */
export function errorKey(code: string, prefixes: readonly string[] = ['err.']): MessageKey {
  for (const p of prefixes) {
    const key = `${p}${code}`;
    if (isMessageKey(key)) return key;
  }
  return 'err.unknown';
}

/** The message for an error code: `err.<code>` (or the first of `prefixes` that has one), else a generic message. */
export function errorMessage(lang: string, code: string, params: MessageParams = {}, prefixes: readonly string[] = ['err.']): string {
  return t(lang, errorKey(code, prefixes), params);
}

/** Picks the best supported language from an Accept-Language header. */
export function negotiate(header: string | undefined, fallback: Language = 'en'): Language {
  if (!header) return fallback;
  const prefs = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => /^q=([\d.]+)$/.exec(r.trim())).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q[1]) : 1 };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const p of prefs) {
    const base = p.tag.split('-')[0];
    if (isLanguage(base)) return base;
  }
  return fallback;
}

export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** A translator bound to one language, handed to templates as `t`. */
export function translator(lang: string): Translate {
  return (key, params) => t(lang, key, params);
}

const UNITS: readonly [number, 'week' | 'day' | 'hour' | 'minute'][] = [
  [10080, 'week'],
  [1440, 'day'],
  [60, 'hour'],
  [1, 'minute'],
];

/** "2 days", "1 hour", "15 minutes" in `lang` (Intl's units and plural rules), in the largest whole unit. */
export function durationLabel(minutes: number, lang: string): string {
  const [size, unit] = UNITS.find(([n]) => minutes % n === 0) ?? [1, 'minute'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(minutes / size);
}
