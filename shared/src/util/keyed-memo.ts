// Caches that remember, per object (a file's facts, a list of resources), what it gives under a key
// (a namespace, a shard) hold one entry per file, and most files are ever asked under one key: a Map
// per file for that one entry was a hash table of 17 slots, 28,000 of them per cache at 50,000
// resources. The first key's value is kept beside the key; further keys get a Map.

/** An object's values by key: the first without a Map, the others in `more`. */
export interface KeyedMemo<V> {
  key: string;
  value: V;
  more?: Map<string, V>;
}

/** The value `of` gives under `key`: remembered in `memos`, else computed once and remembered. */
export function memoized<O extends object, V>(
  memos: WeakMap<O, KeyedMemo<V>>,
  of: O,
  key: string,
  compute: () => V,
): V {
  const known = memos.get(of);
  if (known?.key === key) return known.value;
  const more = known?.more?.get(key);
  if (more !== undefined) return more;
  const value = compute();
  if (!known) memos.set(of, { key, value });
  else {
    known.more ??= new Map();
    known.more.set(key, value);
  }
  return value;
}
