/**
 * A map that keeps the `capacity` most recently used entries and forgets the oldest. Per-file caches
 * (documents, line indexes) use it: a burst of work on one file hits its entry many times in a row,
 * so a hit on the last-used key skips reordering the map.
 */
export class RecentlyUsed<K, V> {
  private readonly entries = new Map<K, V>();
  private lastKey: K | undefined;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && this.lastKey !== key) {
      this.entries.delete(key);
      this.entries.set(key, value);
      this.lastKey = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.lastKey = key;
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  /** The value of `key`, leaving it where it is among the recently used. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** The keys held, oldest first (an entry may be deleted while they are walked). */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }
}
