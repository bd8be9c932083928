import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const load = (env: Record<string, string>) => loadConfig(env, '/nonexistent/.env');

describe('configuration', () => {
  it('has safe defaults', () => {
    const c = load({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
    expect(c.databasePath).toMatch(/db[\\/]kairos\.sqlite$/);
    expect(c.smtpUrl).toBeUndefined();
    expect(c.secureCookies).toBe(false);
  });
  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://example.org'],
    ['LOG_LEVEL', 'loud'],
    ['SESSION_SECRET', 'short'],
    ['SMTP_URL', 'http://relay.example.org'],
    ['DISPATCHER_ENABLED', 'maybe'],
    ['RETENTION_DAYS', '0'],
  ])('refuses %s=%j with a message naming the variable', (name, value) => {
    let err: unknown;
    try {
      load({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
    expect((err as Error).message).toContain(name);
  });
  it('marks cookies secure behind an https public URL', () => {
    expect(load({ PUBLIC_URL: 'https://kairos.example.org/' })).toMatchObject({ secureCookies: true, publicUrl: 'https://kairos.example.org' });
  });
});
