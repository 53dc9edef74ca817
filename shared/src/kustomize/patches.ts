import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseAllDocuments,
  Scalar,
  type YAMLMap,
} from 'yaml';
import type { SourceFile } from '../text/source';
import { pairNode } from '../yaml/node-factory';
import { type DocumentContext, resolveAlias, scalarText, sourceOfNode } from '../yaml/nodes';
import { YAML_SYNTAX } from '../yaml/parse-file';
import { cloneResolved, copyRendered } from './clone';
import { offsetsInFile } from './inline-text';
import { applyJsonPatch, readOperations } from './json-patch';
import { fieldOf, type Kustomization } from './kustomization-file';
import { ObjectsByName } from './objects-by-name';
import { resolvePath } from './paths';
import { idOf, type ResId, sameId } from './res-id';
import { readTarget, selects, type Target } from './selector';
import { addNote, decide, documentsOf, type RenderState, readConfigFile } from './state';
import { mergeMaps } from './strategic-merge';
import { pairIn, removeKey, setPair, textAt, textOf } from './tree';
import { originalId, type Working } from './working';

/** One document of a patch: where it is written and how to copy it into an object. */
export interface PatchDocument {
  /** The file its nodes are written in (the patch file, or the kustomization for an inline patch). */
  source: SourceFile;
  /** Its root node (an inline patch: the kustomization's string), for notes and ids. */
  node: Node;
  /** Whether it is a list: a JSON patch's operations. */
  list: boolean;
  /** A fresh copy of it, marked with its file: each object it patches takes its nodes. */
  copy(): Node;
}

/** A patch as a kustomization asks for it. */
export interface Patch {
  kustomization: Kustomization;
  /** The entry that asks for it, for notes. */
  entry: Node;
  documents: PatchDocument[];
  target?: Target;
  /** JSON 6902, or strategic merge (the default). */
  json: boolean;
  allowNameChange: boolean;
  allowKindChange: boolean;
}

/** The documents of a patch file (read as something else than a resource), or undefined with a note. */
function documentsInFile(
  state: RenderState,
  k: Kustomization,
  entry: Node,
  text: string,
): PatchDocument[] | undefined {
  const parsed = readConfigFile(state, k, entry, text);
  if (!parsed) return undefined;
  if (parsed.findings.some((finding) => finding.code === YAML_SYNTAX)) {
    addNote(state, k.source, entry, `unparsable patch ${text}`);
    return undefined;
  }
  const documents: PatchDocument[] = [];
  for (const doc of documentsOf(state, parsed)) {
    const ctx: DocumentContext = { source: parsed.source, doc };
    const root = resolveAlias(ctx, doc.contents);
    if (!root || (!isMap(root) && !isSeq(root))) continue;
    documents.push({
      source: parsed.source,
      node: root,
      list: isSeq(root),
      copy: () => cloneResolved(ctx, root, { mark: parsed.source }),
    });
  }
  return documents;
}

// An inline patch's documents, by the kustomization's node that holds its text: a component or
// base read by every overlay (through one set of documents, `KustomizeWorkspace.documents`) parses
// its inline patches once, not once per overlay. `null`: the text does not parse. Each copy() makes
// fresh nodes, so the documents can be shared; the entry goes with the node.
const inlineDocuments = new WeakMap<Node, PatchDocument[] | null>();

/** The documents of a patch written inline in the kustomization, their nodes placed in its text. */
function documentsInline(
  state: RenderState,
  k: Kustomization,
  valueNode: Node,
  text: string,
): PatchDocument[] | undefined {
  let documents = inlineDocuments.get(valueNode);
  if (documents === undefined) {
    documents = inlineDocumentsOf(k, valueNode, parsedInline(state, text));
    inlineDocuments.set(valueNode, documents);
  }
  if (documents === null) {
    addNote(state, k.source, valueNode, 'unparsable inline patch');
    return undefined;
  }
  return documents;
}

/** An inline patch's text parsed, once per rendering whatever the entries that write it; null when it does not parse. */
function parsedInline(state: RenderState, text: string): Document.Parsed[] | null {
  let list = state.inlinePatches.get(text);
  if (list === undefined) {
    const parsed = parseAllDocuments(text, { uniqueKeys: false });
    const all = Array.isArray(parsed) ? parsed : [parsed];
    list = all.some((doc) => doc.errors.length > 0) ? null : (all as Document.Parsed[]);
    state.inlinePatches.set(text, list);
  }
  return list;
}

