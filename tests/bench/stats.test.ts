import { describe, expect, it } from 'vitest';
import { atLeast, atMost, below, goalText, mark, median, quantile, Samples } from '../../bench/stats.js';

describe('bench figures', () => {
  it('takes the median of an odd and an even count, ignoring figures that are not numbers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, NaN, 1])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it('reads the nearest-rank percentile of the samples', () => {
    const s = new Samples();
    for (let i = 100; i >= 1; i--) s.push(i);
    const sorted = s.sorted();
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile(sorted, 1)).toBe(100);
  });

  it('marks a figure against its goal: at least, at most, below; no figure is neither met nor missed', () => {
    expect(mark(0.6, atLeast(0.6))).toBe('✓');
    expect(mark(0.59, atLeast(0.6))).toBe('✗');
    expect(mark(600, atMost(600, '600 ms'))).toBe('✓');
    expect(mark(1, below(1, '1 ms'))).toBe('✗');
    expect(mark(NaN, atLeast(0.6))).toBe('?');
    expect(goalText(0.31, atLeast(0.6))).toBe('(≥ 0.60x) ✗');
    expect(goalText(12.5, below(30, '30 ms'))).toBe('(< 30 ms) ✓');
  });
});
