import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';

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
    ['TRUST_PROXY', 'the load balancer'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '10.0.0.1, example.org'],
    ['PASSWORD_HASH_COST', '8'],
    ['PASSWORD_HASH_COST', '24'],
    ['SMTP_CONNECTION_TIMEOUT_MS', 'soon'],
    ['SMTP_SOCKET_TIMEOUT_MS', '0'],
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
  it('believes no proxy unless TRUST_PROXY says which', () => {
    expect(load({}).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(load({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(load({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8 ,fd00::/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
  });
  it('hashes passwords at scrypt N = 2^17 unless told otherwise', () => {
    expect(load({}).passwordHashCost).toBe(17);
    expect(load({ PASSWORD_HASH_COST: '12' }).passwordHashCost).toBe(12);
  });
  it('receives replies only when REPLY_ADDRESS is set, with a bounce address on the same domain by default', () => {
    const off = load({});
    expect(off.replyAddress).toBeUndefined();
    expect(off.bounceAddress).toBeUndefined();
    expect(off.inboundSmtpPort).toBeUndefined();
    expect(off.inboundSmtpHost).toBe('127.0.0.1');
    expect(off.inboundMaxBytes).toBe(1_048_576);
    const on = load({ REPLY_ADDRESS: 'RSVP@Events.Example.org', INBOUND_SMTP_PORT: '2525' });
    expect(on.replyAddress).toEqual({ local: 'rsvp', domain: 'events.example.org' });
    expect(on.bounceAddress).toEqual({ local: 'bounce', domain: 'events.example.org' });
    expect(on.inboundSmtpPort).toBe(2525);
    expect(load({ REPLY_ADDRESS: 'rsvp@a.example', BOUNCE_ADDRESS: 'vb@b.example' }).bounceAddress).toEqual({ local: 'vb', domain: 'b.example' });
  });
  it.each([
    [{ REPLY_ADDRESS: 'rsvp+x@events.example.org' }, 'REPLY_ADDRESS'],
    [{ REPLY_ADDRESS: 'not an address' }, 'REPLY_ADDRESS'],
    [{ BOUNCE_ADDRESS: 'bounce@events.example.org' }, 'BOUNCE_ADDRESS'],
    [{ REPLY_ADDRESS: 'rsvp@e.example', BOUNCE_ADDRESS: 'rsvp@e.example' }, 'BOUNCE_ADDRESS'],
    [{ INBOUND_SMTP_PORT: '2525' }, 'INBOUND_SMTP_PORT'],
    [{ REPLY_ADDRESS: 'rsvp@e.example', INBOUND_SMTP_PORT: 'smtp' }, 'INBOUND_SMTP_PORT'],
    [{ INBOUND_MAX_BYTES: '10' }, 'INBOUND_MAX_BYTES'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => load(env as Record<string, string>)).toThrow(new RegExp(variable));
  });
});
