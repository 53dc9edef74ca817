// Facts are built once per file text and kept for the life of the workspace: hundreds of thousands
// of small lists and maps at 50,000 resources. A list grown by `push` keeps room for 16 more items,
// and most lists are empty (a file without Services has an empty `services`); sharing one empty
// list and trimming the others took 25 MB off the heap at 50,000 resources.

const EMPTY_LIST: readonly never[] = Object.freeze([]);

/**
 * The list to keep: the shared empty list (frozen, so a stray `push` fails loudly instead of
 * leaking into every file) or a copy without spare room.
 */
export function settledList<T>(list: T[]): T[] {
  return list.length === 0 ? (EMPTY_LIST as unknown as T[]) : list.slice();
}

/**
 * A list the model may still change (a Service instance's workloads, a file's placements): a copy
 * without spare room, not shared when empty. A one-item list grown by `push` or `filter` keeps room
 * for 17: at 50,000 resources those lists held 8 MB of empty room.
 */
export function trimmedList<T>(list: T[]): T[] {
  return list.length === 0 ? [] : list.slice();
}

class EmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new TypeError('the shared empty map of settled facts cannot be changed');
  }
}

const EMPTY_MAP = new EmptyMap<never, never>();

/**
 * The map to keep: the shared empty map (which refuses `set`) when it has no entries, a `OneEntryMap`
 * when it has one, a `TwoEntryMap` when it has two, a `SmallMap` when it has a few, else itself.
 */
export function settledMap<K, V>(map: Map<K, V>): ReadonlyMap<K, V> {
  if (map.size === 0) return EMPTY_MAP as Map<K, V>;
  return map.size <= SMALL_MAP_SIZE ? smallMapOf<K, V>(pairsOf(map)) : map;
}

/**
 * The settled map of a few entries (one to `SMALL_MAP_SIZE`) from their keys and values, alternating:
 * what `settledMap` keeps of them, and what facts/portable-facts.ts builds again from the same list.
 */
export function smallMapOf<K, V>(pairs: readonly (K | V)[]): ReadonlyMap<K, V> {
  if (pairs.length === 2) return new OneEntryMap(pairs[0] as K, pairs[1] as V);
  if (pairs.length === 4) return new TwoEntryMap(pairs[0] as K, pairs[1] as V, pairs[2] as K, pairs[3] as V);
  return new SmallMap<K, V>(pairs);
}

/** Whether a map is one `smallMapOf` made. */
export function isSmallMap(value: unknown): value is ReadonlyMap<unknown, unknown> {
  return value instanceof SmallMap || value instanceof OneEntryMap || value instanceof TwoEntryMap;
}

/** A map's keys and values in one list of exactly their length (a list grown by `push` or `flat` keeps spare room). */
export function pairsOf<K, V>(map: ReadonlyMap<K, V>): (K | V)[] {
  const pairs = new Array<K | V>(map.size * 2);
  let index = 0;
  for (const [key, value] of map) {
    pairs[index++] = key;
    pairs[index++] = value;
  }
  return pairs;
}

// Beyond this, a lookup's walk through the keys would cost more than a hash table's memory saves.
const SMALL_MAP_SIZE = 8;

/**
 * A map of a few entries that never changes, kept as one list of its keys and values. A `Map` is a
 * hash table of at least 17 slots (about 180 bytes before its first entry); a workspace holds one
 * per labels, selector or annotations map, most with one to four entries: at 50,000 resources
 * 74,000 tables took 15 MB. Entries keep their order, as a `Map`'s do.
 */
export class SmallMap<K, V> implements ReadonlyMap<K, V> {
  /** Keys and values, alternating (`[key, value, key, value, …]`). */
  readonly pairs: readonly (K | V)[];

  constructor(pairs: readonly (K | V)[]) {
    this.pairs = pairs;
  }

  get size(): number {
    return this.pairs.length >> 1;
  }

