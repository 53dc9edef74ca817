import { Document, isMap, isScalar, type Node, type Pair, Scalar, type YAMLMap } from 'yaml';
import type { SourceFile } from '../text/source';
import { markWrittenIn, resolveAlias, scalarText, seqItems, sourceOfNode } from '../yaml/nodes';
import { createResource, type Resource } from '../yaml/resource';
import { secretValue } from './base64';
import { cloneResolved, copyRendered, mapAt, scalarAt } from './clone';
import { contentHash } from './content-hash';
import { partOf } from './inline-text';
import { fieldOf, type Kustomization } from './kustomization-file';
import { resolvePath } from './paths';
import { sameId } from './res-id';
import { addNote, type RenderState, readText } from './state';
import { mapChild, pairIn, removeKey, setPair, textOf } from './tree';
import { everyId, rememberId, type Working } from './working';

// `configMapGenerator` and `secretGenerator` (SPEC §9), as kustomize v5 runs them: after a
// kustomization's resources and before its components, each generated object added to what was
// gathered, or merged into (`behavior: merge`) or replacing (`behavior: replace`) the object of the
// same name gathered before. Every value is a scalar placed where it is written: a literal's value
// on its characters in the kustomization, a file's content on that file, an env file's value on its
// line, so that a hostname in a generated ConfigMap is found where it is written. The content hash
// suffix is added at the end of the build (`addHashSuffixes`).

type GeneratedKind = 'ConfigMap' | 'Secret';

/** A key and value of a generated object's data, each a node placed where it is written. */
interface DataEntry {
  /** The file the value is written in. */
  source: SourceFile;
  key: string;
  keyNode: Scalar;
  value: string;
  valueNode: Scalar;
}

/** `generatorOptions`, or an entry's `options`: the kustomization's nodes that set them. */
interface Options {
  labels: Pair[];
  annotations: Pair[];
  disableNameSuffixHash: boolean;
  immutable?: Node;
}

interface Generator {
  kind: GeneratedKind;
  entry: YAMLMap;
  name: Node;
  namespace?: Node;
  behavior: string;
  data: DataEntry[];
  options: Options;
  type?: Node;
}

const FIELDS: readonly [string, GeneratedKind][] = [
  ['configMapGenerator', 'ConfigMap'],
  ['secretGenerator', 'Secret'],
];

/** Runs a kustomization's generators over the objects gathered so far; returns the new list. */
export function runGenerators(
  state: RenderState,
  k: Kustomization,
  objects: Working[],
  chain: readonly string[],
): Working[] {
  const global = readOptions(k, fieldOf(k, 'generatorOptions'));
  let result = objects;
  let ordinal = 0;
  for (const [field, kind] of FIELDS) {
    for (const item of seqItems(k.ctx, fieldOf(k, field))) {
      const entry = resolveAlias(k.ctx, item);
      ordinal++;
      if (!isMap(entry)) {
        addNote(state, k.source, item, `${field} entry that is not a map`);
        continue;
      }
      const generator = readGenerator(state, k, kind, entry, global);
      if (generator)
        result = absorb(state, k, generator, generatedWorking(k, generator, ordinal, chain), result);
    }
  }
  return result;
}

function field(k: Kustomization, map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((candidate) => scalarText(k.ctx, candidate.key) === key);
  return pair ? (resolveAlias(k.ctx, pair.value) ?? undefined) : undefined;
}

function readGenerator(
  state: RenderState,
  k: Kustomization,
  kind: GeneratedKind,
  entry: YAMLMap,
  global: Options,
): Generator | undefined {
  const name = field(k, entry, 'name');
  if (!name || !scalarText(k.ctx, name)) {
    addNote(state, k.source, entry, `${kind} generator without a name`);
    return undefined;
  }
  const data = readData(state, k, kind, entry);
  if (!data) return undefined;
  const namespace = field(k, entry, 'namespace');
  const type = kind === 'Secret' ? field(k, entry, 'type') : undefined;
  return {
    kind,
    entry,
    name,
    ...(namespace && scalarText(k.ctx, namespace) ? { namespace } : {}),
    behavior: scalarText(k.ctx, field(k, entry, 'behavior')) ?? '',
    data,
    options: mergedOptions(k, readOptions(k, field(k, entry, 'options')), global),
    ...(type && scalarText(k.ctx, type) ? { type } : {}),
  };
}

