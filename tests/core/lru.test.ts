/** The bounded cache behind kept answers and time formatting: bounded, and what is used stays. */
import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/core/lru.js';

describe('Lru', () => {
  it('holds at most its size, and an entry just put in is never the one forgotten', () => {
    const lru = new Lru<number, string>(3);
    for (let i = 0; i < 10; i++) {
      lru.set(i, `v${i}`);
      expect(lru.get(i)).toBe(`v${i}`);
      expect(lru.size).toBe(Math.min(i + 1, 3));
    }
    const one = new Lru<string, number>(1);
    one.set('a', 1);
    one.get('a');
    one.set('b', 2);
    expect([one.get('a'), one.get('b'), one.size]).toEqual([undefined, 2, 1]);
  });

  it('forgets entries not used since they were put in before those used', () => {
    const lru = new Lru<string, number>(4);
    for (const k of ['a', 'b', 'c', 'd']) lru.set(k, k.charCodeAt(0));
    lru.get('a');
    lru.get('c');
    lru.set('e', 5);
    lru.set('f', 6);
    // b and d were never read: they go first; a and c, read, stay.
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => lru.get(k) !== undefined)).toEqual([true, false, true, false, true, true]);
  });

  it('keeps a value set again under its key, and getOrSet makes a value once', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('a', 2);
    expect([lru.get('a'), lru.size]).toEqual([2, 1]);
    let made = 0;
    const make = () => ++made;
    expect([lru.getOrSet('x', make), lru.getOrSet('x', make), made]).toEqual([1, 1, 1]);
    lru.clear();
    expect(lru.size).toBe(0);
  });
});
