import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, catalogue, compileMessage, errorKey, errorMessage, messageArguments, t, tKey, type Language } from '../../../src/core/i18n/index.js';
import { must } from '../../helpers/must.js';

const en = catalogue('en');
const keys = Object.keys(en);

type Node = { type: number; value?: string; options?: Record<string, { value: Node[] }>; children?: Node[] };
/** Every plural argument of a message with the categories it offers (`=0`-style exact matches left out). */
function plurals(lang: Language, text: string): { arg: string; categories: string[] }[] {
  const out: { arg: string; categories: string[] }[] = [];
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.type === 6) out.push({ arg: n.value ?? '', categories: Object.keys(n.options ?? {}).filter((k) => !k.startsWith('=')).sort() });
      for (const o of Object.values(n.options ?? {})) walk(o.value);
      if (n.children) walk(n.children);
    }
  };
  walk(compileMessage(lang, text).getAst());
  return out;
}

describe('message catalogues', () => {
  it.each(LANGUAGES)('%s: every message parses as ICU MessageFormat', (lang) => {
    const cat = catalogue(lang);
    const broken: string[] = [];
    for (const k of keys) {
      try {
        compileMessage(lang, must(cat[k], `${lang} ${k}`));
      } catch (e) {
        broken.push(`${k}: ${(e as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has exactly the English keys, with the same arguments (names, plural and select)', (lang) => {
    const cat = catalogue(lang);
    expect(keys.filter((k) => !(k in cat))).toEqual([]);
    expect(Object.keys(cat).filter((k) => !(k in en))).toEqual([]);
    const wrong = keys
      .map((k) => ({ k, en: messageArguments('en', must(en[k], `en ${k}`)).join(','), it: messageArguments(lang, must(cat[k], `${lang} ${k}`)).join(',') }))
      .filter((x) => x.en !== x.it);
    expect(wrong).toEqual([]);
  });

  it.each(LANGUAGES)('%s: every plural message offers every plural category of the language', (lang) => {
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories.slice().sort();
    const cat = catalogue(lang);
    const missing: string[] = [];
    let count = 0;
    for (const k of keys) {
      for (const p of plurals(lang, must(cat[k], `${lang} ${k}`))) {
        count++;
        const lacks = needed.filter((c) => !p.categories.includes(c));
        if (lacks.length) missing.push(`${k} {${p.arg}}: no ${lacks.join(', ')}`);
      }
    }
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(19); // the count messages are plural in every language
  });

  it('keeps every text with an apostrophe as written (ICU quoting does not eat it)', () => {
    expect(t('en', 'session.sessionTime')).toBe("In the organiser's time zone");
    expect(t('it', 'session.timeAssumed', { time: '11:00' })).toBe("La fonte indica solo la data; l'orario mostrato (11:00) è un'ipotesi.");
    for (const lang of LANGUAGES) {
      const cat = catalogue(lang);
      for (const k of keys) {
        const text = must(cat[k], `${lang} ${k}`);
        if (!text.includes("'") || /\{\w+, (plural|select)/.test(text)) continue;
        const params = Object.fromEntries(messageArguments(lang, text).map((a) => [a, `<${a}>`]));
        expect(t(lang, k as never, params), `${lang} ${k}`).toBe(text.replace(/\{(\w+)\}/g, '<$1>'));
      }
    }
  });

  it('compiles a message once per language and key', () => {
    const a = t('pl', 'fu.sentCount', { n: 5 });
    expect(t('pl', 'fu.sentCount', { n: 5 })).toBe(a);
    expect(a).toBe('Wysłano do 5 osób.');
  });

  it('fills a left-out value with its name, as before, and prints an unknown key built at run time as itself', () => {
    expect(t('en', 'email.greeting')).toContain('{name}');
    expect(t('en', 'status.nonsense' as never)).toBe('status.nonsense');
    expect(tKey('el', 'country.XX', 'country.other')).toBe('Άλλη χώρα');
    expect(tKey('el', 'country.GR', 'country.other')).toBe(t('el', 'country.GR'));
  });
});

/** Every error code the code base throws or sends: `new AppError('code', message, status…)`, `errs.add(field, 'code', …)`, `{ code: 'code' }`. */
function thrownCodes(): Map<string, { files: Set<string>; statuses: Set<number> }> {
  const root = path.resolve(__dirname, '../../../src');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(root);
  const codes = new Map<string, { files: Set<string>; statuses: Set<number> }>();
  const note = (code: string, file: string, status: number) => {
    const e = codes.get(code) ?? { files: new Set(), statuses: new Set() };
    e.files.add(path.relative(root, file));
    e.statuses.add(status);
    codes.set(code, e);
  };
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/new AppError\(\s*'([a-z_]+)',\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)\s*(?:,\s*(\d{3}))?/g)) note(must(m[1], 'an error code'), f, m[2] ? Number(m[2]) : 400);
    for (const m of src.matchAll(/\.add\(\s*[^,()]+,\s*'([a-z_]+)'/g)) note(must(m[1], 'an error code'), f, 400);
    for (const m of src.matchAll(/\bcode:\s*'([a-z_]+)'/g)) note(must(m[1], 'an error code'), f, 400);
  }
  return codes;
}

describe('error codes', () => {
  const codes = thrownCodes();

  it('finds the codes thrown in the code base', () => {
    for (const c of ['time_gap', 'time_overlap', 'session_full', 'required', 'poll_closed', 'email_taken', 'not_found']) expect(codes.has(c), c).toBe(true);
    expect(codes.size).toBeGreaterThan(60);
  });

  it('every code a person can be shown (any status below 500) has its own message in every language', () => {
    const missing = [...codes]
      .filter(([, e]) => [...e.statuses].some((s) => s < 500))
      .map(([code]) => code)
      .filter((code) => errorKey(code, code.startsWith('poll_') ? ['poll.err.', 'err.'] : ['err.']) === 'err.unknown');
    expect(missing).toEqual([]);
  });

  it('an unknown code falls back to a generic message, in the language asked for', () => {
    expect(errorKey('no_such_code')).toBe('err.unknown');
    expect(errorMessage('es', 'no_such_code')).toBe(t('es', 'err.unknown'));
    expect(errorMessage('it', 'session_full')).toBe(t('it', 'err.session_full'));
    expect(errorMessage('lt', 'poll_closed', {}, ['poll.err.', 'err.'])).toBe(t('lt', 'poll.err.poll_closed'));
  });
});
