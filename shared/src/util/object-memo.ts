// What is derived from a short-lived object and kept while it lives (the resource maps of a parsed
// document, the targets of its aliases, a large map's index of keys) is kept on the object itself
// rather than in a WeakMap keyed by it. V8's young-generation collection treats a WeakMap's values as
// alive whatever becomes of their keys: the nodes derived from each document a scan parses were copied
// out of the young generation at the next collection and promoted, to die in the old generation
// instead. With the documents let go once read (model/workspace.ts), a cold start of 10,000
// resources copied 98 → 30 MB out of the young generation. Where keys live as long as their values
// (most of the model's caches), a WeakMap entry is the cheaper one (docs/decisions.md).

/** A value kept on its key, with the key (see `ObjectMemo`). */
interface Held<V> {
  owner: object;
  value: V;
}

/**
 * A WeakMap's `get`, `set`, `has` and `delete`, each value held by its key under a symbol of this
 * memo's own. A copy of the key made by spreading its properties (or yaml's `clone()` of a node)
 * carries the property too: a value is returned only for the object it was set on. Keys that take
 * no new property (frozen ones) are held in a WeakMap.
 */
export class ObjectMemo<K extends object, V> {
  readonly #slot = Symbol('memo');
  #frozen: WeakMap<K, V> | undefined;

  get(key: K): V | undefined {
    const held = (key as Record<symbol, Held<V> | undefined>)[this.#slot];
    if (held?.owner === key) return held.value;
    return this.#frozen?.get(key);
  }

  has(key: K): boolean {
    return (
      (key as Record<symbol, Held<V> | undefined>)[this.#slot]?.owner === key || !!this.#frozen?.has(key)
    );
  }

  set(key: K, value: V): this {
    if (Object.isExtensible(key)) {
      (key as Record<symbol, Held<V> | undefined>)[this.#slot] = { owner: key, value };
      return this;
    }
    this.#frozen ??= new WeakMap();
    this.#frozen.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    const holder = key as Record<symbol, Held<V> | undefined>;
    const held = holder[this.#slot]?.owner === key;
    if (held) holder[this.#slot] = undefined;
    return this.#frozen?.delete(key) || held;
  }
}