function inlineDocumentsOf(
  k: Kustomization,
  valueNode: Node,
  list: Document.Parsed[] | null,
): PatchDocument[] | null {
  if (list === null) return null;
  const offset = offsetsInFile(k.source, valueNode);
  const documents: PatchDocument[] = [];
  for (const doc of list) {
    const ctx: DocumentContext = { source: k.source, doc: doc as DocumentContext['doc'] };
    const root = resolveAlias(ctx, doc.contents);
    if (!root || (!isMap(root) && !isSeq(root))) continue;
    documents.push({
      source: k.source,
      node: valueNode,
      list: isSeq(root),
      copy: () => cloneResolved(ctx, root, { mark: k.source, offset }),
    });
  }
  return documents;
}

// Targets read, by their map: a base's or component's patches are read by every overlay (through
// one set of documents), each target's name a regular expression to compile. Only read afterwards.
const targets = new WeakMap<YAMLMap, Target | string>();

/** Reads a `target:` map, or notes why it cannot be read. */
function targetOf(state: RenderState, k: Kustomization, node: Node | undefined): Target | undefined | null {
  const map = resolveAlias(k.ctx, node);
  if (!isMap(map)) return undefined;
  let target = targets.get(map);
  if (target === undefined) {
    target = readTarget((key) => {
      const pair = map.items.find((candidate) => scalarText(k.ctx, candidate.key) === key);
      return pair ? scalarText(k.ctx, pair.value) : undefined;
    });
    targets.set(map, target);
  }
  if (typeof target === 'string') {
    addNote(state, k.source, map, target);
    return null;
  }
  return target;
}

function optionOf(k: Kustomization, entry: YAMLMap, key: string): boolean {
  const options = resolveAlias(k.ctx, pairIn(entry, 'options')?.value ?? findValue(k, entry, 'options'));
  if (!isMap(options)) return false;
  const pair = options.items.find((candidate) => scalarText(k.ctx, candidate.key) === key);
  return scalarText(k.ctx, pair?.value) === 'true';
}

function findValue(k: Kustomization, map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((candidate) => scalarText(k.ctx, candidate.key) === key);
  return pair ? resolveAlias(k.ctx, pair.value) : undefined;
}

/** The patches of a `patches:` field: `path:` or `patch:`, with an optional target and options. */
export function readPatches(state: RenderState, k: Kustomization): Patch[] {
  return patchEntries(state, k, 'patches').map(({ entry, documents, target }) => ({
    kustomization: k,
    entry,
    documents,
    json: documents[0]?.list === true,
    allowNameChange: optionOf(k, entry, 'allowNameChange'),
    allowKindChange: optionOf(k, entry, 'allowKindChange'),
    ...(target ? { target } : {}),
  }));
}

/** `patchesStrategicMerge:` entries: a file's path, or a patch written inline. */
export function readStrategicMergePatches(state: RenderState, k: Kustomization): Patch[] {
  const patches: Patch[] = [];
  const list = fieldOf(k, 'patchesStrategicMerge');
  if (!isSeq(list)) return patches;
  for (const item of list.items) {
    const node = resolveAlias(k.ctx, item);
    const text = scalarText(k.ctx, node);
    if (!node || !text) continue;
    // kustomize reads the entry as a file when it can, else as the patch itself.
    const path = resolvePath(k.folder, text);
    const inline = text.includes('\n') || (path !== undefined && !state.ws.file(path) && /:\s/.test(text));
    const documents = inline ? documentsInline(state, k, node, text) : documentsInFile(state, k, node, text);
    if (documents)
      patches.push({
        kustomization: k,
        entry: node,
        documents,
        json: false,
        allowNameChange: false,
        allowKindChange: false,
      });
  }
  return patches;
}

/** `patchesJson6902:` entries: a target and a JSON patch (`path:` or `patch:`). */
export function readJsonPatches(state: RenderState, k: Kustomization): Patch[] {
  return patchEntries(state, k, 'patchesJson6902').flatMap(({ entry, documents, target }) => {
    if (!target) {
      addNote(state, k.source, entry, 'JSON patch without a target');
      return [];
    }
    return [
      {
        kustomization: k,
        entry,
        documents,
        target,
        json: true,
        allowNameChange: false,
        allowKindChange: false,
      },
    ];
  });
}

