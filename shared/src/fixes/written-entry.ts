import { isMap, isPair, type Node, type Pair, visit, type YAMLMap } from 'yaml';
import type { FileEdit } from '../text/findings';
import { offsetAt, type SourceFile } from '../text/source';
import { documentsOf } from '../yaml/document-cache';
import { asMap, type DocumentContext, findPair, getPath, type Located, sourceOfNode } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import { removeEntryKeepingComment } from './remove-entry-keeping-comment';
import { setEntry } from './yaml-edits';

/**
 * A map entry of a placed object where it is written: the base's document, or the overlay's patch
 * (or `labels:` entry) that set it (SPEC §9: a fix edits the layer that decided the value).
 */
export interface WrittenEntry {
  /** The document of the file that writes the entry, to edit it with the yaml helpers. */
  ctx: DocumentContext;
  /** The map holding the entry in that file, and the entry. */
  map: YAMLMap;
  pair: Pair;
}

/**
 * The entry `key` of the map at `path` in a placed object, in the file that wrote it. For an object as
 * written (no rendering) that is its own document. Undefined when the entry is missing, or written
 * where no map of that file holds it (a value inside an inline patch's string, a list entry of
 * `labels:` that writes it for every object: the caller edits those by their range).
 */
export function writtenEntry(
  resource: Resource,
  path: readonly string[],
  key: string,
): WrittenEntry | undefined {
  const rendered = asMap(resource, getPath(resource, resource.node, path));
  const pair = rendered && findPair(resource, rendered, key);
  const node = (pair?.value ?? pair?.key) as Node | null | undefined;
  const offset = node?.range?.[0];
  if (!pair || !node || offset === undefined) return undefined;
  const source = sourceOfNode(resource, node);
  if (source === resource.source && !resource.origin) return { ctx: resource, map: rendered, pair };
  for (const doc of documentsOf(source)) {
    const ctx: DocumentContext = { source, doc };
    const found = pairAt(doc, offset, pair.value ? 'value' : 'key');
    if (found && findPair(ctx, found.map, key) === found.pair) return { ctx, ...found };
  }
  return undefined;
}

/** The pair of a document whose value (or key) starts at `offset`, with its map. */
function pairAt(
  doc: DocumentContext['doc'],
  offset: number,
  side: 'key' | 'value',
): { map: YAMLMap; pair: Pair } | undefined {
  let found: { map: YAMLMap; pair: Pair } | undefined;
  visit(doc, {
    Pair: (_key, pair, path) => {
      const node = pair[side] as Node | null;
      if (node?.range?.[0] !== offset) return undefined;
      const parent = path[path.length - 1];
      if (isMap(parent) && isPair(pair)) found = { map: parent as YAMLMap, pair: pair as Pair };
      return visit.BREAK;
    },
  });
  return found;
}

/** Sets an entry where it is written (the patch, the overlay's `labels:`, the base). */
export function setWrittenEntry(
  resource: Resource,
  path: readonly string[],
  key: string,
  value: string,
): FileEdit | undefined {
  const entry = writtenEntry(resource, path, key);
  return entry && { file: entry.ctx.source.path, edits: [setEntry(entry.ctx, entry.map, key, value)] };
}

/** Removes an entry where it is written, keeping a comment after it. */
export function removeWrittenEntry(
  resource: Resource,
  path: readonly string[],
  key: string,
): FileEdit | undefined {
  const entry = writtenEntry(resource, path, key);
  const removal = entry && removeEntryKeepingComment(entry.ctx, entry.map, key);
  return entry && removal && { file: entry.ctx.source.path, edits: [removal] };
}

/**
 * The document to edit a located value of a placed object in: the file a kustomization's value was
 * written in (an overlay's `labels:` entry, a patch), else the object's own. Offsets of a located
 * value are that file's, so edits built from them must go there.
 */
export function writtenContext(resource: Resource, located: Located<unknown>): DocumentContext {
  if (!located.file || located.file === resource.source.path) return resource;
  let source: SourceFile | undefined;
  visit(resource.node, {
    Node: (_key, node) => {
      const candidate = sourceOfNode(resource, node as Node);
      if (candidate.path !== located.file) return undefined;
      source = candidate;
      return visit.BREAK;
    },
  });
  if (!source) return resource;
  const offset = offsetAt(source, located.range.start);
  const docs = documentsOf(source);
  const doc = docs.find((candidate) => (candidate.range?.[1] ?? 0) >= offset) ?? docs[0];
  return doc ? { source, doc } : resource;
}
