/**
 * npm start runs Kairos from one bundled file (dist/bundle/server.mjs): loading a few hundred
 * separate modules (the schema library alone has 373) is most of a cold start. What is imported only
 * when first needed is split into dist/bundle/chunks/, read only then. This script bundles
 * src/server.ts with esbuild, unless the bundle is newer than every file it is made of (src/,
 * package-lock.json), so a start with nothing changed builds nothing.
 *
 * Left outside the bundle: better-sqlite3 (a native module) and the API documentation's UI (it serves
 * files from its own folder, and is loaded on the first visit: src/core/api-docs.ts).
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE = path.join(ROOT, 'dist', 'bundle', 'server.mjs');
const CHUNKS = 'chunks';

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

/** Bundles into `outfile` when it is missing or older than its sources (or always, with force). */
export async function bundle({ outfile = BUNDLE, force = false } = {}) {
  if (!force && existsSync(outfile) && statSync(outfile).mtimeMs >= newestSource()) return { built: false, outfile };
  const outdir = path.dirname(outfile);
  // The chunks of the last build go: their names change with their content.
  rmSync(path.join(outdir, CHUNKS), { recursive: true, force: true });
  await build({
    entryPoints: [path.join(ROOT, 'src', 'server.ts')],
    outdir,
    entryNames: path.basename(outfile, '.mjs'),
    outExtension: { '.js': '.mjs' },
    // What is loaded only when first needed (the MIME parser of replies, the inbound SMTP listener,
    // the JWT signer of meeting rooms) is a chunk of its own, read only then: a start reads and
    // parses a third less.
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
    logLevel: 'warning',
  });
  return { built: true, outfile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { built, outfile } = await bundle({ force: process.argv.includes('--force') });
  if (built) console.log(`Bundled ${path.relative(ROOT, outfile)} in ${Date.now() - started} ms`);
}
