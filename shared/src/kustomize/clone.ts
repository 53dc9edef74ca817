import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { SourceFile } from '../text/source';
import { mapNode, pairNode, scalarNode, seqNode } from '../yaml/node-factory';
import {
  copyDeletions,
  type DocumentContext,
  markWrittenIn,
  resolveAlias,
  sourceOfNode,
} from '../yaml/nodes';

/** How nodes read from a file are copied into a rendered object. */
export interface CloneOptions {
  /**
   * The file the nodes are written in, when the rendered object's own document is another file:
   * every copied node is marked with it (`markWrittenIn`) so its offsets are read in that text.
   */
  mark?: SourceFile;
  /** Maps an offset of the parsed text to an offset of `mark`'s text: an inline patch's string. */
  offset?: (at: number) => number;
}

/** The most nodes one copy may make: aliases let a small hostile file stand for billions of nodes. */
const NODE_BUDGET = 200_000;

export class CloneTooLarge extends Error {}

/**
 * A fresh copy of `node` with its aliases resolved and its merge keys (`<<`) expanded, so that the
 * rendered tree can be read and changed without its document. Copies keep the `range` of the node
 * they copy (mapped by `offset`), so a rendered value still points at the text that wrote it.
 */
export function cloneResolved(ctx: DocumentContext, node: unknown, options: CloneOptions = {}): Node {
  return copyNode(ctx, node, options, { left: NODE_BUDGET, open: new Set() });
}

interface Walk {
  left: number;
  // Collections being copied: an alias to one of them would copy forever.
  open: Set<unknown>;
}

function copyNode(ctx: DocumentContext, node: unknown, options: CloneOptions, walk: Walk): Node {
  if (--walk.left < 0) throw new CloneTooLarge('too many nodes');
  const resolved = resolveAlias(ctx, node);
  let copy: Node;
  if ((isMap(resolved) || isSeq(resolved)) && !walk.open.has(resolved)) {
    walk.open.add(resolved);
    copy = isMap(resolved) ? copyMap(ctx, resolved, options, walk) : copySeq(ctx, resolved, options, walk);
    walk.open.delete(resolved);
  } else if (isScalar(resolved)) {
    const scalar = scalarNode(resolved.value);
    if (resolved.type) scalar.type = resolved.type;
    if (resolved.source !== undefined) scalar.source = resolved.source;
    copy = scalar;
  } else {
    // An alias that resolves to nothing, or back into itself: an empty value, as a null would be.
    copy = scalarNode(null);
  }
  return placed(copy, resolved?.range, options);
}

function copySeq(ctx: DocumentContext, seq: YAMLSeq, options: CloneOptions, walk: Walk): YAMLSeq {
  const copy = seqNode();
  copy.flow = seq.flow;
  for (const item of seq.items) copy.items.push(copyNode(ctx, item, options, walk));
  return copy;
}

function copyMap(ctx: DocumentContext, map: YAMLMap, options: CloneOptions, walk: Walk): YAMLMap {
  const copy = mapNode();
  copy.flow = map.flow;
  const seen = new Set<string>();
  const merges: unknown[] = [];
  for (const pair of map.items) {
    const key = resolveAlias(ctx, pair.key);
    const name = isScalar(key) ? String(key.value) : undefined;
    if (name === '<<') {
      merges.push(pair.value);
      continue;
    }
    // The first of duplicate keys wins, as `findPair` reads them.
    if (name !== undefined && seen.has(name)) continue;
    if (name !== undefined) seen.add(name);
    copy.items.push(
      pairNode(copyNode(ctx, pair.key, options, walk), copyNode(ctx, pair.value, options, walk)),
    );
  }
  // Merged maps give the keys the map does not write itself, the first merge source first.
  for (const source of merges) {
    const resolved = resolveAlias(ctx, source);
    const bases = isSeq(resolved) ? resolved.items : [resolved];
    for (const base of bases) {
      const baseCopy = copyNode(ctx, base, options, walk);
      if (!isMap(baseCopy)) continue;
      for (const pair of baseCopy.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (name === undefined || seen.has(name)) continue;
        seen.add(name);
        copy.items.push(pair);
      }
    }
  }
  return copy;
}

function placed<T extends Node>(copy: T, range: Node['range'] | undefined, options: CloneOptions): T {
  if (range) {
    const { offset } = options;
    // Ranges are never changed in place (a node that moves gets a new array): a copy shares its
    // original's, one array less per node of every object of every overlay.
    copy.range = offset ? [offset(range[0]), offset(range[1]), offset(range[2])] : range;
  }
  if (options.mark) markWrittenIn(copy, options.mark);
  return copy;
}

