import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import {
  packedEndOf,
  packedStartOf,
  type Range,
  rangeAt,
  rangeOfPacked,
  type SourceFile,
} from '../text/source';
import { ObjectMemo } from '../util/object-memo';
import { settledMap } from '../util/settled';

/** A value read from YAML together with where it stands, so checks and fixes can point at it. */
export interface Located<T> {
  value: T;
  range: Range;
  /** The key of the pair holding the value, when it came from a map. */
  keyRange?: Range;
  /** Written as a YAML boolean (`true`, unquoted), which a Kubernetes label value must not be. */
  yamlBoolean?: boolean;
  /**
   * The file the value is written in, when it is not the file of the resource it was read from: a
   * value a kustomization set on a base's object (its `namespace:`, a `labels:` entry, a patch).
   */
  file?: string;
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
    current = aliasTarget(ctx.doc, current);
  }
  return current === null || current === undefined || isAlias(current) ? undefined : (current as Node);
}

// `Alias.resolve(doc)` walks the whole document on every call, so a file with many aliases took
// quadratic time (found while fuzzing hostile inputs). Each document's aliases are resolved in one
// walk instead, by yaml's rule: the last node before the alias that carries its anchor.
const aliasTargets = new ObjectMemo<Document, Map<Alias, Node | undefined>>();

function aliasTarget(doc: Document.Parsed, alias: Alias): Node | undefined {
  let targets = aliasTargets.get(doc);
  if (!targets) {
    const found = new Map<Alias, Node | undefined>();
    const anchored = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) found.set(node, anchored.get(node.source));
        else if (node.anchor) anchored.set(node.anchor, node);
      },
    });
    targets = found;
    aliasTargets.set(doc, targets);
  }
  return targets.get(alias);
}

export function asMap(ctx: DocumentContext, node: unknown): YAMLMap | undefined {
  const resolved = resolveAlias(ctx, node);
  return isMap(resolved) ? resolved : undefined;
}

export function asSeq(ctx: DocumentContext, node: unknown): YAMLSeq | undefined {
  const resolved = resolveAlias(ctx, node);
  return isSeq(resolved) ? resolved : undefined;
}

/** `text` as the workspace's string table holds it, when a workspace read the file (util/intern.ts). */
export function internIn(ctx: DocumentContext, text: string): string {
  return ctx.source.strings?.intern(text) ?? text;
}

/** The text of a scalar: strings as they are, numbers and booleans as YAML wrote them. */
export function scalarText(ctx: DocumentContext, node: unknown): string | undefined {
  const resolved = resolveAlias(ctx, node);
  if (!isScalar(resolved)) return undefined;
  const { value } = resolved;
  if (typeof value === 'string') return internIn(ctx, value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return internIn(ctx, resolved.source ?? String(value));
  }
  if (value === null) return '';
  return undefined;
}

export function keyText(ctx: DocumentContext, pair: Pair): string | undefined {
  return scalarText(ctx, pair.key);
}

/** A map's own keys (the first of duplicates) and its merge sources (`<<` values), in order. */
interface MapKeys {
  pairs: Map<string, Pair>;
  merges: unknown[];
}

// Indexed once per map: merge keys let many maps share one base, and scanning that base on every
// lookup made a 12 KB file of `- <<: *base` items take seconds and 100 KB take minutes (found
// while fuzzing hostile inputs). Parsed documents are never mutated, so the index stays valid.
const mapKeys = new ObjectMemo<YAMLMap, MapKeys>();

function keysOf(ctx: DocumentContext, map: YAMLMap): MapKeys {
  let keys = mapKeys.get(map);
  if (keys) return keys;
  keys = { pairs: new Map(), merges: [] };
  for (const pair of map.items) {
    const name = keyText(ctx, pair);
    if (name === '<<') keys.merges.push(pair.value);
    else if (name !== undefined && !keys.pairs.has(name)) keys.pairs.set(name, pair);
  }
  mapKeys.set(map, keys);
  return keys;
}

const MAX_MERGE_DEPTH = 4;
/** Merge sources one lookup may visit: real manifests merge a handful; a hostile one, thousands. */
const MERGE_BUDGET = 256;

