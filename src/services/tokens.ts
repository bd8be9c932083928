/**
 * Personal tokens, derived rather than stored: each registration keeps a random nonce and the
 * SHA-256 of its manage token; the tokens themselves are HMACs of the nonce under the server
 * secret, so emails rendered later (reminders, follow-ups) can carry them without the database
 * ever holding one, and a new nonce (erasure, re-registration) voids every old link.
 */
import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { DB } from '../db/open.js';
import { SettingsRepository } from '../repositories/settings.js';

/** The personal manage token of a registration (256 bits, base64url). */
export function manageToken(secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`registration:${nonce}`).digest('base64url');
}

/** The personal join token `<id>.<mac>` (192-bit MAC). */
export function joinToken(secret: string, id: number, nonce: string): string {
  return `${id}.${joinMac(secret, id, nonce)}`;
}

export function joinMac(secret: string, id: number, nonce: string): string {
  return createHmac('sha256', secret).update(`join:${id}:${nonce}`).digest('base64url').slice(0, 32);
}

const settings = new WeakMap<DB, SettingsRepository>();

/** The secret in force for a database: SESSION_SECRET, or the one generated and kept at first start. */
export function secretOf(db: DB, config: Partial<Pick<Config, 'sessionSecret'>>): string {
  if (config.sessionSecret) return config.sessionSecret;
  let repo = settings.get(db);
  if (!repo) settings.set(db, (repo = new SettingsRepository(db)));
  const s = repo.get('session_secret');
  if (!s) throw new Error('no session secret in the database');
  return s;
}
