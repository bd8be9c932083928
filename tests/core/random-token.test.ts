/**
 * Tokens (personal links, sessions, CSRF secrets) are drawn from a pooled CSPRNG buffer: each the
 * right length in base64url, none handed out twice across refills of the pool, and the bytes spread
 * as random bytes do.
 */
import { describe, expect, it } from 'vitest';
import { randomToken } from '../../src/core/crypto.js';

describe('randomToken', () => {
  it('gives `bytes` random bytes in base64url, for every size, also larger than the pool', () => {
    for (const bytes of [1, 2, 3, 16, 18, 32, 64, 4095, 4096, 5000]) {
      const token = randomToken(bytes);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(bytes);
    }
    expect(() => randomToken(0)).toThrow(RangeError);
    expect(() => randomToken(1.5)).toThrow(RangeError);
  });

  it('never hands out the same bytes twice, across many refills of the pool', () => {
    // 20,000 tokens of 18 bytes: 360 KB, the pool refilled about 88 times.
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(randomToken(18));
    expect(seen.size).toBe(20_000);
  });

  it('spreads its bytes evenly, as a CSPRNG does', () => {
    // 65,536 bytes: each of the 256 values about 256 times (standard deviation 16).
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4096; i++) for (const b of Buffer.from(randomToken(16), 'base64url')) counts[b]!++;
    expect(Math.min(...counts)).toBeGreaterThan(150);
    expect(Math.max(...counts)).toBeLessThan(370);
  });
});
