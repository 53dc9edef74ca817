import { type Document, isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { rangeAt } from '../text/source';
import { documentNode } from '../yaml/node-factory';
import { asMap, type DocumentContext, findPair, resolveAlias, scalarText } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import { YAML_SYNTAX } from '../yaml/parse-file';
import { type Resource, resourceNodes } from '../yaml/resource';
import { CloneTooLarge, cloneResolved, copyRenderedObject, type SharedCopies, sharedNodesOf } from './clone';
import { COMMON_ANNOTATIONS, COMMON_LABELS, METADATA_LABELS, REPLICAS, TEMPLATE_LABELS } from './field-specs';
import { addHashSuffixes, runGenerators } from './generators';
import {
  fieldOf,
  type Kustomization,
  keyOf,
  kustomizationFileIn,
  kustomizationRoot,
  listEntries,
  onlyGathers,
} from './kustomization-file';
import { fixNameReferences, type ReferenceFacts, referenceFacts } from './name-references';
import { ObjectsByName } from './objects-by-name';
import { applyPatch, readJsonPatches, readPatches, readStrategicMergePatches } from './patches';
import { folderOf, isRemote, pathIn, resolvePath } from './paths';
import { applyReplacements } from './replacements';
import {
  addNote,
  createState,
  type Decision,
  decide,
  documentsOf,
  type RenderState,
  readFile,
} from './state';
import { addEntries, addNameAffixes, setNamespace, setReplicas, type Written } from './transformers';
import type { KustomizeWorkspace, RenderedObject, Rendering, RenderNote } from './types';
import type { Working } from './working';

/**
 * What `kustomize build <folder>` (v5) outputs, rendered from the workspace's parsed files: every
 * object with the node that decided each of its values (SPEC §9), and a note for each feature the
 * rendering could not follow, the rest rendered all the same.
 */
export function renderKustomization(folder: string, ws: KustomizeWorkspace): Rendering {
  const state = createState(ws);
  const file = kustomizationFileIn(folder, ws);
  if (!file) {
    const path = pathIn(folder, 'kustomization.yaml');
    state.notes.push({
      file: path,
      range: rangeAt({ path, text: '' }, 0, 0),
      feature: `no kustomization in ${folder || '.'}`,
    });
    return {
      kustomization: path,
      objects: [],
      notes: state.notes,
      reads: state.reads,
      notResources: state.notResources,
    };
  }
  const objects = build(state, file, []);
  // kustomize's last steps, once for the whole build: generated names take their content's hash,
  // then every reference to a renamed object is rewritten.
  addHashSuffixes(objects);
  const references = fixNameReferences(state, objects);
  const rendering: Rendering = {
    kustomization: file,
    objects: objects.map(finished),
    notes: state.notes,
    reads: state.reads,
    notResources: state.notResources,
  };
  records.set(rendering, { decisions: state.decisions, references, crossObject: state.crossObject });
  return rendering;
}

/**
 * What a rendering decided from its objects as a whole, which re-rendering one file's objects alone
 * must leave as it was (rerender.ts).
 */
export interface RenderRecord {
  /** Each decision that counted matched objects, in order, with the count over every object. */
  decisions: readonly Decision[];
  references: ReferenceFacts;
  /** A kustomization read has generators or replacements: objects made or set from other objects. */
  crossObject: boolean;
}

// Per rendering, made with it: a value that never changes.
const records = new WeakMap<Rendering, RenderRecord>();

export function renderRecordOf(rendering: Rendering): RenderRecord | undefined {
  return records.get(rendering);
}

export function setRenderRecord(rendering: Rendering, record: RenderRecord): void {
  records.set(rendering, record);
}

/** One file's objects as rendering `folder` makes them, every other resource file skipped (rerender.ts). */
export interface PartialRendering {
  objects: RenderedObject[];
  /** How many files it read, and how often it read `path` as a resource. */
  readCount: number;
  readsOfPath: number;
  notes: RenderNote[];
  decisions: Decision[];
  /** Over the file's objects, before name references would be rewritten. */
  references: ReferenceFacts;
  crossObject: boolean;
}

/**
 * Renders only the objects of the resource file `path` through `folder`'s kustomizations: every
 * transformer runs as in `renderKustomization`, on those objects alone. Name references are not
 * rewritten and hash suffixes not added: the caller proves from the facts returned that neither
 * would change anything (rerender.ts).
 */
export function renderFileOnly(
  folder: string,
  ws: KustomizeWorkspace,
  path: string,
): PartialRendering | undefined {
  const state = createState(ws);
  state.only = { path, reads: 0, replayedReads: [] };
  const file = kustomizationFileIn(folder, ws);
  if (!file) return undefined;
  const objects = build(state, file, []);
  return {
    objects: objects.map(finished),
    readCount: distinctCount(state.reads, state.only.replayedReads),
    readsOfPath: state.only.reads,
    notes: state.notes,
    decisions: state.decisions,
    references: referenceFacts(objects),
    crossObject: state.crossObject,
  };
}

/** How many distinct paths `own` and `others` hold together. */
function distinctCount(own: ReadonlySet<string>, others: readonly ReadonlySet<string>[]): number {
  let count = own.size;
  others.forEach((set, index) => {
    for (const path of set) if (!own.has(path) && !heldBefore(others, index, path)) count++;
  });
  return count;
}

function heldBefore(sets: readonly ReadonlySet<string>[], end: number, path: string): boolean {
  for (let index = 0; index < end; index++) if (sets[index]?.has(path)) return true;
  return false;
}

function finished(working: Working): RenderedObject {
  const doc = working.ctx.doc;
  (doc as Document).contents = working.node;
  const object: RenderedObject = {
    origin: working.origin,
    node: working.node,
    doc,
    through: working.through,
  };
  if (working.sharedTree) object.sharedTree = true;
  return object;
}

// Fields whose objects are made or set from other objects' content: a generator's hash suffix
// renames references to it, a replacement copies one object's field into another's.
const CROSS_OBJECT = new Set(['configMapGenerator', 'secretGenerator', 'replacements']);

/** The deepest chain of kustomizations followed: deeper is a cycle through paths that differ in spelling, or hostile. */
const MAX_DEPTH = 64;

/** Renders one kustomization: its resources, then its components, then its own transformers. */
function build(state: RenderState, file: string, chain: readonly string[]): Working[] {
  const k = readKustomization(state, file);
  if (!k) return [];
  return accumulate(state, k, [], [...chain, file]);
}

function readKustomization(state: RenderState, path: string): Kustomization | undefined {
  const parsed = readFile(state, path);
  if (!parsed) return undefined;
  state.notResources.add(path);
  const read = kustomizationRoot(parsed.source, documentsOf(state, parsed), parsed.findings);
  if (!read) {
    addNote(state, parsed.source, undefined, 'unparsable kustomization');
    return undefined;
  }
  const fields = read.root.items.map((pair) => scalarText(read.ctx, pair.key));
  if (fields.some((field) => field !== undefined && CROSS_OBJECT.has(field))) state.crossObject = true;
  // kustomize refuses a kustomization that asks for nothing ("kustomization.yaml is empty").
  if (fields.every((field) => field === undefined || ['apiVersion', 'kind', 'metadata'].includes(field))) {
    addNote(state, parsed.source, read.root, 'empty kustomization');
  }
  return { path, folder: folderOf(path), source: parsed.source, ...read, onlyGathers: onlyGathers(fields) };
}

/**
 * Adds a kustomization's resources and components to `objects` and transforms them all, as
 * kustomize accumulates a target: a component's transformers act on everything gathered before it.
 */
function accumulate(
  state: RenderState,
  k: Kustomization,
  objects: Working[],
  chain: readonly string[],
): Working[] {
  noteUnsupported(state, k);
  if (!k.onlyGathers) state.changingAbove++;
  let result: Working[];
  try {
    for (const field of ['resources', 'bases']) {
      for (const entry of listEntries(k, field)) addResource(state, k, entry, objects, chain);
    }
    // Generators run after the resources and before the components (which may merge into them).
    result = runGenerators(state, k, objects, chain);
    for (const entry of listEntries(k, 'components')) {
      const component = includedKustomization(state, k, entry, chain);
      if (component) result = accumulate(state, component, result, [...chain, component.path]);
    }
  } finally {
    if (!k.onlyGathers) state.changingAbove--;
  }
  return transform(state, k, result);
}

/** The kustomization of a folder an entry names, or undefined with a note saying why not. */
function includedKustomization(
  state: RenderState,
  k: Kustomization,
  entry: { text: string; node: Node },
  chain: readonly string[],
): Kustomization | undefined {
  const path = localPath(state, k, entry);
  if (path === undefined) return undefined;
  const file = kustomizationFileIn(path, state.ws);
  if (!file) {
    const missing = state.ws.file(path) || !state.ws.hasFolder(path);
    addNote(
      state,
      k.source,
      entry.node,
      `${missing ? 'missing path' : 'folder without a kustomization'} ${entry.text}`,
    );
    return undefined;
  }
  // kustomize refuses a folder that holds any kustomization on the way to it (its "candidate root
  // contains visited root"): the kustomization itself, or an overlay kept below its base.
  state.recording?.chainReads.push(path);
  if (holdsVisited(chain, path)) {
    addNote(state, k.source, entry.node, `cycle: ${entry.text} holds a kustomization that includes it`);
    return undefined;
  }
  if (chain.length >= MAX_DEPTH) {
    addNote(state, k.source, entry.node, `kustomizations nested too deeply at ${entry.text}`);
    return undefined;
  }
  return readKustomization(state, file);
}

/** Whether `folder` is, or holds, a kustomization of the chain. */
function holdsVisited(chain: readonly string[], folder: string): boolean {
  return chain.some(
    (visited) => folder === '' || folderOf(visited) === folder || visited.startsWith(`${folder}/`),
  );
}

/** The workspace path an entry names, or undefined with a note (remote, outside the workspace). */
function localPath(
  state: RenderState,
  k: Kustomization,
  entry: { text: string; node: Node },
): string | undefined {
  let resolved = resolvedEntries.get(entry);
  if (!resolved || resolved.folder !== k.folder) {
    const remote = isRemote(entry.text);
    resolved = { folder: k.folder, remote, path: remote ? undefined : resolvePath(k.folder, entry.text) };
    resolvedEntries.set(entry, resolved);
  }
  if (resolved.remote) {
    addNote(state, k.source, entry.node, `remote resource ${entry.text}`);
    return undefined;
  }
  if (resolved.path === undefined)
    addNote(state, k.source, entry.node, `path outside the workspace ${entry.text}`);
  return resolved.path;
}

// Per entry of a kustomization's list (kept per parsed document, kustomization-file.ts): a base's
// two hundred entries are read by every overlay, and again for each edit of one of its files.
const resolvedEntries = new WeakMap<object, { folder: string; remote: boolean; path: string | undefined }>();

function addResource(
  state: RenderState,
  k: Kustomization,
  entry: { text: string; node: Node },
  objects: Working[],
  chain: readonly string[],
): void {
  const path = localPath(state, k, entry);
  if (path === undefined) return;
  const parsed = readFile(state, path);
  if (parsed) {
    if (parsed.findings.some((finding) => finding.code === YAML_SYNTAX)) {
      addNote(state, k.source, entry.node, `unparsable resource ${entry.text}`);
    }
    const { only } = state;
    if (only && path === only.path) only.reads++;
    if (!only || path === only.path) addObjectsOf(state, k, entry, parsed, objects, chain);
    return;
  }
  const included = includedKustomization(state, k, entry, chain);
  if (!included) return;
  for (const working of accumulateIncluded(state, included, chain)) objects.push(working);
}

/**
 * An included kustomization's objects. Re-rendering one file (`renderFileOnly`) through twenty
 * overlays of one base rendered the base twenty times alike: its two hundred entries walked and the
 * file's objects copied and transformed in each (4 of the ~16 ms of such an edit, and a fifth of
 * what it allocated). So while one edit is re-rendered, a base's rendering of the file is recorded
 * once per workspace view and replayed, on copies, in every other overlay that includes it.
 */
function accumulateIncluded(
  state: RenderState,
  included: Kustomization,
  chain: readonly string[],
): Working[] {
  const { only } = state;
  if (!only || state.recording) {
    return accumulate(state, included, [], [...chain, included.path]);
  }
  const recordings = recordingsOf(state.ws);
  const key = `${only.path}\0${included.path}`;
  const known = recordings.get(key);
  if (known && replaysAlike(known, chain)) {
    recordings.replays++;
    return replay(state, known, chain);
  }
  const recording = record(state, () => accumulate(state, included, [], [...chain, included.path]), chain);
  recordings.set(key, recording);
  const copies = copiesFor(state, recording);
  return recording.objects.map((working) => handedOver(working, working.through, copies));
}

/**
 * How a recording's objects are handed over: copied when a kustomization gathering them will
 * change them (the recording keeps its own for the next overlay), as they are when none will (an
 * overlay that applies its base as it is: copying the objects there was a third of what such an
 * edit kept alive past a collection).
 */
function copiesFor(state: RenderState, recording: Recording): SharedCopies | undefined {
  return state.changingAbove > 0
    ? { shared: recording.sharedNodes, copies: new Map<Node, Node>() }
    : undefined;
}

/** What rendering an included kustomization did to the state, to do again for another overlay. */
interface Recording {
  /** The chain of kustomizations that included it: cycle and depth checks read it. */
  chain: readonly string[];
  /** The folders its own inclusions were checked against the chain for (cycles). */
  chainReads: string[];
  objects: Working[];
  /** The nodes its objects share (`sharedNodesOf`): each copy of them shares its copies alike. */
  sharedNodes: ReadonlySet<Node>;
  reads: Set<string>;
  notResources: Set<string>;
  notes: RenderNote[];
  /** Its decisions, `notesBefore` counted from its first note. */
  decisions: Decision[];
  crossObject: boolean;
  readsOfPath: number;
}

const recordingsByWorkspace = new WeakMap<KustomizeWorkspace, Map<string, Recording> & { replays: number }>();

function recordingsOf(ws: KustomizeWorkspace): Map<string, Recording> & { replays: number } {
  let recordings = recordingsByWorkspace.get(ws);
  if (!recordings) {
    recordings = Object.assign(new Map<string, Recording>(), { replays: 0 });
    recordingsByWorkspace.set(ws, recordings);
  }
  return recordings;
}

/** How many included renderings were replayed over `ws` (tests check that replaying took place). */
export function includedReplays(ws: KustomizeWorkspace): number {
  return recordingsByWorkspace.get(ws)?.replays ?? 0;
}

/** Runs `render` with the state's sets, notes and decisions swapped for fresh ones, then adds them back. */
function record(state: RenderState, render: () => Working[], chain: readonly string[]): Recording {
  const outer = {
    reads: state.reads,
    notResources: state.notResources,
    notes: state.notes,
    decisions: state.decisions,
    crossObject: state.crossObject,
    readsOfPath: state.only?.reads ?? 0,
  };
  const recording: Recording = {
    chain,
    chainReads: [],
    objects: [],
    sharedNodes: new Set(),
    reads: new Set(),
    notResources: new Set(),
    notes: [],
    decisions: [],
    crossObject: false,
    readsOfPath: 0,
  };
  Object.assign(state, {
    reads: recording.reads,
    notResources: recording.notResources,
    notes: recording.notes,
    decisions: recording.decisions,
    crossObject: false,
    recording,
  });
  if (state.only) state.only.reads = 0;
  try {
    recording.objects = render();
    recording.sharedNodes = sharedNodesOf(recording.objects.map((working) => working.node));
  } finally {
    recording.crossObject = state.crossObject;
    recording.readsOfPath = state.only?.reads ?? 0;
    Object.assign(state, { ...outer, recording: undefined });
    if (state.only) state.only.reads = outer.readsOfPath;
  }
  apply(state, recording);
  return recording;
}

/** Whether the checks the recorded rendering made against its chain answer alike for `chain`. */
function replaysAlike(recording: Recording, chain: readonly string[]): boolean {
  return (
    recording.chain.length === chain.length &&
    recording.chainReads.every((path) => holdsVisited(recording.chain, path) === holdsVisited(chain, path))
  );
}

function replay(state: RenderState, recording: Recording, chain: readonly string[]): Working[] {
  apply(state, recording);
  // The objects went through this chain, then what the recorded one went through below it.
  const rebased = new Map<readonly string[], readonly string[]>();
  const through = (below: readonly string[]) => {
    let path = rebased.get(below);
    if (!path) {
      path = [...chain, ...below.slice(recording.chain.length)];
      rebased.set(below, path);
    }
    return path;
  };
  const copies = copiesFor(state, recording);
  return recording.objects.map((working) => handedOver(working, through(working.through), copies));
}

/** Adds what a recorded rendering did to the state, as if it had just rendered. */
function apply(state: RenderState, recording: Recording): void {
  if (state.only) state.only.replayedReads.push(recording.reads);
  else for (const path of recording.reads) state.reads.add(path);
  for (const path of recording.notResources) state.notResources.add(path);
  const notesBefore = state.notes.length;
  state.notes.push(...recording.notes);
  for (const decision of recording.decisions)
    state.decisions.push({ ...decision, notesBefore: decision.notesBefore + notesBefore });
  if (recording.crossObject) state.crossObject = true;
  if (state.only) state.only.reads += recording.readsOfPath;
}

/** A recorded object for another overlay: its tree copied with `copies`, or shared without. */
function handedOver(working: Working, through: readonly string[], copies: SharedCopies | undefined): Working {
  const handed: Working = {
    ...working,
    node: copies ? copyRenderedObject(working.ctx, working.node, copies) : working.node,
    ctx: { source: working.ctx.source, doc: documentNode(null) },
    previous: [...working.previous],
    through,
    prefixes: [...working.prefixes],
    suffixes: [...working.suffixes],
  };
  if (!copies) handed.sharedTree = true;
  return handed;
}

/** The objects of a resource file, each a fresh copy of its document's node. */
function addObjectsOf(
  state: RenderState,
  k: Kustomization,
  entry: { node: Node },
  parsed: ParsedFile,
  objects: Working[],
  chain: readonly string[],
): void {
  const documents = documentsOf(state, parsed);
  const nodesOf = new Map<number, YAMLMap[]>();
  for (const resource of parsed.resources) {
    const doc = documents[resource.docIndex];
    if (!doc) continue;
    const ctx: DocumentContext = { source: parsed.source, doc };
    let nodes = nodesOf.get(resource.docIndex);
    if (!nodes) {
      const root = asMap(ctx, doc.contents);
      nodes = root ? resourceNodes(ctx, root) : [];
      nodesOf.set(resource.docIndex, nodes);
    }
    const node = nodes[resource.nodeIndex];
    if (!node) continue;
    const working = workingOf(state, k, entry, resource, ctx, node, chain);
    if (working) objects.push(working);
  }
}

function workingOf(
  state: RenderState,
  k: Kustomization,
  entry: { node: Node },
  origin: Resource,
  ctx: DocumentContext,
  node: YAMLMap,
  chain: readonly string[],
): Working | undefined {
  try {
    const copy = cloneResolved(ctx, node);
    if (!isMap(copy)) return undefined;
    return {
      origin,
      node: copy,
      ctx: { source: origin.source, doc: documentNode(null) },
      previous: [],
      // Never changed: the chain itself, shared by every object read at this point.
      through: chain,
      prefixes: [],
      suffixes: [],
    };
  } catch (error) {
    if (!(error instanceof CloneTooLarge)) throw error;
    addNote(state, k.source, entry.node, 'a resource too large to render (aliases)');
    return undefined;
  }
}

// The fields of a kustomization, by what the renderer does with them.
const RENDERED = new Set([
  'resources',
  'bases',
  'components',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'labels',
  'commonLabels',
  'commonAnnotations',
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'replicas',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
  'replacements',
]);
// Left out without a note: they cannot change what the mesh sees. `images` rewrites container
// images only; `sortOptions` the order of the output; `helmGlobals` matters only to `helmCharts`,
// which is noted itself.
const IGNORED = new Set(['apiVersion', 'kind', 'metadata', 'images', 'sortOptions', 'helmGlobals']);

/** A note for each field the renderer does not follow, on the field's key. */
function noteUnsupported(state: RenderState, k: Kustomization): void {
  for (const pair of k.root.items) {
    const key = scalarText(k.ctx, pair.key);
    if (key === undefined || key === '<<' || RENDERED.has(key) || IGNORED.has(key)) continue;
    const value = resolveAlias(k.ctx, pair.value);
    // An empty field (`vars: []`, `helmCharts:`) asks for nothing.
    if (value === undefined || ((isSeq(value) || isMap(value)) && value.items.length === 0)) continue;
    if (isScalarNull(value)) continue;
    addNote(state, k.source, pair.key as Node, key);
    if (CONFIG_FILE_FIELDS.has(key)) keepConfigFilesOut(state, k, value);
  }
  const labels = fieldOf(k, 'labels');
  if (isSeq(labels)) {
    for (const item of labels.items) {
      const entry = asMap(k.ctx, item);
      const fields = entry && findPair(k.ctx, entry, 'fields');
      if (fields) addNote(state, k.source, fields.key as Node, 'labels fields');
    }
  }
}

// Fields whose entries name files of configuration for kustomize itself (a LabelTransformer's
// settings, a CRD schema): those files are read by the build, never output, so they are no
// resources of any cluster even though the feature is not rendered (kubectl outputs no
// LabelTransformer; placed as a manifest, each overlay's copy was a false MESH105).
const CONFIG_FILE_FIELDS = new Set([
  'transformers',
  'generators',
  'validators',
  'configurations',
  'crds',
  'openapi',
]);

function keepConfigFilesOut(state: RenderState, k: Kustomization, value: Node): void {
  const entries = isSeq(value) ? value.items : isMap(value) ? [findPair(k.ctx, value, 'path')?.value] : [];
  for (const entry of entries) {
    const text = scalarText(k.ctx, entry);
    const path = text === undefined ? undefined : resolvePath(k.folder, text);
    if (path === undefined) continue;
    state.reads.add(path);
    state.notResources.add(path);
  }
}

function isScalarNull(node: Node): boolean {
  return 'value' in node && (node as { value: unknown }).value === null;
}

/** A field as the transformers read it: its key and value nodes in the kustomization. */
function written(k: Kustomization, key: string): Written | undefined {
  const value = fieldOf(k, key);
  const keyNode = keyOf(k, key);
  return value && keyNode ? { ctx: k.ctx, key: keyNode, value } : undefined;
}

/** A kustomization's transformers, in kustomize's order. */
function transform(state: RenderState, k: Kustomization, objects: Working[]): Working[] {
  let result = objects;
  const byName = new ObjectsByName();
  for (const patch of readStrategicMergePatches(state, k)) result = applyPatch(state, patch, result, byName);
  for (const patch of readPatches(state, k)) result = applyPatch(state, patch, result, byName);
  const namespace = written(k, 'namespace');
  if (namespace) setNamespace(result, namespace);
  addNameAffixes(result, written(k, 'namePrefix'), written(k, 'nameSuffix'));
  addLabels(k, result);
  const commonLabels = written(k, 'commonLabels');
  if (commonLabels) addEntries(result, commonLabels, COMMON_LABELS);
  const commonAnnotations = written(k, 'commonAnnotations');
  if (commonAnnotations) addEntries(result, commonAnnotations, COMMON_ANNOTATIONS);
  for (const patch of readJsonPatches(state, k)) result = applyPatch(state, patch, result);
  addReplicas(state, k, result);
  applyReplacements(state, k, result);
  return result;
}

/** `labels:` entries: metadata always; selectors (and templates) with `includeSelectors`; templates with `includeTemplates`. */
function addLabels(k: Kustomization, objects: Working[]): void {
  const labels = fieldOf(k, 'labels');
  if (!isSeq(labels)) return;
  for (const item of labels.items) {
    const entry = asMap(k.ctx, item);
    const pairs = entry && findPair(k.ctx, entry, 'pairs');
    if (!entry || !pairs?.value) continue;
    const flag = (key: string) => scalarText(k.ctx, findPair(k.ctx, entry, key)?.value) === 'true';
    const specs = flag('includeSelectors')
      ? COMMON_LABELS
      : [METADATA_LABELS, ...(flag('includeTemplates') ? TEMPLATE_LABELS : [])];
    const value = resolveAlias(k.ctx, pairs.value);
    if (value) addEntries(objects, { ctx: k.ctx, key: pairs.key as Node, value }, specs);
  }
}

function addReplicas(state: RenderState, k: Kustomization, objects: Working[]): void {
  const replicas = fieldOf(k, 'replicas');
  if (!isSeq(replicas)) return;
  for (const item of replicas.items) {
    const entry = asMap(k.ctx, item);
    if (!entry) continue;
    const name = scalarText(k.ctx, findPair(k.ctx, entry, 'name')?.value);
    const count = findPair(k.ctx, entry, 'count');
    const value = resolveAlias(k.ctx, count?.value);
    if (!name || !count || !value) {
      addNote(state, k.source, entry, 'replicas entry without name or count');
      continue;
    }
    const matched = setReplicas(objects, { ctx: k.ctx, key: count.key as Node, value }, name, REPLICAS);
    decide(state, matched);
    if (matched === 0) {
      addNote(state, k.source, entry, `replicas ${name} matches no resource`);
    }
  }
}
