/**
 * Answers that are the same for every visitor who is not signed in (public pages, the public API,
 * calendar files) are made once and kept until the data changes, not rebuilt on every request.
 *
 * A route opts in with `config: { memo: true }`. Its answer is kept under the request's URL and
 * everything else it may depend on (the language and zone cookies, Accept-Language, Accept), with a
 * stamp made of the database's data stamp (a row written through this process counts at once, one
 * written by another process within 25 ms: see data-stamp.ts) and the clock's second. The next
 * request with the same key and stamp gets the kept answer: the same status, headers and bytes,
 * except the CSRF token, which is each visitor's own (pages are rendered with a stand-in, see
 * csrf-placeholder.ts). So a kept answer never outlives a change of the data, nor one second of the
 * clock (registration closing at the start, seats held until a time).
 *
 * Never kept: a request from someone signed in (login cookie) or carrying an API token, a request
 * that is not GET, an answer other than 200, an answer marked private (a page filled from a personal
 * link), a key over 2 KB. Off under `npm run dev` (templates change while it runs).
 *
 * A kept answer of 1 KB or more is sent compressed to a client that accepts it (Accept-Encoding: br or
 * gzip, as browsers and calendar apps send), compressed once per answer (compressed-body.ts), with
 * `Vary: Accept-Encoding` and, when compressed, its ETag made weak (the same content, other bytes).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { DB } from '../db/open.js';
import { dataStamp } from '../db/data-stamp.js';
import { Lru } from '../lru.js';
import { CSRF_PLACEHOLDER, rendersCsrfPlaceholder } from './csrf-placeholder.js';
import { LANG_COOKIE, SESSION_COOKIE, ZONE_COOKIE, rememberLanguage } from './context.js';
import { matchesIfNoneMatch } from './etag.js';
import { CompressedBody, MIN_COMPRESSED_BYTES, codingsFor, type Coding } from './compressed-body.js';
import negotiate from '@fastify/accept-negotiator';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The answer is the same for every visitor who is not signed in: kept until the data changes. */
    memo?: boolean;
  }
}

interface Kept {
  stamp: string;
  headers: [string, string | number | string[]][];
  /**
   * The body as UTF-8 bytes, split where the CSRF token goes (one part when the answer has no form):
   * encoded once, not on every answer (a page with Greek text is a two-byte string to encode).
   */
  parts: Buffer[];
  etag: string | undefined;
  /** 1 KB or more: sent compressed to a client that accepts it. */
  compressible: boolean;
  /** The compressed copies, made when a client first accepts one. */
  compressed?: CompressedBody;
}

/** Headers of a kept answer that are not replayed: set on every answer anyway, or per request. */
const NOT_REPLAYED = new Set(['content-length', 'set-cookie', 'date', 'connection', 'keep-alive', 'transfer-encoding']);
/** Headers a 304 carries (RFC 9110 §15.4.5). */
const NOT_MODIFIED_HEADERS = new Set(['cache-control', 'etag', 'vary', 'expires', 'content-location']);
const MAX_KEY_LENGTH = 2048;

/** The parts of a kept body joined by a visitor's CSRF token. */
function withToken(parts: Buffer[], token: string): Buffer {
  const between = Buffer.from(token, 'utf8');
  const all: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) all.push(between);
    all.push(part);
  });
  return Buffer.concat(all);
}

/** A Vary header with `name` added (once). */
function withVary(current: unknown, name: string): string {
  const names = (Array.isArray(current) ? current.join(',') : typeof current === 'string' ? current : '').split(',').map((n) => n.trim()).filter(Boolean);
  return names.some((n) => n.toLowerCase() === name.toLowerCase() || n === '*') ? names.join(', ') : [...names, name].join(', ');
}

export interface ResponseMemoOptions {
  db: DB;
  clock: Clock;
  /** Answers kept at most (least recently used first out). */
  max?: number;
  /** Header names set on every answer before the route runs (security headers): not stored. */
  alwaysSet?: readonly string[];
}

/**
 * Installs the memo. Call before the cookie plugin is registered (its hook that writes cookies must
 * run after the one that puts each visitor's CSRF token in, which may set the CSRF cookie); the lookup
 * itself runs once cookies are parsed (`lookUp`, returned, is added by the caller after the cookie plugin).
 */