/**
 * The data of an entry, in kustomize's order (env files, then literals, then files), or undefined
 * with a note when kustomize refuses it (a malformed literal, a missing file, a repeated key). Keys
 * are not validated: kubectl's kustomize accepts any (the API server judges them).
 */
function readData(
  state: RenderState,
  k: Kustomization,
  kind: GeneratedKind,
  entry: YAMLMap,
): DataEntry[] | undefined {
  const data: DataEntry[] = [];
  const envs = seqItems(k.ctx, field(k, entry, 'envs'));
  const env = field(k, entry, 'env');
  if (env && isScalar(env)) envs.push(env);
  for (const node of envs) {
    const source = sourceFile(state, k, kind, node);
    if (!source) return undefined;
    data.push(...envEntries(source));
  }
  for (const node of seqItems(k.ctx, field(k, entry, 'literals'))) {
    const literal = isScalar(node) ? literalEntry(k, node) : undefined;
    if (!literal) {
      addNote(state, k.source, node, `${kind} generator literal that is not key=value`);
      return undefined;
    }
    data.push(literal);
  }
  for (const node of seqItems(k.ctx, field(k, entry, 'files'))) {
    const file = fileEntry(state, k, kind, node);
    if (!file) return undefined;
    data.push(file);
  }
  const seen = new Set<string>();
  for (const item of data) {
    if (seen.has(item.key)) {
      addNote(state, k.source, entry, `${kind} generator repeats the key ${item.key}`);
      return undefined;
    }
    seen.add(item.key);
  }
  return data;
}

/** A scalar placed on `[start, end)` of a file. */
function placedIn(source: SourceFile, value: string, start: number, end: number): Scalar {
  const scalar = new Scalar(value);
  scalar.range = [start, end, end];
  markWrittenIn(scalar, source);
  return scalar;
}

/** `KEY=value`: the value after the first `=`, without one pair of surrounding quotes (kustomize's rule). */
function literalEntry(k: Kustomization, node: Scalar): DataEntry | undefined {
  const text = scalarText(k.ctx, node);
  const equals = text?.indexOf('=') ?? -1;
  if (!text || equals <= 0) return undefined;
  let from = equals + 1;
  let to = text.length;
  const quote = text[from];
  if (to - from >= 2 && (quote === '"' || quote === "'") && text[to - 1] === quote) {
    from++;
    to--;
  }
  return {
    source: k.source,
    key: text.slice(0, equals),
    keyNode: partOf(k.source, node, text, 0, equals),
    value: text.slice(from, to),
    valueNode: partOf(k.source, node, text, from, to),
  };
}

/** `[key=]path`: the file's whole text under the key, or the file's name. */
function fileEntry(
  state: RenderState,
  k: Kustomization,
  kind: GeneratedKind,
  node: Node,
): DataEntry | undefined {
  const text = scalarText(k.ctx, node) ?? '';
  const separators = text.split('=').length - 1;
  if (separators > 1 || text.startsWith('=') || (separators === 1 && text.endsWith('='))) {
    addNote(state, k.source, node, `${kind} generator file source ${text} (not [key=]path)`);
    return undefined;
  }
  const equals = text.indexOf('=');
  const path = equals < 0 ? text : text.slice(equals + 1);
  const source = sourceFile(state, k, kind, node, path);
  if (!source) return undefined;
  // Without `key=`, the key is the path's last segment (Go's path.Base).
  const key = equals < 0 ? (path.replace(/\/+$/, '').split('/').pop() ?? path) : text.slice(0, equals);
  const keyStart = equals < 0 ? Math.max(0, text.lastIndexOf(key)) : 0;
  const keyNode = isScalar(node)
    ? partOf(k.source, node, text, keyStart, keyStart + key.length)
    : scalarAt(key, node, k.source);
  return {
    source,
    key,
    keyNode,
    value: source.text,
    valueNode: placedIn(source, source.text, 0, source.text.length),
  };
}

