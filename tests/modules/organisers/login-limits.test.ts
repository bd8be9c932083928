/**
 * Login limits through real HTTP: per client address (the proxy's client only when TRUST_PROXY
 * says which proxies to believe) and per account (failed attempts on one email), and password
 * hashes upgraded to today's cost at the next successful login.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/core/crypto.js';
import { GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A person behind the proxy: every request carries X-Forwarded-For with their address. */
async function client(base: string, address?: string): Promise<HttpClient> {
  const c = new HttpClient(base, address ? { 'x-forwarded-for': address } : {});
  await c.get('/login');
  return c;
}

const loggedIn = (res: { statusCode: number; headers: Record<string, string> }) => res.statusCode === 303 && res.headers.location === '/organiser';

describe('login limits behind a reverse proxy', () => {
  it('with TRUST_PROXY, ten failed posts from one client do not stop another client from logging in', async () => {
    // The test connects from 127.0.0.1: that is the proxy.
    t = await makeApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    const base = await listen(t);
    const attacker = await client(base, '203.0.113.7');
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await attacker.post('/login', { email: `guess${i}@example.org`, password: 'wrong-password-123' })).statusCode);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes[10]).toBe(429); // the attacker's own address is limited

    const organiser = await client(base, '198.51.100.20');
    const res = await organiser.post('/login', { email: GR_ORGANISER.email, password: GR_ORGANISER.password });
    expect(loggedIn(res)).toBe(true);
    expect((await organiser.get('/organiser')).statusCode).toBe(200);
  });

  it('without TRUST_PROXY, X-Forwarded-For is ignored: a new spoofed address on every post does not dodge the limit', async () => {
    t = await makeApp();
    const base = await listen(t);
    const attacker = await client(base);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      await attacker.get('/login');
      const res = await attacker.post('/login', { email: `guess${i}@example.org`, password: 'wrong-password-123' }, { headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(10)).toEqual([429, 429]);
  });
});

describe('login limits for IPv6 clients', () => {
  it('counts an IPv6 client by its /64: a new address from the same network on every post does not dodge the limit', async () => {
    t = await makeApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    const base = await listen(t);
    const attacker = await client(base);
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      await attacker.get('/login');
      const address = `2001:db8:aa:1:${(i + 1).toString(16)}::${i + 7}`;
      codes.push((await attacker.post('/login', { email: `guess${i}@example.org`, password: 'wrong-password-123' }, { headers: { 'x-forwarded-for': address } })).statusCode);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes[10]).toBe(429);
    // Another network is not affected.
    const organiser = await client(base, '2001:db8:bb:2::20');
    expect(loggedIn(await organiser.post('/login', { email: GR_ORGANISER.email, password: GR_ORGANISER.password }))).toBe(true);
  });
});

