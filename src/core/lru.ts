/**
 * A bounded map for values that are costly to compute and depend only on their key (times of an
 * instant in a zone, calendar files of a version, kept answers). When full, it forgets an entry not
 * used since the last time it was passed over ("second chance", close to least recently used): a
 * hit is one map lookup and a flag, where moving the entry to the end would be three map operations
 * on every hit.
 */
interface Entry<V> {
  value: V;
  /** Used since it was put in, or since eviction last passed it over. */
  used: boolean;
}

export class Lru<K, V> {
  private readonly map = new Map<K, Entry<V>>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('an LRU holds at least one entry');
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  set(key: K, value: V): void {
    const entry = this.map.get(key);
    if (entry !== undefined) {
      entry.value = value;
      entry.used = true;
      return;
    }
    // Room is made first, so the entry put in is never the one forgotten.
    if (this.map.size >= this.max) this.evict();
    this.map.set(key, { value, used: false });
  }

  /** The cached value, or `make()`'s, kept for next time. */
  getOrSet(key: K, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.map.clear();
  }

  /**
   * Forgets the oldest entry not used since it was last passed over. Entries used meanwhile go to
   * the end, their flag cleared; Map keeps insertion order and visits entries moved during the
   * loop, so it ends within one pass plus one step.
   */
  private evict(): void {
    for (const [key, entry] of this.map) {
      this.map.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.map.set(key, entry);
    }
  }
}