/**
 * The file a generator reads, or undefined with a note: kustomize reads only files in or below the
 * kustomization's folder, and Mesh Lens only the workspace's files it holds.
 */
function sourceFile(
  state: RenderState,
  k: Kustomization,
  kind: GeneratedKind,
  node: Node,
  written = scalarText(k.ctx, node) ?? '',
): SourceFile | undefined {
  const path = resolvePath(k.folder, written);
  if (path === undefined || !(k.folder === '' || path.startsWith(`${k.folder}/`))) {
    addNote(state, k.source, node, `${kind} generator file ${written} outside the kustomization's folder`);
    return undefined;
  }
  const source = readText(state, path);
  if (!source) {
    const folder = state.ws.hasFolder(path);
    addNote(
      state,
      k.source,
      node,
      `${kind} generator file ${written} (${folder ? 'a folder' : 'not among the workspace files Mesh Lens reads'})`,
    );
  }
  return source;
}

// Go's unicode.IsSpace, which kustomize trims an env file's lines with (JavaScript's \s has U+FEFF
// and lacks U+0085).
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** An env file's `KEY=value` lines (blank lines, `#` comments and lines without a key skipped). */
function envEntries(source: SourceFile): DataEntry[] {
  const text = source.text;
  const entries: DataEntry[] = [];
  let lineNumber = 0;
  for (let start = 0; start < text.length; lineNumber++) {
    const newline = text.indexOf('\n', start);
    const next = newline < 0 ? text.length : newline + 1;
    let end = newline < 0 ? text.length : newline;
    if (text[end - 1] === '\r') end--;
    let from = start;
    if (lineNumber === 0 && text[from] === '\uFEFF') from++;
    from += LEADING_SPACE.exec(text.slice(from, end))?.[0].length ?? 0;
    start = next;
    if (from >= end || text[from] === '#') continue;
    const line = text.slice(from, end);
    const equals = line.indexOf('=');
    const key = equals < 0 ? line : line.slice(0, equals);
    if (key === '') continue;
    const valueStart = equals < 0 ? end : from + equals + 1;
    entries.push({
      source,
      key,
      keyNode: placedIn(source, key, from, from + key.length),
      value: text.slice(valueStart, end),
      valueNode: placedIn(source, text.slice(valueStart, end), valueStart, end),
    });
  }
  return entries;
}

function readOptions(k: Kustomization, node: Node | undefined): Options {
  const map = resolveAlias(k.ctx, node);
  if (!isMap(map)) return { labels: [], annotations: [], disableNameSuffixHash: false };
  const entries = (key: string) => {
    const value = field(k, map, key);
    return isMap(value) ? (value.items as Pair[]).filter((pair) => scalarText(k.ctx, pair.key) !== '<<') : [];
  };
  const flag = (key: string) => {
    const value = field(k, map, key);
    return isScalar(value) && (value.value === true || scalarText(k.ctx, value) === 'true')
      ? value
      : undefined;
  };
  const immutable = flag('immutable');
  return {
    labels: entries('labels'),
    annotations: entries('annotations'),
    disableNameSuffixHash: flag('disableNameSuffixHash') !== undefined,
    ...(immutable ? { immutable } : {}),
  };
}

/** An entry's options over `generatorOptions` (kustomize's rule): its own keys win, a global `true` wins. */
function mergedOptions(k: Kustomization, local: Options, global: Options): Options {
  const merged = (own: Pair[], shared: Pair[]) => {
    const keys = new Set(own.map((pair) => scalarText(k.ctx, pair.key)));
    return [...own, ...shared.filter((pair) => !keys.has(scalarText(k.ctx, pair.key)))];
  };
  const immutable = local.immutable ?? global.immutable;
  return {
    labels: merged(local.labels, global.labels),
    annotations: merged(local.annotations, global.annotations),
    disableNameSuffixHash: local.disableNameSuffixHash || global.disableNameSuffixHash,
    ...(immutable ? { immutable } : {}),
  };
}

