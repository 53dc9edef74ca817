// What an analysis host remembers across the models it builds: answers that depend on values, not on
// one model (a hostname's match target, the suggestions for a hostname given the set of known ones),
// kept because an edit makes a new model and asks the same questions again. The host's workspace
// owns one and hands it to each model it builds (`MeshIndex.cache`), so two hosts in one process
// share nothing mutable and a host's caches are freed with it. A module that keeps something here
// declares a slot (a constant: its name and how to make its empty value); the value is per cache.

/** A named place in a session cache; `create` makes its empty value, once per cache. */
export interface CacheSlot<T> {
  readonly name: string;
  create(): T;
}

export class SessionCache {
  readonly #values = new Map<CacheSlot<unknown>, unknown>();

  /** The slot's value in this cache, made on first use. */
  get<T>(slot: CacheSlot<T>): T {
    let value = this.#values.get(slot) as T | undefined;
    if (value === undefined) {
      value = slot.create();
      this.#values.set(slot, value);
    }
    return value;
  }
}