describe('login limit per account', () => {
  it('locks one email after ten failures from many addresses, says so the same way for an unknown email, and leaves other accounts alone', async () => {
    t = await makeApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    const base = await listen(t);
    // Ten failures on the Greek organiser's email, each from its own address (the address limit never trips).
    for (let i = 0; i < 10; i++) {
      const c = await client(base, `203.0.113.${i + 1}`);
      // The email as typed may differ in case and spaces: it is the same account.
      const email = i % 2 ? ` ${GR_ORGANISER.email.toUpperCase()} ` : GR_ORGANISER.email;
      expect((await c.post('/login', { email, password: `wrong-password-${i}` })).statusCode).toBe(401);
    }
    // The right password from a fresh address is refused while the account is locked, and the page says why.
    const owner = await client(base, '198.51.100.20');
    const locked = await owner.post('/login', { email: GR_ORGANISER.email, password: GR_ORGANISER.password });
    expect(locked.statusCode).toBe(429);
    expect(text(locked.body)).toContain('Too many failed attempts to log in with this email address. Please try again in 15 minutes.');
    expect(owner.cookies.has('kairos_sid')).toBe(false);

    // An email no organiser has gets exactly the same answer after as many failures.
    for (let i = 0; i < 10; i++) {
      const c = await client(base, `192.0.2.${i + 1}`);
      expect((await c.post('/login', { email: 'nobody@kairos.test', password: `wrong-password-${i}` })).statusCode).toBe(401);
    }
    const probe = await client(base, '198.51.100.21');
    const unknown = await probe.post('/login', { email: 'nobody@kairos.test', password: 'any-password-123' });
    expect(unknown.statusCode).toBe(429);
    expect(text(unknown.body)).toContain('Too many failed attempts to log in with this email address.');

    // Other organisers log in as usual meanwhile.
    const other = await client(base, '198.51.100.22');
    expect(loggedIn(await other.post('/login', { email: RO_ORGANISER.email, password: RO_ORGANISER.password }))).toBe(true);

    // Once the window has passed, the owner logs in.
    t.clock.advance(15 * 60_000 + 1000);
    const later = await client(base, '198.51.100.23');
    expect(loggedIn(await later.post('/login', { email: GR_ORGANISER.email, password: GR_ORGANISER.password }))).toBe(true);
  });

  it('attempts sent all at once on one account are held to the same limit', async () => {
    t = await makeApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    const base = await listen(t);
    const clients = await Promise.all(Array.from({ length: 25 }, (_, i) => client(base, `203.0.113.${i + 1}`)));
    const codes = await Promise.all(clients.map((c, i) => c.post('/login', { email: GR_ORGANISER.email, password: `wrong-password-${i}` }).then((r) => r.statusCode)));
    expect(codes.filter((c) => c === 401)).toHaveLength(10);
    expect(codes.filter((c) => c === 429)).toHaveLength(15);
  });

  it('a successful login clears earlier failures on the account', async () => {
    t = await makeApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    const base = await listen(t);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) {
        const c = await client(base, `203.0.113.${round * 10 + i + 1}`);
        expect((await c.post('/login', { email: GR_ORGANISER.email, password: 'typo-password-123' })).statusCode).toBe(401);
      }
      const owner = await client(base, `198.51.100.${round + 1}`);
      expect(loggedIn(await owner.post('/login', { email: GR_ORGANISER.email, password: GR_ORGANISER.password }))).toBe(true);
    }
  });
});

describe('password hashes', () => {
  it('an organiser with an older, cheaper hash logs in and the stored hash then has the new parameters', async () => {
    t = await makeApp({ env: { PASSWORD_HASH_COST: '11' } });
    const id = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.organiser.id;
    // The format and cost of hashes made before (N = 2^10 here, to stay cheap).
    const old = await hashPassword(GR_ORGANISER.password, 10);
    expect(old.startsWith('scrypt$1024$8$1$')).toBe(true);
    t.services.repos.organisers.updatePassword(id, old);

    const base = await listen(t);
    const c = await client(base);
    expect(loggedIn(await c.post('/login', { email: GR_ORGANISER.email, password: GR_ORGANISER.password }))).toBe(true);
    const stored = t.services.repos.organisers.credentials(GR_ORGANISER.email)!.passwordHash;
    expect(stored).not.toBe(old);
    expect(stored.startsWith('scrypt$2048$8$1$')).toBe(true);
    expect(await verifyPassword(GR_ORGANISER.password, stored)).toBe(true);

    // And the upgraded hash keeps working.
    const again = await client(base);
    expect(loggedIn(await again.post('/login', { email: GR_ORGANISER.email, password: GR_ORGANISER.password }))).toBe(true);
    expect(t.services.repos.organisers.credentials(GR_ORGANISER.email)!.passwordHash).toBe(stored);
  });

  it('hashes at the production cost, N = 2^17 (r = 8, p = 1), within scrypt\'s memory limit', async () => {
    const hash = await hashPassword('a-long-enough-password');
    expect(hash.startsWith('scrypt$131072$8$1$')).toBe(true);
    expect(await verifyPassword('a-long-enough-password', hash)).toBe(true);
  });
});
