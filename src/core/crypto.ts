import { createHash, randomBytes, randomFillSync, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));

/** Default cost (log2 N) of new password hashes: N = 2^17, r = 8, p = 1 (128 MiB, OWASP's minimum for scrypt). */
export const DEFAULT_HASH_COST = 17;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
/** Stored hashes above this N are refused rather than computed (a corrupt row must not exhaust memory). */
const MAX_N = 2 ** 20;

/** scrypt needs 128·N·r bytes; Node's default limit (32 MiB) is too small from N = 2^15 on. */
const maxmemFor = (N: number, r: number) => 128 * N * r + 16 * 1024 * 1024;

/**
 * scrypt hash in a self-describing string: `scrypt$N$r$p$salt$hash` (salt and hash base64url).
 * `cost` is log2 N.
 */
export async function hashPassword(password: string, cost = DEFAULT_HASH_COST): Promise<string> {
  const N = 2 ** cost;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: maxmemFor(N, R) });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  const [scheme, , , , saltText, keyText] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt' || saltText === undefined || keyText === undefined) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!Number.isSafeInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return undefined;
  if (!Number.isSafeInteger(r) || r < 1 || r > 32 || !Number.isSafeInteger(p) || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(saltText, 'base64url');
  const key = Buffer.from(keyText, 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  const key = await scrypt(password, h.salt, h.key.length, { N: h.N, r: h.r, p: h.p, maxmem: maxmemFor(h.N, h.r) });
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/** Whether a stored hash was made with other parameters than today's (then it is replaced at the next login). */
export function needsRehash(stored: string, cost = DEFAULT_HASH_COST): boolean {
  const h = parse(stored);
  return !h || h.N !== 2 ** cost || h.r !== R || h.p !== P || h.key.length !== KEY_BYTES;
}

/**
 * Random bytes for tokens come from a buffer the CSPRNG fills 4 KB at a time, as Node's own
 * randomUUID draws them: one OpenSSL call per 4 KB rather than one per token (a call costs 2–10 µs,
 * as much as a short request). Each byte is handed out once.
 */
const pool = Buffer.alloc(4096);
let taken = pool.length;

/** A random secret token of `bytes` bytes (default 32 = 256 bits), base64url. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError('a token has at least one byte');
  if (bytes > pool.length) return randomBytes(bytes).toString('base64url');
  if (taken + bytes > pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  taken += bytes;
  return pool.toString('base64url', taken - bytes, taken);
}

/** SHA-256 of a token, hex: what the database keeps instead of the token. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A readable random password for `organiser:create`. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
