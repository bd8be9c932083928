import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import dotenv from 'dotenv';

/** Project root (works from src/ under tsx and from dist/src/ after a build). */
export const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + dir);
    dir = up;
  }
  return dir;
})();

export interface Config {
  host: string;
  port: number;
  databasePath: string;
  publicUrl: string;
  logLevel: string;
  /** Log a line for every request (Fastify's "incoming request" / "request completed"); off by default, a reverse proxy keeps access logs. */
  requestLog: boolean;
  /** When unset, the secret is read from (or generated once into) `secretKeyFile`. */
  sessionSecret: string | undefined;
  /**
   * The key file holding the generated secret (mode 0600), beside the database by default; undefined
   * for an in-memory database (then a random secret per process). Never inside the database.
   */
  secretKeyFile: string | undefined;
  /** Cookies are marked Secure when the public URL is https. */
  secureCookies: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Run the outbox dispatcher inside the server process. */
  dispatcherEnabled: boolean;
  dispatcherIntervalMs: number;
  /** Days after a session ends before registrations are anonymised. */
  retentionDays: number;
  /** Hours a pending (unconfirmed) registration holds a seat. */
  pendingHoldHours: number;
  seedOnStart: boolean;
  /** Also add a demo series dated from the first start (once); false in production. */
  seedDemo: boolean;
  /** Run housekeeping (expired holds, retention) in this process, every this many ms; 0 turns it off. */
  maintenanceIntervalMs: number;
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For), passed to Fastify's
   * `trustProxy`: false (default: the connecting address is the client), true (every proxy), a
   * number of hops, or a list of proxy addresses / CIDR ranges.
   */
  trustProxy: boolean | number | string[];
  /** scrypt cost as log2 N (N = 2^cost, r = 8, p = 1). */
  passwordHashCost: number;
  /** SMTP: how long to wait for the TCP connection and for the relay's greeting, in ms. */
  smtpConnectionTimeoutMs: number;
  /** SMTP: how long the connection may stay silent in the middle of a conversation, in ms. */
  smtpSocketTimeoutMs: number;
  /** Registration posts (form and API together) one client address may make per minute. */
  registrationRatePerIp: number;
  /** Registration posts one session accepts per minute, from every address together. */
  registrationRatePerSession: number;
  /** Percent of a session's capacity that unconfirmed registrations may hold; the others get a seat on confirmation. */
  pendingMaxShare: number;
  /**
   * The mailbox calendar replies come back to (REPLY_ADDRESS), split at the @; each registration gets
   * its own plus-address `<local>+<token>@<domain>`. Undefined: invites ask no RSVP and the hub's
   * mailbox stays their ORGANIZER.
   */
  replyAddress: MailboxParts | undefined;
  /** The envelope sender of every message, plus-addressed per message (VERP); only with replyAddress. */
  bounceAddress: MailboxParts | undefined;
  /** The inbound SMTP listener's port; undefined: no listener. */
  inboundSmtpPort: number | undefined;
  inboundSmtpHost: string;
  /** The largest inbound message accepted (SMTP and the inbound API), in bytes. */
  inboundMaxBytes: number;
  /**
   * The Jitsi Meet server on which Kairos names meeting rooms (JITSI_BASE_URL, https, no trailing
   * slash); undefined: sessions only take a pasted meeting address.
   */
  jitsiBaseUrl: string | undefined;
  /** A secured Jitsi server's app id and secret (JITSI_APP_ID, JITSI_APP_SECRET): join redirects then carry a signed JWT. */
  jitsiApp: { id: string; secret: string } | undefined;
}

/** An address `local@domain`, lower-cased, with no `+` in the local part (the token goes after it). */
export interface MailboxParts {
  local: string;
  domain: string;
}

const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._-]{0,40}[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,200}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

function mailbox(env: Record<string, string | undefined>, name: string): MailboxParts | undefined {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return undefined;
  const at = raw.lastIndexOf('@');
  const local = raw.slice(0, at);
  const domain = raw.slice(at + 1);
  if (at < 1 || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) {
    throw new ConfigError(name, `must be a plain address like rsvp@events.example.org (letters, digits, . _ - before the @, no +), got "${raw}"`);
  }
  return { local, domain };
}

