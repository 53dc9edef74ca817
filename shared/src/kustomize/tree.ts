import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { SourceFile } from '../text/source';
import { pairNode } from '../yaml/node-factory';
import { markWrittenIn } from '../yaml/nodes';

// Reading and changing a rendered object's tree. Rendered trees hold no aliases and no merge keys
// (they were resolved while copying), so these helpers need no document.

/** The text of a scalar key or value: strings as they are, numbers and booleans as written. */
export function textOf(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const { value } = node;
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return node.source ?? String(value);
  }
  return undefined;
}

/** Whether a node is YAML's null (`~`, `null`, or nothing after the key). */
export function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

export function pairIn(map: YAMLMap, key: string): Pair | undefined {
  // A loop, not `items.find`: the callback closed over `key` was allocated at every step of every
  // path read, the largest of what an edit of a base shared by twenty overlays allocated.
  for (const pair of map.items as Pair[]) if (textOf(pair.key) === key) return pair;
  return undefined;
}

export function childOf(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const value = pairIn(node, key)?.value;
  return value === null ? undefined : (value as Node | undefined);
}

export function mapChild(node: unknown, key: string): YAMLMap | undefined {
  const child = childOf(node, key);
  return isMap(child) ? child : undefined;
}

export function textAt(node: unknown, path: readonly string[]): string | undefined {
  let current: unknown = node;
  for (const key of path) current = childOf(current, key);
  return textOf(current);
}

/**
 * Sets `key` in a map, replacing the whole pair where the key exists: a value's key and value then
 * come from the same file, as `Located` (one `file` for `range` and `keyRange`) needs.
 */
export function setPair(map: YAMLMap, key: Node, value: Node): void {
  const name = textOf(key);
  const index = map.items.findIndex((pair) => textOf(pair.key) === name);
  const pair = pairNode(key, value);
  if (index < 0) map.items.push(pair);
  else map.items[index] = pair;
}

export function removeKey(map: YAMLMap, key: string): boolean {
  const index = map.items.findIndex((pair) => textOf(pair.key) === key);
  if (index < 0) return false;
  map.items.splice(index, 1);
  return true;
}

/** The scalars of a sequence as text (a `hosts:` list); anything else has none. */
export function textsOf(node: unknown): string[] {
  if (!isSeq(node)) return [];
  return node.items.map(textOf).filter((text): text is string => text !== undefined);
}

/**
 * Overwrites a scalar with another's value and place, keeping the node itself. kustomize (kyaml)
 * sets an existing field by copying the new value into the node already there, and a label it added
 * to several fields of one object is one node in all of them: a later patch of one of those fields
 * changes them all (a base's commonLabels, an overlay's patch of the pod template's label: kubectl
 * shows the selector changed too). Writing in place keeps that behaviour.
 */
export function assignScalar(target: Scalar, from: Scalar, source: SourceFile): void {
  target.value = from.value;
  target.type = from.type;
  target.source = from.source;
  target.range = from.range ? [from.range[0], from.range[1], from.range[2]] : undefined;
  markWrittenIn(target, source);
}

/**
 * Sets a field as kyaml does: a scalar already there is overwritten in place (and its key placed
 * at the new key, so key and value read in one file); otherwise the pair is set. Returns the value
 * node the field now holds.
 */
export function setInPlace(map: YAMLMap, key: Node, value: Node, sourceOf: (node: Node) => SourceFile): Node {
  const existing = pairIn(map, textOf(key) ?? '');
  if (existing && isScalar(existing.value) && isScalar(value) && isScalar(existing.key) && isScalar(key)) {
    assignScalar(existing.value, value, sourceOf(value));
    assignScalar(existing.key, key, sourceOf(key));
    return existing.value;
  }
  setPair(map, key, value);
  return value;
}