export function responseMemo(app: FastifyInstance, opts: ResponseMemoOptions): { lookUp: (req: FastifyRequest, reply: FastifyReply, done: () => void) => void } {
  const kept = new Lru<string, Kept>(opts.max ?? 300);
  const stampOf = dataStamp(opts.db);
  const skip = new Set([...NOT_REPLAYED, ...(opts.alwaysSet ?? []).map((h) => h.toLowerCase())]);
  const pending = new WeakMap<FastifyRequest, { key: string; stamp: string }>();
  const stamp = () => `${stampOf()}/${Math.floor(opts.clock.now() / 1000)}`;

  const keyOf = (req: FastifyRequest): string | undefined => {
    if (req.method !== 'GET' || !req.routeOptions.config.memo) return undefined;
    if (req.headers.authorization !== undefined || req.cookies[SESSION_COOKIE] !== undefined) return undefined;
    const key = `${req.url}\n${req.cookies[LANG_COOKIE] ?? ''}\n${req.cookies[ZONE_COOKIE] ?? ''}\n${req.headers['accept-language'] ?? ''}\n${req.headers.accept ?? ''}`;
    return key.length > MAX_KEY_LENGTH ? undefined : key;
  };

  // Accept-Encoding headers are few (one or two per browser): each is read once.
  const negotiated = new Lru<string, Coding | 'identity'>(100);
  /** The coding this answer goes out in for this client, if compressed. */
  const codingFor = (req: FastifyRequest, hit: Kept): Coding | undefined => {
    const header = req.headers['accept-encoding'];
    if (!hit.compressible || typeof header !== 'string') return undefined;
    const codings = codingsFor(hit.parts.length);
    const coding = negotiated.getOrSet(`${codings.length}\n${header}`, () => negotiate(header, [...codings]) ?? 'identity');
    return coding === 'identity' ? undefined : coding;
  };
  /** A compressed answer's ETag: weak (the same content, other bytes). */
  const weakTag = (reply: FastifyReply, hit: Kept) => {
    if (hit.etag !== undefined && !hit.etag.startsWith('W/')) reply.header('etag', `W/${hit.etag}`);
  };
  /** The body in `coding` (compressed the first time it is asked for), with its headers beside the kept ones. */
  const compressedBody = (reply: FastifyReply, hit: Kept, coding: Coding, token: string): Buffer => {
    reply.header('content-encoding', coding);
    weakTag(reply, hit);
    hit.compressed ??= new CompressedBody(hit.parts);
    return hit.compressed.encode(coding, token);
  };

  const replay = (req: FastifyRequest, reply: FastifyReply, hit: Kept) => {
    const coding = codingFor(req, hit);
    if (hit.etag !== undefined && matchesIfNoneMatch(req.headers['if-none-match'], hit.etag)) {
      for (const [name, value] of hit.headers) if (NOT_MODIFIED_HEADERS.has(name)) reply.header(name, value);
      if (coding !== undefined) weakTag(reply, hit);
      return reply.code(304).send();
    }
    for (const [name, value] of hit.headers) reply.header(name, value);
    rememberLanguage(req, reply);
    const token = hit.parts.length === 1 ? '' : reply.generateCsrf();
    if (coding !== undefined) return reply.code(200).send(compressedBody(reply, hit, coding, token));
    return reply.code(200).send(hit.parts.length === 1 ? hit.parts[0] : withToken(hit.parts, token));
  };

  // Kept on the way out; the stand-in is replaced by this visitor's token whether kept or not.
  app.addHook('onSend', (req, reply, payload, done) => {
    const p = pending.get(req);
    if (p === undefined) return done(null, payload);
    pending.delete(req);
    if (typeof payload !== 'string') return done(null, payload);
    const parts = payload.split(CSRF_PLACEHOLDER);
    const cacheControl = String(reply.getHeader('cache-control') ?? '');
    if (reply.statusCode !== 200 || /\bprivate\b/i.test(cacheControl)) return done(null, parts.length === 1 ? payload : parts.join(reply.generateCsrf()));
    const bytes = parts.map((x) => Buffer.from(x, 'utf8'));
    const compressible = bytes.reduce((n, b) => n + b.length, 0) >= MIN_COMPRESSED_BYTES;
    if (compressible) reply.header('vary', withVary(reply.getHeader('vary'), 'Accept-Encoding'));
    const headers = Object.entries(reply.getHeaders()).filter((e): e is [string, string | number | string[]] => e[1] !== undefined && !skip.has(e[0]));
    const etag = reply.getHeader('etag');
    // An answer made again unchanged (a new second of the clock, a change elsewhere) keeps its compressed copies.
    const before = kept.get(p.key)?.compressed;
    const entry: Kept = { stamp: p.stamp, headers, parts: bytes, etag: typeof etag === 'string' ? etag : undefined, compressible };
    if (before?.sameAs(bytes)) entry.compressed = before;
    kept.set(p.key, entry);
    const token = parts.length === 1 ? '' : reply.generateCsrf();
    const coding = codingFor(req, entry);
    done(null, coding === undefined ? (parts.length === 1 ? payload : parts.join(token)) : compressedBody(reply, entry, coding, token));
  });

  return {
    lookUp(req, reply, done) {
      const key = keyOf(req);
      if (key === undefined) return done();
      const now = stamp();
      const hit = kept.get(key);
      if (hit !== undefined && hit.stamp === now) {
        replay(req, reply, hit);
        return;
      }
      pending.set(req, { key, stamp: now });
      rendersCsrfPlaceholder.add(req);
      done();
    },
  };
}