/**
 * A copy of a node of a rendered object (no aliases there), each node keeping the file it is written
 * in: a JSON patch's `copy` duplicates values that may come from the base or from another patch.
 * `markAll` marks every node with its file, for a copy that goes into another object (a replacement).
 */
export function copyRendered(ctx: DocumentContext, node: Node, markAll = false): Node {
  return copyRenderedNode(ctx, node, markAll);
}

/**
 * A copy of rendered objects that renders as they do: every node keeps its file, each map the
 * entries a patch deleted from it, and a node shared by two places stays shared (kustomize's labels
 * put one node under `metadata.labels` and the selector, and a later patch of one changes both).
 * `copies` spans every object copied together: for objects rendered once and handed to several
 * overlays, each changing its own copies (`renderFileOnly`); its `shared` is `sharedNodesOf` them.
 */
export function copyRenderedObject(ctx: DocumentContext, node: YAMLMap, copies: SharedCopies): YAMLMap {
  return copyRenderedNode(ctx, node, false, copies) as YAMLMap;
}

/**
 * The copies of the nodes that objects copied together share, made as they are met: only those
 * nodes go through the map (the rest are met once), which took a third off copying a base's objects
 * for each overlay.
 */
export interface SharedCopies {
  shared: ReadonlySet<Node>;
  copies: Map<Node, Node>;
}

/** The nodes met more than once walking down from `roots`: the ones a copy must keep shared. */
export function sharedNodesOf(roots: readonly Node[]): ReadonlySet<Node> {
  const seen = new Set<Node>();
  const shared = new Set<Node>();
  const pending: unknown[] = [...roots];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!isNode(node)) continue;
    if (seen.has(node)) {
      shared.add(node);
      continue;
    }
    seen.add(node);
    if (isMap(node)) for (const pair of node.items) pending.push(pair.key, pair.value);
    else if (isSeq(node)) pending.push(...node.items);
  }
  return shared;
}

function copyRenderedNode(ctx: DocumentContext, node: Node, markAll: boolean, memo?: SharedCopies): Node {
  const copies = memo?.shared.has(node) ? memo.copies : undefined;
  const known = copies?.get(node);
  if (known) return known;
  let copy: Node;
  if (isMap(node)) {
    const map = mapNode();
    map.flow = node.flow;
    for (const pair of node.items) {
      map.items.push(
        pairNode(
          copyRenderedNode(ctx, pair.key as Node, markAll, memo),
          copyRenderedNode(ctx, pair.value as Node, markAll, memo),
        ),
      );
    }
    if (memo) copyDeletions(node, map);
    copy = map;
  } else if (isSeq(node)) {
    const seq = seqNode();
    seq.flow = node.flow;
    for (const item of node.items) seq.items.push(copyRenderedNode(ctx, item as Node, markAll, memo));
    copy = seq;
  } else if (isScalar(node)) {
    const scalar = scalarNode(node.value);
    if (node.type) scalar.type = node.type;
    if (node.source !== undefined) scalar.source = node.source;
    copy = scalar;
  } else if (isPair(node)) {
    return scalarNode(null);
  } else {
    copy = scalarNode(null);
  }
  if (node?.range) copy.range = node.range;
  // An unmarked node is read in the document's own file: marking it so would only cost a WeakMap
  // entry per node (a JSON patch copies its whole object, an object per overlay).
  const source = node ? sourceOfNode(ctx, node) : ctx.source;
  if (markAll || source !== ctx.source) markWrittenIn(copy, source);
  if (node) copies?.set(node, copy);
  return copy;
}

/**
 * A new scalar for a value a kustomization computed (`namePrefix` + name), placed at the node that
 * decided it, in the file that node is written in.
 */
export function scalarAt(value: unknown, decidedBy: Node, source: SourceFile): Scalar {
  const scalar = scalarNode(value);
  if (decidedBy.range) scalar.range = [decidedBy.range[0], decidedBy.range[1], decidedBy.range[2]];
  markWrittenIn(scalar, source);
  return scalar;
}

/** A new, empty map placed at the node that asked for it (a `labels:` entry creating `metadata.labels`). */
export function mapAt(decidedBy: Node, source: SourceFile): YAMLMap {
  const map = mapNode();
  if (decidedBy.range) map.range = [decidedBy.range[0], decidedBy.range[1], decidedBy.range[2]];
  markWrittenIn(map, source);
  return map;
}