  get(key: K): V | undefined {
    const index = this.#indexOf(key);
    return index < 0 ? undefined : (this.pairs[index + 1] as V);
  }

  has(key: K): boolean {
    return this.#indexOf(key) >= 0;
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (let index = 0; index < this.pairs.length; index += 2)
      callback.call(thisArg, this.pairs[index + 1] as V, this.pairs[index] as K, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (let index = 0; index < this.pairs.length; index += 2)
      yield [this.pairs[index] as K, this.pairs[index + 1] as V];
  }

  *keys(): MapIterator<K> {
    for (let index = 0; index < this.pairs.length; index += 2) yield this.pairs[index] as K;
  }

  *values(): MapIterator<V> {
    for (let index = 1; index < this.pairs.length; index += 2) yield this.pairs[index] as V;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  #indexOf(key: K): number {
    for (let index = 0; index < this.pairs.length; index += 2)
      if (sameKey(this.pairs[index], key)) return index;
    return -1;
  }
}

/**
 * A map of one entry that never changes. Most small maps have one entry (a file's parts in one
 * shard, a selector or labels of one label): at 50,000 resources 75,000 of them, whose list of key
 * and value took 4.8 MB beside the `SmallMap`s themselves.
 */
export class OneEntryMap<K, V> implements ReadonlyMap<K, V> {
  readonly key: K;
  readonly value: V;

  constructor(key: K, value: V) {
    this.key = key;
    this.value = value;
  }

  get size(): number {
    return 1;
  }

  get(key: K): V | undefined {
    return this.has(key) ? this.value : undefined;
  }

  has(key: K): boolean {
    return sameKey(key, this.key);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    callback.call(thisArg, this.value, this.key, this);
  }

  *entries(): MapIterator<[K, V]> {
    yield [this.key, this.value];
  }

  *keys(): MapIterator<K> {
    yield this.key;
  }

  *values(): MapIterator<V> {
    yield this.value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

/**
 * A map of two entries that never changes, its keys and values in its own fields: a `SmallMap` of
 * two kept a list of four beside itself (26,600 of them at 50,000 resources, 2.1 MB). Entries keep
 * their order, as a `Map`'s do.
 */
export class TwoEntryMap<K, V> implements ReadonlyMap<K, V> {
  readonly firstKey: K;
  readonly firstValue: V;
  readonly secondKey: K;
  readonly secondValue: V;

  constructor(firstKey: K, firstValue: V, secondKey: K, secondValue: V) {
    this.firstKey = firstKey;
    this.firstValue = firstValue;
    this.secondKey = secondKey;
    this.secondValue = secondValue;
  }

  get size(): number {
    return 2;
  }

  get(key: K): V | undefined {
    if (sameKey(key, this.firstKey)) return this.firstValue;
    return sameKey(key, this.secondKey) ? this.secondValue : undefined;
  }

  has(key: K): boolean {
    return sameKey(key, this.firstKey) || sameKey(key, this.secondKey);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    callback.call(thisArg, this.firstValue, this.firstKey, this);
    callback.call(thisArg, this.secondValue, this.secondKey, this);
  }

  *entries(): MapIterator<[K, V]> {
    yield [this.firstKey, this.firstValue];
    yield [this.secondKey, this.secondValue];
  }

  *keys(): MapIterator<K> {
    yield this.firstKey;
    yield this.secondKey;
  }

  *values(): MapIterator<V> {
    yield this.firstValue;
    yield this.secondValue;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

/** Whether two keys are one key to a `Map` (SameValueZero: `NaN` finds `NaN`): the small maps compare so. */
function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Whether a list is the shared empty one (facts/portable-facts.ts sends it as a mark, not a list). */
export function isSharedEmptyList(value: unknown): boolean {
  return value === EMPTY_LIST;
}

/** Whether a map is the shared empty one. */
export function isSharedEmptyMap(value: unknown): boolean {
  return value === EMPTY_MAP;
}
