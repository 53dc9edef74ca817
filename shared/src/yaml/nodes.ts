import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { type Range, rangeAt, type SourceFile } from './source';

/** A value read from YAML together with where it stands, so checks and fixes can point at it. */
export interface Located<T> {
  value: T;
  range: Range;
  /** The key of the pair holding the value, when it came from a map. */
  keyRange?: Range;
}

/** Everything needed to read nodes of one YAML document: its file (for ranges) and itself (for aliases). */
export interface DocumentContext {
  source: SourceFile;
  doc: Document.Parsed;
}

export function resolveAlias(ctx: DocumentContext, node: unknown): Node | undefined {
  let current = node;
  // An alias may point at another alias; a bounded walk keeps a hostile document from looping.
  for (let hops = 0; hops < 16 && isAlias(current); hops++) {
    current = current.resolve(ctx.doc);
  }
  return current === null || current === undefined || isAlias(current) ? undefined : (current as Node);
}

export function asMap(ctx: DocumentContext, node: unknown): YAMLMap | undefined {
  const resolved = resolveAlias(ctx, node);
  return isMap(resolved) ? resolved : undefined;
}

export function asSeq(ctx: DocumentContext, node: unknown): YAMLSeq | undefined {
  const resolved = resolveAlias(ctx, node);
  return isSeq(resolved) ? resolved : undefined;
}

/** The text of a scalar: strings as they are, numbers and booleans as YAML wrote them. */
export function scalarText(ctx: DocumentContext, node: unknown): string | undefined {
  const resolved = resolveAlias(ctx, node);
  if (!isScalar(resolved)) return undefined;
  const { value } = resolved;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return resolved.source ?? String(value);
  }
  if (value === null) return '';
  return undefined;
}

export function keyText(ctx: DocumentContext, pair: Pair): string | undefined {
  return scalarText(ctx, pair.key);
}

/** The pair for `key` in a map, following YAML merge keys (`<<: *base`) when the map itself lacks it. */
export function findPair(ctx: DocumentContext, map: YAMLMap, key: string, depth = 0): Pair | undefined {
  let mergeSources: unknown[] | undefined;
  for (const pair of map.items) {
    const name = keyText(ctx, pair);
    if (name === key) return pair;
    if (name === '<<') {
      mergeSources ??= [];
      mergeSources.push(pair.value);
    }
  }
  if (!mergeSources || depth > 4) return undefined;
  for (const source of mergeSources) {
    const bases = asSeq(ctx, source)?.items ?? [source];
    for (const base of bases) {
      const baseMap = asMap(ctx, base);
      const found = baseMap && findPair(ctx, baseMap, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

export function getChild(ctx: DocumentContext, node: unknown, key: string | number): Node | undefined {
  if (typeof key === 'number') return resolveAlias(ctx, asSeq(ctx, node)?.items[key]);
  const map = asMap(ctx, node);
  const pair = map && findPair(ctx, map, key);
  return pair ? resolveAlias(ctx, pair.value) : undefined;
}

export function getPath(
  ctx: DocumentContext,
  node: unknown,
  path: readonly (string | number)[],
): Node | undefined {
  let current: unknown = node;
  for (const key of path) {
    current = getChild(ctx, current, key);
    if (current === undefined) return undefined;
  }
  return current as Node;
}

export function nodeRange(ctx: DocumentContext, node: Node | null | undefined): Range | undefined {
  const span = node?.range;
  if (!span) return undefined;
  return rangeAt(ctx.source, span[0], span[1]);
}

/** Every string-valued entry of a map (labels, annotations, selectors), each with its ranges. */
export function stringEntries(ctx: DocumentContext, node: unknown): Map<string, Located<string>> {
  const entries = new Map<string, Located<string>>();
  const map = asMap(ctx, node);
  if (!map) return entries;
  for (const pair of map.items) {
    const key = keyText(ctx, pair);
    if (key === undefined || key === '<<' || entries.has(key)) continue;
    const value = scalarText(ctx, pair.value);
    if (value === undefined) continue;
    const keyRange = nodeRange(ctx, pair.key as Node);
    const valueRange = nodeRange(ctx, pair.value as Node) ?? keyRange;
    if (!valueRange) continue;
    entries.set(key, { value, range: valueRange, keyRange });
  }
  return entries;
}

export function locatedString(ctx: DocumentContext, node: Node | undefined): Located<string> | undefined {
  const value = scalarText(ctx, node);
  const range = nodeRange(ctx, node);
  return value === undefined || !range ? undefined : { value, range };
}

export function locatedNumber(ctx: DocumentContext, node: Node | undefined): Located<number> | undefined {
  const text = locatedString(ctx, node);
  if (!text) return undefined;
  const value = Number(text.value);
  return Number.isFinite(value) && text.value.trim() !== '' ? { value, range: text.range } : undefined;
}

/** The items of a sequence (aliases resolved); an absent or non-sequence node has none. */
export function seqItems(ctx: DocumentContext, node: unknown): Node[] {
  const seq = asSeq(ctx, node);
  if (!seq) return [];
  return seq.items.map((item) => resolveAlias(ctx, item)).filter((item): item is Node => item !== undefined);
}
