// What is derived from a parsed document (its resources' maps, its aliases' targets, a large map's
// index of keys) is kept on the document or the node itself, not in a WeakMap keyed by it. V8's
// young-generation collection keeps a WeakMap's values alive whatever becomes of their keys: a
// WeakMap from each document to its resources' maps kept every file's nodes through the collection
// after its parse, so they were copied and promoted to the old generation instead of dying young.
// Without it a cold start of 10,000 resources copied 66 MB less (98 → 33 MB, with the documents let
// go once a scan has read a file's facts: model/workspace.ts) and spent half as long collecting.

/** A value remembered on the object it was derived from, with that object (see `memoOn`). */
interface Memo<T> {
  owner: object;
  value: T;
}

/**
 * `compute()` once per object: the value is kept on `owner` under the symbol `slot` (which yaml's
 * `toJS` and `visit` never read, as the marks of nodes.ts) and dies with it. yaml's own `clone()`
 * copies every property of a node, this one too: a memo is used only by the object it was made for.
 */
export function memoOn<T>(owner: object, slot: symbol, compute: () => T): T {
  const holder = owner as Record<symbol, Memo<T> | undefined>;
  const held = holder[slot];
  if (held?.owner === owner) return held.value;
  const value = compute();
  holder[slot] = { owner, value };
  return value;
}
