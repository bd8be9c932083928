/**
 * A first-time visitor of a page with a form is given a CSRF secret (the signed cookie kairos_csrf)
 * by @fastify/csrf-protection, which makes it with @fastify/csrf's `secretSync`:
 * crypto.randomBytes(18), one OpenSSL call per new visitor, about a sixth of such a page's cost.
 * The same 18 random bytes, base64url, are drawn from the pooled CSPRNG buffer instead
 * (`randomToken`, crypto.ts). Set on the class, since the plugin makes its own instance of it.
 */
import Tokens from '@fastify/csrf';
import { randomToken } from '../crypto.js';

type WithSecret = { prototype: { secretSync(this: { secretLength: number }): string } };

/** A secret as @fastify/csrf makes it (`secretLength` random bytes, base64url), from the pool. */
export function pooledSecret(this: { secretLength: number }): string {
  return randomToken(this.secretLength);
}

/** Makes every CSRF secret from then on with `pooledSecret`. */
export function drawCsrfSecretsFromPool(): void {
  (Tokens as unknown as WithSecret).prototype.secretSync = pooledSecret;
}