/** Go's sort.Strings order: by code point. */
function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The generated object, as kustomize writes it, every node placed in the kustomization or a source file. */
function generatedNode(k: Kustomization, generator: Generator): YAMLMap {
  const { source } = k;
  const at = generator.entry;
  const copy = (node: Node) => cloneResolved(k.ctx, node, { mark: source });
  const node = mapAt(at, source);
  setPair(node, scalarAt('apiVersion', at, source), scalarAt('v1', at, source));
  setPair(node, scalarAt('kind', at, source), scalarAt(generator.kind, at, source));
  const metadata = mapAt(at, source);
  setPair(node, scalarAt('metadata', at, source), metadata);
  setPair(metadata, scalarAt('name', generator.name, source), copy(generator.name));
  if (generator.namespace)
    setPair(metadata, scalarAt('namespace', generator.namespace, source), copy(generator.namespace));
  if (generator.kind === 'Secret') {
    const type = generator.type ? copy(generator.type) : scalarAt('Opaque', at, source);
    setPair(node, scalarAt('type', generator.type ?? at, source), type);
  }
  const entries = [...generator.data].sort((a, b) => byKey(a.key, b.key));
  if (entries.length > 0 || generator.kind === 'Secret') {
    const data = mapAt(at, source);
    for (const entry of entries) setPair(data, entry.keyNode, valueNodeOf(generator.kind, entry));
    setPair(node, scalarAt('data', at, source), data);
  }
  for (const [key, pairs] of [
    ['labels', generator.options.labels],
    ['annotations', generator.options.annotations],
  ] as const) {
    if (pairs.length === 0) continue;
    const map = mapAt(at, source);
    const sorted = [...pairs].sort((a, b) =>
      byKey(scalarText(k.ctx, a.key) ?? '', scalarText(k.ctx, b.key) ?? ''),
    );
    for (const pair of sorted) setPair(map, copy(pair.key as Node), copy(pair.value as Node));
    setPair(metadata, scalarAt(key, at, source), map);
  }
  const { immutable } = generator.options;
  if (immutable) setPair(node, scalarAt('immutable', immutable, source), scalarAt(true, immutable, source));
  return node;
}

/** A Secret's value is its base64 (placed where the text it encodes is written); a ConfigMap's is the text. */
function valueNodeOf(kind: GeneratedKind, entry: DataEntry): Scalar {
  if (kind === 'ConfigMap') return entry.valueNode;
  const encoded = new Scalar(secretValue(entry.value));
  const { range } = entry.valueNode;
  if (range) encoded.range = [range[0], range[1], range[2]];
  markWrittenIn(encoded, entry.source);
  return encoded;
}

function generatedWorking(
  k: Kustomization,
  generator: Generator,
  ordinal: number,
  chain: readonly string[],
): Working {
  const node = generatedNode(k, generator);
  const doc = new Document() as unknown as Document.Parsed;
  return {
    origin: generatedOrigin(k, node, ordinal),
    node,
    ctx: { source: k.source, doc },
    previous: [],
    through: [...chain],
    prefixes: [],
    suffixes: [],
    hashSuffix: !generator.options.disableNameSuffixHash,
  };
}

/**
 * The "document" a generated object comes from, for the model: its generator's entry in the
 * kustomization (its name is the entry's `name:`). Its index is negative, no document of the file.
 */
function generatedOrigin(k: Kustomization, node: YAMLMap, ordinal: number): Resource {
  const doc = new Document() as unknown as Document.Parsed;
  const copy = copyRendered({ source: k.source, doc }, node) as YAMLMap;
  (doc as Document).contents = copy;
  const resource = createResource({ source: k.source, doc }, 0, -ordinal, copy) as Resource;
  return Object.defineProperties(resource, { doc: { value: doc }, node: { value: copy } });
}

/**
 * Adds a generated object to the gathered ones, as kustomize absorbs a generator's output: a new
 * name is added (`merge` and `replace` need an object to act on); an existing one is merged or
 * replaced in place (`create` may not name one).
 */