/**
 * Maps up to this many keys are searched in place: an index (a `Map` and a memo entry per map)
 * cost more than it saved on the few keys of most manifests' maps, and rendering the overlays of a
 * 10k workspace read the facts of every rendered object, each in maps of its own.
 */
const SCANNED_KEYS = 8;

/** The pair written for `key` in the map itself (merge keys not followed: what an edit of the map can reach). */
export function findOwnPair(ctx: DocumentContext, map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => keyText(ctx, pair) === key) as Pair | undefined;
}

/** The pair for `key` in a map, following YAML merge keys (`<<: *base`) when the map itself lacks it. */
export function findPair(
  ctx: DocumentContext,
  map: YAMLMap,
  key: string,
  depth = 0,
  walk?: MergeWalk,
): Pair | undefined {
  if (map.items.length <= SCANNED_KEYS) {
    const scanned = scanPairs(ctx, map, key);
    if (scanned !== MERGED) return scanned;
  }
  const { pairs, merges } = keysOf(ctx, map);
  const own = pairs.get(key);
  if (own || depth > MAX_MERGE_DEPTH || merges.length === 0) return own;
  // Allocated only for a map with merge keys: most lookups never need it.
  walk ??= { seen: new Set<YAMLMap>([map]), budget: MERGE_BUDGET };
  for (const source of merges) {
    const bases = asSeq(ctx, source)?.items ?? [source];
    for (const base of bases) {
      if (--walk.budget < 0) return undefined;
      const baseMap = asMap(ctx, base);
      // Each map once: a base merged twice (or into itself) has nothing new to offer.
      if (!baseMap || walk.seen.has(baseMap)) continue;
      walk.seen.add(baseMap);
      const found = findPair(ctx, baseMap, key, depth + 1, walk);
      if (found) return found;
    }
  }
  return undefined;
}

interface MergeWalk {
  seen: Set<YAMLMap>;
  budget: number;
}

const MERGED = Symbol('merged');

/**
 * A small map's pair for `key`, as `keysOf` would index it (the first of duplicates; a `<<` key is
 * never one), or MERGED when the map has none but holds merge keys, whose sources decide.
 */
function scanPairs(ctx: DocumentContext, map: YAMLMap, key: string): Pair | undefined | typeof MERGED {
  let merged = false;
  for (const pair of map.items) {
    const name = rawScalarText(ctx, pair.key);
    if (name === '<<') merged = true;
    else if (name === key) return pair;
  }
  return merged ? MERGED : undefined;
}

/** `scalarText` without interning: for comparing, not keeping. */
function rawScalarText(ctx: DocumentContext, node: unknown): string | undefined {
  const resolved = isAlias(node) ? resolveAlias(ctx, node) : node;
  if (!isScalar(resolved)) return undefined;
  const { value } = resolved;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return resolved.source ?? String(value);
  }
  if (value === null) return '';
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

/**
 * Where a node's own text ends: yaml's ranges for block collections and block scalars run on over
 * the line break, trailing comment lines and blank lines that follow them. An edit that replaced up
 * to yaml's end joined the next key onto the new value's line (found with a block-list label value).
 */
export function contentEnd(text: string, node: Node): number {
  const [start = 0, end = start] = node.range ?? [];
  if (isMap(node) || isSeq(node)) {
    if (node.flow) return trimmedEnd(text, start, end);
    const last = node.items[node.items.length - 1] as Node | Pair | undefined;
    if (last === undefined) return trimmedEnd(text, start, end);
    const lastNode = (isPair(last) ? (last.value ?? last.key) : last) as Node | null;
    return lastNode?.range ? Math.max(start, contentEnd(text, lastNode)) : trimmedEnd(text, start, end);
  }
  return trimmedEnd(text, start, end);
}

/** `end` moved back over whitespace (line breaks included), never before `start`. */
export function trimmedEnd(text: string, start: number, end: number): number {
  let cursor = end;
  while (cursor > start && /\s/.test(text[cursor - 1] ?? '')) cursor--;
  return cursor;
}

