/**
 * npm start runs Kairos from one bundled file (dist/bundle/server.mjs): loading a few hundred
 * separate modules (the schema library alone has 373) is most of a cold start. What is imported only
 * when first needed is split into dist/bundle/chunks/, read only then; so are the message catalogues
 * other than English, in dist/bundle/i18n/. This script bundles
 * src/server.ts with esbuild, unless the bundle is newer than every file it is made of (src/,
 * package-lock.json), so a start with nothing changed builds nothing.
 *
 * Left outside the bundle: better-sqlite3 (a native module) and the API documentation's UI (it serves
 * files from its own folder, and is loaded on the first visit: src/core/api-docs.ts).
 */
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE = path.join(ROOT, 'dist', 'bundle', 'server.mjs');
const CHUNKS = 'chunks';
/** Where the message catalogues other than English go, beside the bundle: `<language>.json`. */
const CATALOGUES = 'i18n';

/** The newest modification time (ms) of the files the bundle is made of. */
function newestSource() {
  let newest = statSync(path.join(ROOT, 'package-lock.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'src'));
  return newest;
}

/** The message catalogues read only when first used: every one but English (src/core/i18n/<language>.ts). */
const LAZY_CATALOGUE = /[\\/]src[\\/]core[\\/]i18n[\\/](el|ro|lt|it|es|pl|bg)\.ts$/;

/**
 * A catalogue read from its JSON file when first used: an object that is the catalogue for every
 * reading (a message, `in`, the keys), so the code that uses it is the same as without the bundle.
 */
const LAZY_JSON = `import { readFileSync } from 'node:fs';
export function lazyJson(file) {
  let value;
  const load = () => (value ??= JSON.parse(readFileSync(file, 'utf8')));
  return new Proxy({}, {
    get: (_target, key) => Reflect.get(load(), key),
    has: (_target, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(load(), key),
  });
}
`;

/**
 * The message catalogues other than English stay out of the bundle: each is written beside it as a
 * JSON file, read and parsed when a message in that language is first needed. Seven object literals
 * of some 1,500 messages each were a third of the bundle's bytes, read, scanned and compiled at
 * every start, mostly for languages a given server may never answer in. The TypeScript catalogues
 * stay the source (and their type checks); each file is made from the object its module exports.
 */
function lazyCatalogues(outdir) {
  return {
    name: 'lazy-catalogues',
    setup(b) {
      b.onResolve({ filter: /^kairos:lazy-json$/ }, () => ({ path: 'lazy-json', namespace: 'kairos' }));
      b.onLoad({ filter: /.*/, namespace: 'kairos' }, () => ({ contents: LAZY_JSON, loader: 'js' }));
      b.onLoad({ filter: LAZY_CATALOGUE }, async ({ path: file }) => {
        const language = path.basename(file, '.ts');
        const { code } = await transform(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm' });
        const { default: messages } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
        mkdirSync(path.join(outdir, CATALOGUES), { recursive: true });
        writeFileSync(path.join(outdir, CATALOGUES, `${language}.json`), JSON.stringify(messages));
        const json = `./${CATALOGUES}/${language}.json`;
        return { contents: `import { lazyJson } from 'kairos:lazy-json';\nexport default lazyJson(new URL(${JSON.stringify(json)}, import.meta.url));\n`, loader: 'js' };
      });
    },
  };
}

/**
 * Packages a start never calls, read from node_modules when first called rather than compiled with
 * the bundle at every start (the bundle's bytes are most of what a start costs): each with what of it
 * is used, functions and classes only, or null where its importer already requires it only when first
 * needed (then it is simply left out of the bundle).
 */
const DEFERRED = new Map([
  // @fastify/swagger writes YAML for /api/docs/yaml only.
  ['yaml', ['stringify', 'parse']],
  // @fastify/static lists a folder with it only when not serving by wildcard, which this app never asks.
  ['glob', ['glob']],
  // Calendar files and invites (src/core/calendar/build.ts).
  ['ics', ['createEvents']],
  // @fastify/rate-limit, for the subnet of a client with an IPv6 address.
  ['ip-address', ['Address6']],
  // Fastify's inject(), used by the API documentation's pages (src/core/api-docs.ts).
  ['light-my-request', null],
]);

/**
 * Each deferred package is replaced by a stand-in that requires it on the first call, from the
 * node_modules the bundle finds at run time (as it finds better-sqlite3). Only where that is the very
 * file its importer would have been bundled with: otherwise the package is bundled as usual.
 */
function deferredPackages() {
  const STAND_IN = 'kairos-deferred';
  return {
    name: 'deferred-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.namespace === STAND_IN) return { path: args.path, external: true };
        if (!DEFERRED.has(args.path) || args.pluginData?.deferred) return undefined;
        const ask = (resolveDir) => b.resolve(args.path, { kind: 'require-call', resolveDir, pluginData: { deferred: true } });
        const [wanted, found] = await Promise.all([ask(args.resolveDir), ask(ROOT)]);
        if (wanted.errors.length > 0 || found.errors.length > 0 || wanted.path !== found.path) return undefined;
        return DEFERRED.get(args.path) ? { path: args.path, namespace: STAND_IN } : { path: args.path, external: true };
      });
      b.onLoad({ filter: /.*/, namespace: STAND_IN }, ({ path: name }) => {
        const calls = DEFERRED.get(name).map(
          (n) => `exports.${n} = function ${n}(...args) { const f = load().${n}; return new.target ? new f(...args) : f.apply(this, args); };`,
        );
        return { contents: [`let loaded;`, `const load = () => (loaded ??= require(${JSON.stringify(name)}));`, ...calls].join('\n'), loader: 'js' };
      });
    },
  };
}

/** Bundles into `outfile` when it is missing or older than its sources (or always, with force). */
export async function bundle({ outfile = BUNDLE, force = false } = {}) {
  if (!force && existsSync(outfile) && statSync(outfile).mtimeMs >= newestSource()) return { built: false, outfile };
  const outdir = path.dirname(outfile);
  // The chunks and catalogues of the last build go: the chunks' names change with their content.
  for (const dir of [CHUNKS, CATALOGUES]) rmSync(path.join(outdir, dir), { recursive: true, force: true });
  await build({
    entryPoints: [path.join(ROOT, 'src', 'server.ts')],
    outdir,
    entryNames: path.basename(outfile, '.mjs'),
    outExtension: { '.js': '.mjs' },
    // What is loaded only when first needed (the MIME parser of replies, the inbound SMTP listener,
    // the JWT signer of meeting rooms, the mail library that sends) is a chunk of its own, read only
    // then: a start reads and parses a third less.
    splitting: true,
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Minified: half the bytes to read and parse at each start. The source map beside it gives the
    // original names and lines (node --enable-source-maps dist/bundle/server.mjs).
    sourcemap: true,
    minify: true,
    external: ['better-sqlite3', '@fastify/swagger-ui'],
    // Bundled CommonJS packages call require(): give the ES module one.
    banner: { js: "import { createRequire as kairosCreateRequire } from 'node:module'; const require = kairosCreateRequire(import.meta.url);" },
    plugins: [lazyCatalogues(outdir), deferredPackages()],
    logLevel: 'warning',
  });
  return { built: true, outfile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { built, outfile } = await bundle({ force: process.argv.includes('--force') });
  if (built) console.log(`Bundled ${path.relative(ROOT, outfile)} in ${Date.now() - started} ms`);
}
