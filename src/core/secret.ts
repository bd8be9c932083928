/**
 * The server secret: it signs cookies and derives every personal token (manage, confirm, join,
 * poll). It is never kept in the database, so that a copy of the database file alone cannot rebuild
 * a single personal link:
 *
 * - SESSION_SECRET when set;
 * - otherwise the key file (SECRET_KEY_FILE, by default `kairos.key` beside the database), created
 *   with mode 0600 on the first start and read by the server, the worker and the scripts alike;
 * - for an in-memory database, a random secret for this process.
 *
 * Earlier versions kept a generated secret in the settings table: it is moved into the key file
 * (so existing links keep working), then deleted from the database and from the file's bytes.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from './config.js';
import { checkpoint, type DB } from './db/open.js';
import { SettingsRepository } from './db/settings.js';

const LEGACY_KEY = 'session_secret';
const MIN_LENGTH = 32;
const loaded = new WeakMap<DB, string>();

export type SecretConfig = Partial<Pick<Config, 'sessionSecret' | 'secretKeyFile'>>;

/** A new random secret (384 bits, base64url). */
export function newSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** Reads the key file, or creates it (mode 0600) holding `initial`. Safe with two processes starting at once. */
export function readOrCreateKeyFile(file: string, initial: () => string): string {
  try {
    return readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file);
    throw err;
  }
  try {
    const value = initial();
    writeSync(fd, value + '\n');
    fsyncSync(fd);
    return value;
  } finally {
    closeSync(fd);
  }
}

function readKeyFile(file: string): string {
  const value = readFileSync(file, 'utf8').trim();
  if (value.length < MIN_LENGTH) throw new ConfigError('SECRET_KEY_FILE', `the key file "${file}" must hold at least ${MIN_LENGTH} characters`);
  return value;
}

/**
 * The secret in force for a database (the same in every process that uses the same configuration).
 * The first call also moves a secret left in the database by an earlier version into the key file.
 */
export function secretOf(db: DB, config: SecretConfig): string {
  const known = loaded.get(db);
  if (known !== undefined) return known;
  const settings = new SettingsRepository(db);
  const legacy = settings.get(LEGACY_KEY);
  let secret: string;
  if (config.sessionSecret) secret = config.sessionSecret;
  else if (config.secretKeyFile) secret = readOrCreateKeyFile(config.secretKeyFile, () => legacy ?? newSecret());
  else secret = legacy ?? newSecret();
  if (legacy !== undefined) {
    // The key file is written (and synced) before the row goes: a crash in between loses nothing.
    settings.delete(LEGACY_KEY);
    checkpoint(db);
  }
  loaded.set(db, secret);
  return secret;
}