// A rendered object (model/placements) is made of nodes of several files: the base's document and
// the values a kustomization set on it. Nodes from another file than the document's are marked with
// their file, so that their offsets are read in the right text. The mark is a symbol-keyed property
// of the node rather than a WeakMap entry: rendering the overlays of a 10k workspace marks hundreds
// of thousands of nodes, and each WeakMap entry cost an insertion and ephemeron work at every
// garbage collection while the node lived.
const WRITTEN_IN = Symbol('writtenIn');
type Marked = { [WRITTEN_IN]?: SourceFile };

/** Marks a node (taken from, or made for, another file's text) as written in `source`. */
export function markWrittenIn(node: Node, source: SourceFile): void {
  (node as Marked)[WRITTEN_IN] = source;
}

function writtenIn(node: Node): SourceFile | undefined {
  return (node as Marked)[WRITTEN_IN];
}

// A key a patch deleted (`key: null`) leaves no node in the rendered object, yet that patch decided
// the value: the map keeps, under a symbol, where each deletion is written, so that a finding about
// the missing entry (a scope label an overlay removed) points at the patch.
const DELETED = Symbol('deleted');
type WithDeletions = { [DELETED]?: Map<string, Located<null>> };

/** Records that `key` was deleted from `map` by the entry at `at` (a patch's `key: null`). */
export function markDeleted(map: YAMLMap, key: string, at: Located<null>): void {
  const holder = map as WithDeletions;
  holder[DELETED] ??= new Map();
  holder[DELETED].set(key, at);
}

/** Gives `copy` the deletions recorded on `map` (a faithful copy of a rendered map). */
export function copyDeletions(map: YAMLMap, copy: YAMLMap): void {
  const deletions = (map as WithDeletions)[DELETED];
  if (deletions) (copy as WithDeletions)[DELETED] = new Map(deletions);
}

/** Where the entry `key` of a rendered map was deleted, if a patch deleted it. */
export function deletionOf(map: YAMLMap | undefined, key: string): Located<null> | undefined {
  return map ? (map as WithDeletions)[DELETED]?.get(key) : undefined;
}

/** The file a node's offsets refer to: its mark, else the document's own file. */
export function sourceOfNode(ctx: DocumentContext, node: Node): SourceFile {
  return writtenIn(node) ?? ctx.source;
}

export function nodeRange(ctx: DocumentContext, node: Node | null | undefined): Range | undefined {
  const span = node?.range;
  if (!span) return undefined;
  return rangeAt(sourceOfNode(ctx, node), span[0], span[1]);
}

/** The file of a node when it is not the document's own, for `Located.file`. */
function foreignFile(ctx: DocumentContext, node: unknown): string | undefined {
  const source = node ? writtenIn(node as Node) : undefined;
  return source && source !== ctx.source ? source.path : undefined;
}

/** Every string-valued entry of a map (labels, annotations, selectors), each with its ranges. */
export function stringEntries(ctx: DocumentContext, node: unknown): ReadonlyMap<string, Located<string>> {
  const entries = new Map<string, Located<string>>();
  const map = asMap(ctx, node);
  if (!map) return settledMap(entries);
  for (const pair of map.items) {
    const key = keyText(ctx, pair);
    if (key === undefined || key === '<<' || entries.has(key)) continue;
    const value = scalarText(ctx, pair.value);
    if (value === undefined) continue;
    const keyRange = nodeRange(ctx, pair.key as Node);
    const valueRange = nodeRange(ctx, pair.value as Node) ?? keyRange;
    if (!valueRange) continue;
    const resolved = resolveAlias(ctx, pair.value);
    const yamlBoolean = isScalar(resolved) && typeof resolved.value === 'boolean';
    const file = foreignFile(ctx, pair.value ?? pair.key);
    const entry = !yamlBoolean && !file && keyRange ? locatedEntry(value, valueRange, keyRange) : undefined;
    if (entry) {
      entries.set(key, entry);
      continue;
    }
    const located: Located<string> = { value, range: valueRange, keyRange };
    if (yamlBoolean) located.yamlBoolean = true;
    if (file) located.file = file;
    entries.set(key, located);
  }
  return settledMap(entries);
}

