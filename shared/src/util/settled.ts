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

/** The map to keep: itself, or the shared empty map (which refuses `set`) when it has no entries. */
export function settledMap<K, V>(map: Map<K, V>): Map<K, V> {
  return map.size === 0 ? (EMPTY_MAP as Map<K, V>) : map;
}

/** Whether a list is the shared empty one (facts/portable-facts.ts sends it as a mark, not a list). */
export function isSharedEmptyList(value: unknown): boolean {
  return value === EMPTY_LIST;
}

/** Whether a map is the shared empty one. */
export function isSharedEmptyMap(value: unknown): boolean {
  return value === EMPTY_MAP;
}
