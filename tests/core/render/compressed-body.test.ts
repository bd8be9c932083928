/**
 * Compressed copies of kept answers: what a browser or calendar app unpacks must be exactly the
 * answer, with this visitor's token in it. Checked with Node's zlib and with Debian's gzip, the
 * strictest reader at hand (it checks the CRC-32 and the length in the trailer).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressedBody, codingsFor, crcCombine, crcShift } from '../../../src/core/render/compressed-body.js';

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const gunzipWithGzip = (data: Buffer): Buffer => {
  const run = spawnSync('gzip', ['-dc'], { input: data, maxBuffer: 64 * 1024 * 1024 });
  expect(run.stderr.toString()).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
};

const page = (n: number, rnd: () => number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 'Ελληνικά · Български ' : `<td>${Math.floor(rnd() * 1000)}</td>`)).join(''), 'utf8');

describe('CRC-32 of joined bytes', () => {
  it('equals the CRC of the whole, for lengths from 0 to 200,000 bytes', () => {
    const rnd = random(7);
    for (const [a, b] of [[0, 0], [0, 5], [5, 0], [1, 1], [13, 1024], [65_535, 65_537], [100_000, 200_000], [3, 1]] as const) {
      const left = randomBytes(a);
      const right = randomBytes(b + Math.floor(rnd() * 3));
      expect(crcCombine(zlib.crc32(left), zlib.crc32(right), crcShift(right.length))).toBe(zlib.crc32(Buffer.concat([left, right])));
    }
  });
});

describe('a kept body, compressed', () => {
  it('unpacks to the body with each visitor’s token where the parts were split, in zlib and in gzip', () => {
    const rnd = random(42);
    for (let round = 0; round < 30; round++) {
      const count = 1 + (round % 4);
      const parts = Array.from({ length: count }, (_, i) => (round % 5 === 0 && i === 0 ? Buffer.alloc(0) : page(Math.floor(rnd() * 3000), rnd)));
      const body = new CompressedBody(parts);
      for (const token of ['', 'duAzUG6J-oKPUPf-yQNyihZXxGjo3kQihk9uuytHCid', 'ŽŪ→Ω', 'x'.repeat(70_000)]) {
        const gz = body.encode('gzip', token);
        const expected = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from(token), p])));
        expect(zlib.gunzipSync(gz).equals(expected)).toBe(true);
        if (round % 10 === 0) expect(gunzipWithGzip(gz).equals(expected)).toBe(true);
      }
    }
  });

  it('is offered in brotli too when it has no token, and is then much smaller', () => {
    const rnd = random(3);
    const text = page(20_000, rnd);
    const body = new CompressedBody([text]);
    expect(codingsFor(1)).toEqual(['br', 'gzip']);
    expect(codingsFor(2)).toEqual(['gzip']);
    const br = body.encode('br');
    expect(zlib.brotliDecompressSync(br).equals(text)).toBe(true);
    expect(gunzipWithGzip(body.encode('gzip')).equals(text)).toBe(true);
    expect(br.length).toBeLessThan(text.length / 3);
    expect(() => new CompressedBody([text, text]).encode('br', 't')).toThrow(/gzip only/);
  });

  it('knows when it was made from the same bytes', () => {
    const a = Buffer.from('same page');
    const body = new CompressedBody([a, Buffer.from('tail')]);
    expect(body.sameAs([Buffer.from('same page'), Buffer.from('tail')])).toBe(true);
    expect(body.sameAs([Buffer.from('same page'), Buffer.from('tall')])).toBe(false);
    expect(body.sameAs([Buffer.from('same pagetail')])).toBe(false);
  });
});
