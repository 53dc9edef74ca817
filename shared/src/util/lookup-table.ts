/**
 * A table looked up by text read from manifests. It has no prototype: with a plain object literal,
 * `solo.io/service-scope: constructor` found `Object.prototype.constructor` and exported the
 * Service, `kind: toString` made a workload, and completing `valueOf:` threw (found by fuzzing).
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