function absorb(
  state: RenderState,
  k: Kustomization,
  generator: Generator,
  generated: Working,
  objects: Working[],
): Working[] {
  const id = {
    group: '',
    version: 'v1',
    kind: generator.kind,
    name: scalarText(k.ctx, generator.name) ?? '',
    namespace: generator.namespace ? (scalarText(k.ctx, generator.namespace) ?? '') : '',
  };
  const matches = objects.filter((working) => everyId(working).some((candidate) => sameId(candidate, id)));
  const behavior = generator.behavior;
  const merging = behavior === 'merge' || behavior === 'replace';
  if (matches.length > 1) {
    addNote(
      state,
      k.source,
      generator.entry,
      `${generator.kind} ${id.name} matches ${matches.length} resources`,
    );
    return objects;
  }
  const [old] = matches;
  if (!old) {
    if (merging) {
      addNote(
        state,
        k.source,
        generator.entry,
        `${generator.kind} ${id.name} to ${behavior} matches no resource`,
      );
      return objects;
    }
    return [...objects, generated];
  }
  if (!merging) {
    addNote(
      state,
      k.source,
      generator.entry,
      `${generator.kind} ${id.name} exists (behavior must be merge or replace)`,
    );
    return objects;
  }
  const combined = combine(old, generated, behavior === 'merge');
  return objects.map((working) => (working === old ? combined : working));
}

/**
 * A generated object merged with (or replacing) a gathered one: the generated object, with the old
 * one's name, namespace and history, their labels and annotations merged (the generated ones win)
 * and, when merging, their data merged too. It keeps the hash suffix only if both wanted it.
 */
function combine(old: Working, generated: Working, mergeData: boolean): Working {
  const node = generated.node;
  const metadata = mapChild(node, 'metadata') as YAMLMap;
  const oldMetadata = mapChild(old.node, 'metadata');
  const name = oldMetadata && pairIn(oldMetadata, 'name');
  if (name) setPair(metadata, name.key as Node, name.value as Node);
  const namespace = oldMetadata && pairIn(oldMetadata, 'namespace');
  if (namespace) setPair(metadata, namespace.key as Node, namespace.value as Node);
  else removeKey(metadata, 'namespace');
  for (const key of ['labels', 'annotations']) mergeEntries(metadata, oldMetadata, key, false);
  if (mergeData) for (const key of ['data', 'binaryData']) mergeEntries(node, old.node, key, true);
  return { ...old, node, hashSuffix: old.hashSuffix === true && generated.hashSuffix === true };
}

/**
 * Sets `key` of `target` to the old map's entries overridden by the target's own; without entries
 * the field goes. Data maps are written again at the end, sorted, as kustomize rewrites them.
 */
function mergeEntries(target: YAMLMap, old: unknown, key: string, rewrite: boolean): void {
  const own = pairIn(target, key);
  const oldPair = isMap(old) ? pairIn(old, key) : undefined;
  const entries = new Map<string, Pair>();
  for (const map of [oldPair?.value, own?.value])
    if (isMap(map)) for (const pair of map.items as Pair[]) entries.set(textOf(pair.key) ?? '', pair);
  const keyNode = (own?.key ?? oldPair?.key) as Node | undefined;
  const map = isMap(own?.value) ? own.value : isMap(oldPair?.value) ? oldPair.value : undefined;
  if (entries.size === 0 || !keyNode || !map) {
    removeKey(target, key);
    return;
  }
  const pairs = [...entries.entries()];
  if (rewrite) pairs.sort(([a], [b]) => byKey(a, b));
  map.items = pairs.map(([, pair]) => pair);
  if (rewrite) removeKey(target, key);
  setPair(target, keyNode, map);
}

/**
 * The content hash suffix of generated ConfigMaps and Secrets, added once at the end of the build
 * (kustomize's last step before it fixes name references): the new name stays where the name was
 * written, and the name before it is remembered for references.
 */
export function addHashSuffixes(objects: Working[]): void {
  for (const working of objects) {
    if (!working.hashSuffix) continue;
    const metadata = mapChild(working.node, 'metadata');
    const name = metadata && pairIn(metadata, 'name');
    const current = textOf(name?.value);
    if (!name || current === undefined) continue;
    rememberId(working);
    const renamed = new Scalar(`${current}-${contentHash(working.node)}`);
    const written = name.value as Node;
    if (written.range) renamed.range = [written.range[0], written.range[1], written.range[2]];
    markWrittenIn(renamed, sourceOfNode(working.ctx, written));
    name.value = renamed;
  }
}