export class ConfigError extends Error {
  constructor(public readonly variable: string, message: string) {
    super(`Invalid configuration: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads a .env file (environment wins over the file). */
export function readDotEnv(file: string): Record<string, string> {
  return existsSync(file) ? dotenv.parse(readFileSync(file)) : {};
}

function int(env: Record<string, string | undefined>, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Record<string, string | undefined>, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function isCidrOrIp(v: string): boolean {
  const [addr = '', prefix, ...rest] = v.split('/');
  const family = isIP(addr);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function trustProxy(env: Record<string, string | undefined>): boolean | number | string[] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || /^(0|false|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n > 10) throw new ConfigError('TRUST_PROXY', `a number of proxy hops must be between 0 and 10, got ${n}`);
    return n;
  }
  const list = raw.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.find((x) => !isCidrOrIp(x));
  if (bad !== undefined || list.length === 0) {
    throw new ConfigError('TRUST_PROXY', `must be false, true, a number of hops, or a comma-separated list of IP addresses or CIDR ranges; "${bad ?? raw}" is none of these`);
  }
  return list;
}

/** JITSI_BASE_URL: an https address with a host, no user name, password, query or fragment; kept without its trailing slash. */
function jitsiBaseUrl(env: Record<string, string | undefined>): string | undefined {
  const raw = (env.JITSI_BASE_URL ?? '').trim();
  if (raw === '') return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError('JITSI_BASE_URL', `must be an https address like https://meet.jit.si, got "${raw}"`);
  }
  if (u.protocol !== 'https:' || !u.hostname || u.username || u.password || u.search || u.hash) {
    throw new ConfigError('JITSI_BASE_URL', `must be an https address like https://meet.jit.si (no user name, password, query or fragment), got "${raw}"`);
  }
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

function jitsiApp(env: Record<string, string | undefined>, base: string | undefined): { id: string; secret: string } | undefined {
  const id = (env.JITSI_APP_ID ?? '').trim();
  const secret = env.JITSI_APP_SECRET ?? '';
  if (id === '' && secret === '') return undefined;
  if (id === '') throw new ConfigError('JITSI_APP_ID', 'must be set together with JITSI_APP_SECRET');
  if (secret === '') throw new ConfigError('JITSI_APP_SECRET', 'must be set together with JITSI_APP_ID');
  if (!base) throw new ConfigError('JITSI_APP_ID', 'needs JITSI_BASE_URL (the server the tokens are for)');
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(id)) throw new ConfigError('JITSI_APP_ID', `must be letters, digits, . _ - (at most 100), got "${id}"`);
  if (secret.length < 16) throw new ConfigError('JITSI_APP_SECRET', 'must be at least 16 characters');
  return { id, secret };
}

/** Typed configuration from the environment (and an optional .env), validated: a bad value stops the start. */
export function loadConfig(envIn: Record<string, string | undefined> = process.env, dotEnvFile = path.join(ROOT, '.env')): Config {
  const env = { ...readDotEnv(dotEnvFile), ...envIn };
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (env.PUBLIC_URL || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(publicUrl);
  } catch {
    throw new ConfigError('PUBLIC_URL', `must be an absolute http(s) URL, got "${publicUrl}"`);
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new ConfigError('PUBLIC_URL', 'must start with http:// or https://');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const sessionSecret = env.SESSION_SECRET || undefined;
  if (sessionSecret !== undefined && sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters');
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl !== undefined) {
    try {
      const u = new URL(smtpUrl);
      if (!/^smtps?:$/.test(u.protocol)) throw new Error();
    } catch {
      throw new ConfigError('SMTP_URL', 'must look like smtp://user:pass@host:587 or smtps://host:465');
    }
  }
  const mailFrom = env.MAIL_FROM || `Kairos <no-reply@${parsed.hostname === '127.0.0.1' ? 'localhost' : parsed.hostname}>`;
  if (!/@/.test(mailFrom)) throw new ConfigError('MAIL_FROM', 'must contain an email address');
  const databasePath = env.DATABASE_PATH || path.join(ROOT, 'db', 'kairos.sqlite');
  const resolvedDb = databasePath === ':memory:' ? databasePath : path.resolve(ROOT, databasePath);
  let secretKeyFile: string | undefined;
  if (env.SECRET_KEY_FILE) {
    if (/[\0\r\n]/.test(env.SECRET_KEY_FILE)) throw new ConfigError('SECRET_KEY_FILE', 'must be a file path');
    secretKeyFile = path.resolve(ROOT, env.SECRET_KEY_FILE);
    if (existsSync(secretKeyFile) && !statSync(secretKeyFile).isFile()) throw new ConfigError('SECRET_KEY_FILE', `must name a file, "${secretKeyFile}" is not one`);
  } else if (resolvedDb !== ':memory:') {
    secretKeyFile = path.join(path.dirname(resolvedDb), 'kairos.key');
  }
  const replyAddress = mailbox(env, 'REPLY_ADDRESS');
  let bounceAddress = mailbox(env, 'BOUNCE_ADDRESS');
  if (bounceAddress && !replyAddress) throw new ConfigError('BOUNCE_ADDRESS', 'needs REPLY_ADDRESS (replies and bounces are received together)');
  if (replyAddress && !bounceAddress) bounceAddress = { local: 'bounce', domain: replyAddress.domain };
  if (replyAddress && bounceAddress && replyAddress.local === bounceAddress.local && replyAddress.domain === bounceAddress.domain) {
    throw new ConfigError('BOUNCE_ADDRESS', 'must differ from REPLY_ADDRESS');
  }
  const inboundSmtpPort = env.INBOUND_SMTP_PORT ? int(env, 'INBOUND_SMTP_PORT', 0, 0, 65535) : undefined;
  if (inboundSmtpPort !== undefined && !replyAddress) throw new ConfigError('INBOUND_SMTP_PORT', 'needs REPLY_ADDRESS (the listener accepts mail only for the reply and bounce addresses)');
  const inboundSmtpHost = (env.INBOUND_SMTP_HOST || '127.0.0.1').trim();
  if (!isIP(inboundSmtpHost) && !/^[A-Za-z0-9.-]{1,253}$/.test(inboundSmtpHost)) throw new ConfigError('INBOUND_SMTP_HOST', `must be an IP address or a host name, got "${inboundSmtpHost}"`);
  const jitsi = jitsiBaseUrl(env);
  return {
    host,
    port,
    databasePath: resolvedDb,
    publicUrl,
    logLevel,
    requestLog: bool(env, 'REQUEST_LOG', false),
    sessionSecret,
    secretKeyFile,
    secureCookies: parsed.protocol === 'https:',
    smtpUrl,
    mailFrom,
    dispatcherEnabled: bool(env, 'DISPATCHER_ENABLED', true),
    dispatcherIntervalMs: int(env, 'DISPATCHER_INTERVAL_MS', 5000, 100, 3_600_000),
    retentionDays: int(env, 'RETENTION_DAYS', 180, 1, 3650),
    pendingHoldHours: int(env, 'PENDING_HOLD_HOURS', 48, 1, 720),
    seedOnStart: bool(env, 'SEED_ON_START', true),
    seedDemo: bool(env, 'SEED_DEMO', true),
    maintenanceIntervalMs: int(env, 'MAINTENANCE_INTERVAL_MS', 60_000, 0, 86_400_000),
    trustProxy: trustProxy(env),
    passwordHashCost: int(env, 'PASSWORD_HASH_COST', 17, 10, 20),
    smtpConnectionTimeoutMs: int(env, 'SMTP_CONNECTION_TIMEOUT_MS', 10_000, 100, 600_000),
    smtpSocketTimeoutMs: int(env, 'SMTP_SOCKET_TIMEOUT_MS', 30_000, 100, 600_000),
    registrationRatePerIp: int(env, 'REGISTRATION_RATE_PER_IP', 10, 1, 100_000),
    registrationRatePerSession: int(env, 'REGISTRATION_RATE_PER_SESSION', 120, 1, 1_000_000),
    pendingMaxShare: int(env, 'PENDING_MAX_SHARE', 20, 0, 100),
    replyAddress,
    bounceAddress,
    inboundSmtpPort,
    inboundSmtpHost,
    inboundMaxBytes: int(env, 'INBOUND_MAX_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    jitsiBaseUrl: jitsi,
    jitsiApp: jitsiApp(env, jitsi),
  };
}