/**
 * A map entry's value with its two ranges kept as four small integers. Labels, annotations and
 * selectors are most of a workspace's located values, and a plain `{ value, range, keyRange }` is
 * three objects: 12 MB at 50,000 resources, half of it the ranges. The ranges are made when read
 * (rarely: for a finding, a fix, a hover); `toJSON` gives the plain shape. Only the common case is
 * kept so (both ranges pack, no `file`, no `yamlBoolean`); any other entry is a plain `Located`.
 * A spread (`{ ...located }`) copies no range: copy through `plainLocated`.
 */
export class LocatedEntry implements Located<string> {
  constructor(
    readonly value: string,
    readonly rangeStart: number,
    readonly rangeEnd: number,
    readonly keyStart: number,
    readonly keyEnd: number,
  ) {}

  get range(): Range {
    return rangeOfPacked(this.rangeStart, this.rangeEnd);
  }

  get keyRange(): Range {
    return rangeOfPacked(this.keyStart, this.keyEnd);
  }

  toJSON(): Located<string> {
    return { value: this.value, range: this.range, keyRange: this.keyRange };
  }
}

function locatedEntry(value: string, range: Range, keyRange: Range): LocatedEntry | undefined {
  const rangeStart = packedStartOf(range);
  const rangeEnd = packedEndOf(range);
  const keyStart = packedStartOf(keyRange);
  const keyEnd = packedEndOf(keyRange);
  if (rangeStart < 0 || rangeEnd < 0 || keyStart < 0 || keyEnd < 0) return undefined;
  return new LocatedEntry(value, rangeStart, rangeEnd, keyStart, keyEnd);
}

export function locatedString(ctx: DocumentContext, node: Node | undefined): Located<string> | undefined {
  const value = scalarText(ctx, node);
  const range = nodeRange(ctx, node);
  if (value === undefined || !range) return undefined;
  const file = foreignFile(ctx, node);
  if (file) return { value, range, file };
  const start = packedStartOf(range);
  const end = packedEndOf(range);
  return start < 0 || end < 0 ? { value, range } : new LocatedText(value, start, end);
}

/**
 * A string value with its range kept as two small integers: a resource's name and namespace, a
 * reference's host, kind or port (140,000 of them at 50,000 resources, two objects each when plain).
 * The range is made when read; `toJSON` gives the plain shape. A spread (`{ ...located }`) copies
 * no range: copy through `plainLocated`.
 */
export class LocatedText implements Located<string> {
  constructor(
    readonly value: string,
    readonly rangeStart: number,
    readonly rangeEnd: number,
  ) {}

  get range(): Range {
    return rangeOfPacked(this.rangeStart, this.rangeEnd);
  }

  toJSON(): Located<string> {
    return { value: this.value, range: this.range };
  }
}

/** A located value as a plain object with the same fields, which a spread can copy. */
export function plainLocated<T>(located: Located<T>): Located<T> {
  const plain: Located<T> = { value: located.value, range: located.range };
  if (located.keyRange) plain.keyRange = located.keyRange;
  if (located.yamlBoolean) plain.yamlBoolean = located.yamlBoolean;
  if (located.file) plain.file = located.file;
  return plain;
}

export function locatedNumber(ctx: DocumentContext, node: Node | undefined): Located<number> | undefined {
  const text = locatedString(ctx, node);
  if (!text) return undefined;
  const value = Number(text.value);
  if (!Number.isFinite(value) || text.value.trim() === '') return undefined;
  return text.file ? { value, range: text.range, file: text.file } : { value, range: text.range };
}

/** The items of a sequence (aliases resolved); an absent or non-sequence node has none. */
export function seqItems(ctx: DocumentContext, node: unknown): Node[] {
  const seq = asSeq(ctx, node);
  if (!seq) return [];
  return seq.items.map((item) => resolveAlias(ctx, item)).filter((item): item is Node => item !== undefined);
}

/**
 * The map that starts at `offset` in the context's document. Facts keep offsets rather than nodes,
 * because the documents are re-read on demand (`ParsedFile.documents`) and a kept node would belong
 * to an older reading of the same text.
 */
export function mapAt(ctx: DocumentContext, offset: number): YAMLMap | undefined {
  let found: YAMLMap | undefined;
  visit(ctx.doc, {
    Map: (_key, map) => {
      if (map.range?.[0] !== offset) return undefined;
      found = map;
      return visit.BREAK;
    },
  });
  return found;
}
