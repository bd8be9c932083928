/**
 * Compressed copies of a kept answer (see response-memo.ts), made once per answer rather than on every
 * request: a hub feed or the API's session list is 90–150 KB as text and 6–8 KB compressed.
 *
 * A kept body may be split where each visitor's CSRF token goes. Brotli cannot be joined around a
 * token, so such a body is offered in gzip only, built as DEFLATE allows: each fixed part compressed
 * once, ending on a byte boundary (a sync flush), the token between them as a stored (uncompressed)
 * block, and the gzip trailer's CRC-32 combined from the parts' CRCs and the token's, so that an
 * answer costs a CRC of the token and one copy, not a compression (RFC 1951 §3.2.4, RFC 1952).
 */
import zlib from 'node:zlib';

export type Coding = 'br' | 'gzip';

/** Bodies shorter than this are sent as they are: compressing would save less than it costs. */
export const MIN_COMPRESSED_BYTES = 1024;

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
const CRC_POLY = 0xedb88320;

/** a(x)·b(x) modulo the CRC-32 polynomial (reflected bit order), as zlib's crc32.c computes it. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  while (m !== 0) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ CRC_POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0..31. */
const X2N = new Uint32Array(32);
for (let k = 0, p = 0x40000000; k < 32; k++) {
  X2N[k] = p;
  p = multModP(p, p);
}

/** x^(8·n) modulo the polynomial: what the CRC of some bytes is multiplied by when n bytes follow them. */
export function crcShift(n: number): number {
  let p = 0x80000000;
  for (let k = 3; n > 0; n = Math.floor(n / 2), k++) if (n % 2 === 1) p = multModP(X2N[k % 32] ?? 0, p);
  return p;
}

/** The CRC-32 of A followed by B, from CRC(A), CRC(B) and crcShift(length of B). */
export function crcCombine(crcA: number, crcB: number, shiftB: number): number {
  return (multModP(shiftB, crcA) ^ crcB) >>> 0;
}

/** `data` as stored DEFLATE blocks (none of them the last), 65,535 bytes at most each. */
function storedBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let at = 0; at === 0 || at < data.length; at += 0xffff) {
    const chunk = data.subarray(at, at + 0xffff);
    const head = Buffer.allocUnsafe(5);
    head[0] = 0; // BFINAL 0, BTYPE 00; the rest of the byte is padding
    head.writeUInt16LE(chunk.length, 1);
    head.writeUInt16LE(~chunk.length & 0xffff, 3);
    blocks.push(head, chunk);
  }
  return blocks;
}

/** The codings a body of `parts` parts can be sent in, the preferred first. */
export function codingsFor(parts: number): readonly Coding[] {
  return parts === 1 ? ['br', 'gzip'] : ['gzip'];
}

/** A body kept as fixed parts, answered compressed. */
export class CompressedBody {
  private brotli: Buffer | undefined;
  /** Each part compressed (all but the last ending on a byte boundary), its CRC-32, and its shift. */
  private readonly segments: { deflated: Buffer; crc: number; shift: number }[];
  private readonly length: number;

  constructor(private readonly parts: readonly Buffer[]) {
    const last = parts.length - 1;
    this.segments = parts.map((part, i) => ({
      deflated: zlib.deflateRawSync(part, { level: 6, ...(i < last ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {}) }),
      crc: zlib.crc32(part),
      shift: crcShift(part.length),
    }));
    this.length = parts.reduce((n, part) => n + part.length, 0);
  }

  /** The body in `coding`, with `token` where the parts were split (a body of one part has none). */
  encode(coding: Coding, token = ''): Buffer {
    if (coding === 'br') {
      const [only, ...more] = this.parts;
      if (only === undefined || more.length > 0) throw new Error('a body split for a token is sent in gzip only');
      this.brotli ??= zlib.brotliCompressSync(only, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: this.length },
      });
      return this.brotli;
    }
    const between = Buffer.from(token, 'utf8');
    const out: Buffer[] = [GZIP_HEADER];
    let crc = 0;
    this.segments.forEach((segment, i) => {
      if (i > 0) {
        out.push(...storedBlocks(between));
        // zlib.crc32 of an empty buffer may answer 0 rather than the CRC it was given (no data pointer).
        if (between.length > 0) crc = zlib.crc32(between, crc);
      }
      out.push(segment.deflated);
      crc = i === 0 ? segment.crc : crcCombine(crc, segment.crc, segment.shift);
    });
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE((this.length + between.length * (this.parts.length - 1)) % 2 ** 32, 4);
    out.push(trailer);
    return Buffer.concat(out);
  }

  /** Whether this was made from the same bytes (a kept answer rebuilt unchanged keeps its compressed copies). */
  sameAs(parts: readonly Buffer[]): boolean {
    return parts.length === this.parts.length && parts.every((part, i) => this.parts[i]?.equals(part) === true);
  }
}
