/**
 * Message catalogues: one file per language, flat keys. English is complete and is the fallback;
 * Greek is complete; the other languages of the network fall back to English key by key.
 */
import en from './en.js';
import el from './el.js';
import ro from './ro.js';
import lt from './lt.js';
import it from './it.js';
import es from './es.js';
import pl from './pl.js';
import bg from './bg.js';

export type Catalogue = Record<string, string>;

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

/** Translates `key` in `lang`, filling {name} placeholders; falls back to English, then the key. */
export function t(lang: string, key: string, params: Record<string, string | number> = {}): string {
  const cat = isLanguage(lang) ? catalogues[lang] : en;
  const text = cat[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function hasKey(lang: Language, key: string): boolean {
  return key in catalogues[lang];
}

export function catalogue(lang: Language): Catalogue {
  return catalogues[lang];
}

/** Picks the best supported language from an Accept-Language header. */
export function negotiate(header: string | undefined, fallback: Language = 'en'): Language {
  if (!header) return fallback;
  const prefs = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
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

/** A translator bound to one language, handed to templates as `t`. */
export function translator(lang: string): (key: string, params?: Record<string, string | number>) => string {
  return (key, params) => t(lang, key, params);
}