interface PatchEntry {
  entry: YAMLMap;
  documents: PatchDocument[];
  target: Exclude<ReturnType<typeof targetOf>, null>;
}

/** The entries of a list of `{ path | patch, target }` maps, each with its documents read (`patches`, `patchesJson6902`). */
function patchEntries(state: RenderState, k: Kustomization, field: string): PatchEntry[] {
  const list = fieldOf(k, field);
  if (!isSeq(list)) return [];
  const entries: PatchEntry[] = [];
  for (const item of list.items) {
    const entry = resolveAlias(k.ctx, item);
    if (!isMap(entry)) continue;
    const pathNode = findValue(k, entry, 'path');
    const patchNode = findValue(k, entry, 'patch');
    const path = scalarText(k.ctx, pathNode);
    const text = scalarText(k.ctx, patchNode);
    let documents: PatchDocument[] | undefined;
    if (path && pathNode) documents = documentsInFile(state, k, pathNode, path);
    else if (text && patchNode) documents = documentsInline(state, k, patchNode, text);
    else addNote(state, k.source, entry, 'patch without path or patch');
    const target = targetOf(state, k, findValue(k, entry, 'target'));
    if (documents && target !== null) entries.push({ entry, documents, target });
  }
  return entries;
}

/** Applies a patch to the objects it selects; objects a `$patch: delete` removes leave the list. */
export function applyPatch(
  state: RenderState,
  patch: Patch,
  objects: Working[],
  /** The objects by name, shared by the patches of one kustomization applied one after the other. */
  byName = new ObjectsByName(),
): Working[] {
  if (patch.json) {
    applyJson(state, patch, objects, byName);
    return objects;
  }
  let result = objects;
  for (const document of patch.documents)
    result = applyStrategicMerge(state, patch, document, result, byName);
  return result;
}

function selected(patch: Patch, objects: Working[]): Working[] {
  const { target } = patch;
  return target
    ? objects.filter(
        (working) => mayBeNamed(target, working) && selects(target, working.node, originalId(working)),
      )
    : [];
}

/**
 * The name test `selects` starts with, read without the rest of either id: a target names one
 * object among the many a kustomization gathered, and reading every object's whole id was most of
 * the time spent selecting.
 */
function mayBeNamed(target: Target, working: Working): boolean {
  if (!target.name) return true;
  const current = textAt(working.node, ['metadata', 'name']) ?? '';
  const original = working.previous[0]?.name ?? current;
  const { plainName } = target;
  if (plainName !== undefined) return original === plainName || current === plainName;
  return target.name.test(original) || target.name.test(current);
}

function applyJson(state: RenderState, patch: Patch, objects: Working[], byName: ObjectsByName): void {
  const k = patch.kustomization;
  const targets = selected(patch, objects);
  decide(state, targets.length);
  if (!patch.target) {
    addNote(state, k.source, patch.entry, 'JSON patch without a target');
    return;
  }
  if (targets.length === 0) addNote(state, k.source, patch.entry, 'patch target matches no resource');
  for (const working of targets) {
    for (const document of patch.documents) {
      const operations = readOperations(document.copy());
      if (typeof operations === 'string') {
        addNote(state, k.source, patch.entry, operations);
        return;
      }
      const failed = applyJsonPatch(working.ctx, working.node, operations, document.source);
      if (failed) addNote(state, document.source, failed.failed.node, `JSON patch: ${failed.reason}`);
      // kustomize applies a JSON patch to the object's JSON and reads it back: nodes that several
      // fields shared (see setInPlace) are separate afterwards.
      working.node = copyRendered(working.ctx, working.node) as YAMLMap;
    }
    byName.update(working);
  }
}

/** The id a strategic-merge patch without a target names by its own apiVersion, kind, name and namespace. */
function patchId(node: Node): ResId | undefined {
  return isMap(node) ? idOf(node) : undefined;
}

/**
 * Whether an object has, or had, the id (`everyId(working).some(sameId)`). The current name is
 * compared before the rest of the current id is read: an overlay's patches are each matched against
 * every object it gathered, and almost none has the patch's name.
 */
function hasHadId(working: Working, id: ResId): boolean {
  if (working.previous.some((candidate) => sameId(candidate, id))) return true;
  return (textAt(working.node, ['metadata', 'name']) ?? '') === id.name && sameId(idOf(working.node), id);
}

function applyStrategicMerge(
  state: RenderState,
  patch: Patch,
  document: PatchDocument,
  objects: Working[],
  byName: ObjectsByName,
): Working[] {
  const k = patch.kustomization;
  let targets: Working[];
  // The copy read for the patch's id is fresh: the first target takes it rather than a copy of its own.
  let spare: Node | undefined;
  if (patch.target) {
    targets = selected(patch, objects);
    decide(state, targets.length);
  } else {
    spare = document.copy();
    const id = patchId(spare);
    targets = id ? byName.named(id.name, objects).filter((working) => hasHadId(working, id)) : [];
    decide(state, targets.length, true);
    if (targets.length > 1) {
      addNote(state, k.source, patch.entry, `patch matches ${targets.length} resources`);
      return objects;
    }
  }
  if (targets.length === 0) {
    addNote(state, k.source, patch.entry, 'patch target matches no resource');
    return objects;
  }
  const removed = new Set<Working>();
  for (const working of targets) {
    const copy = spare ?? document.copy();
    spare = undefined;
    if (!isMap(copy)) continue;
    if (patch.target) keepNullLabelsAsText(copy);
    if (!mergeInto(working, copy, patch)) removed.add(working);
    byName.update(working);
  }
  return removed.size === 0 ? objects : objects.filter((working) => !removed.has(working));
}

/**
 * kustomize v5 applies a strategic-merge patch that has a `target:` to labels and annotations as
 * values to set, not as a merge: `key: null` there sets the text "null" instead of deleting the key,
 * and `labels: null` changes nothing (a null anywhere else deletes, as without a target). Measured
 * with `kubectl kustomize` (v5.5); the differential suite holds the renderer to it.
 */
function keepNullLabelsAsText(patch: YAMLMap): void {
  const metadata = pairIn(patch, 'metadata')?.value;
  if (!isMap(metadata)) return;
  for (const field of ['labels', 'annotations']) {
    const value = pairIn(metadata, field)?.value;
    if (value === null || (isScalar(value) && value.value === null)) {
      removeKey(metadata, field);
      continue;
    }
    if (!isMap(value)) continue;
    for (const pair of value.items) {
      const entry = pair.value;
      if (entry === null) pair.value = new Scalar('null');
      else if (isScalar(entry) && entry.value === null) {
        entry.value = 'null';
        entry.type = Scalar.QUOTE_DOUBLE;
      }
    }
  }
}

/**
 * Merges a patch into an object and puts back what a patch may not change (kustomize's rule): the
 * type (apiVersion and kind) and name unless the patch's options allow it, and always the namespace. False when the
 * patch deletes the object.
 */
function mergeInto(working: Working, copy: YAMLMap, patch: Patch): boolean {
  // Copies, not the nodes: the merge writes scalars in place (see setInPlace).
  const kept = (map: unknown, key: string): Pair | undefined => {
    const pair = isMap(map) ? pairIn(map, key) : undefined;
    if (!pair) return undefined;
    return pairNode(
      copyRendered(working.ctx, pair.key as Node),
      copyRendered(working.ctx, pair.value as Node),
    );
  };
  const metadata = pairIn(working.node, 'metadata')?.value;
  const kind = kept(working.node, 'kind');
  const apiVersion = kept(working.node, 'apiVersion');
  const name = kept(metadata, 'name');
  const namespace = kept(metadata, 'namespace');
  const id = idOf(working.node);
  const merged = mergeMaps({ id, sourceOf: (node) => sourceOfNode(working.ctx, node) }, working.node, copy);
  if (!merged || merged.items.length === 0) return false;
  working.node = merged;
  const restore = (map: YAMLMap, pair: Pair | undefined) => {
    if (pair) setPair(map, pair.key as Node, pair.value as Node);
  };
  if (!patch.allowKindChange) {
    // A patch selected by its target is written for one kind and applied to whatever it selects
    // (a label selector may pick a Service for a Deployment's patch): the object keeps its type.
    restore(merged, kind);
    restore(merged, apiVersion);
  }
  const after = pairIn(merged, 'metadata')?.value;
  if (isMap(after)) {
    if (!patch.allowNameChange) restore(after, name);
    if (namespace) restore(after, namespace);
    else removeKey(after, 'namespace');
  }
  if (textOf(pairIn(merged, 'kind')?.value) !== id.kind || idOf(merged).name !== id.name) {
    working.previous.push(id);
  }
  return true;
}
