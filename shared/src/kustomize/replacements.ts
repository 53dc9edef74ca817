import { isMap, isScalar, isSeq, type Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { SourceFile } from '../text/source';
import {
  type DocumentContext,
  markWrittenIn,
  resolveAlias,
  scalarText,
  seqItems,
  sourceOfNode,
} from '../yaml/nodes';
import { YAML_SYNTAX } from '../yaml/parse-file';
import { copyRendered } from './clone';
import { partOf } from './inline-text';
import { fieldOf, type Kustomization } from './kustomization-file';
import { effectiveNamespace, idOf, type ResId } from './res-id';
import { entriesOf, matchesRequirements, parseSelector, type Requirement } from './selector';
import { addNote, documentsOf, type RenderState, readConfigFile } from './state';
import { childOf, textOf } from './tree';
import { everyId, type Working } from './working';

// `replacements` (SPEC §9), as kustomize v5 runs them, last of a kustomization's transformers: a
// value read from one object's field is written into fields of the objects the targets select.
// The written value is a copy of the source's node, so it still points at where the value is
// written (a hostname copied from a ConfigMap's literal is found in the kustomization); a value
// built from pieces (a delimiter's join) points at the target's node it replaced.

/** Which objects a selector names: kustomize's ResId (exact name) with label and annotation selectors. */
interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: Requirement[];
  annotationSelector?: Requirement[];
}

interface FieldOptions {
  delimiter?: string;
  index: number;
  create: boolean;
}

interface Target {
  select: Selector;
  reject: Selector[];
  fieldPaths: string[];
  options: FieldOptions;
  node: Node;
}

interface Replacement {
  /** The file and node that wrote it, for notes and for the nodes it creates. */
  file: SourceFile;
  node: Node;
  source: Selector;
  fieldPath: string;
  sourceOptions: FieldOptions;
  targets: Target[];
}

/** Runs a kustomization's `replacements` over its objects, each in order. */
export function applyReplacements(state: RenderState, k: Kustomization, objects: Working[]): void {
  for (const replacement of readReplacements(state, k)) {
    const failed = replace(replacement, objects);
    if (failed) addNote(state, replacement.file, replacement.node, `replacement: ${failed}`);
  }
}

/** The replacements a kustomization lists, inline or from files (`path:`, one or a list). */
function readReplacements(state: RenderState, k: Kustomization): Replacement[] {
  const replacements: Replacement[] = [];
  for (const item of seqItems(k.ctx, fieldOf(k, 'replacements'))) {
    const entry = resolveAlias(k.ctx, item);
    if (!isMap(entry)) {
      addNote(state, k.source, item, 'replacement that is not a map');
      continue;
    }
    const path = scalarText(k.ctx, fieldValue(k.ctx, entry, 'path'));
    if (path === undefined) {
      const read = readReplacement(k.ctx, entry);
      if (typeof read === 'string') addNote(state, k.source, entry, `replacement: ${read}`);
      else replacements.push(read);
      continue;
    }
    if (fieldValue(k.ctx, entry, 'source') || fieldValue(k.ctx, entry, 'targets')) {
      addNote(state, k.source, entry, 'replacement with both a path and an inline replacement');
      continue;
    }
    replacements.push(...replacementsInFile(state, k, fieldValue(k.ctx, entry, 'path') as Node, path));
  }
  return replacements;
}

function replacementsInFile(
  state: RenderState,
  k: Kustomization,
  entry: Node,
  written: string,
): Replacement[] {
  const parsed = readConfigFile(state, k, entry, written);
  if (!parsed) return [];
  const [doc] = documentsOf(state, parsed);
  if (!doc || parsed.findings.some((finding) => finding.code === YAML_SYNTAX)) {
    addNote(state, k.source, entry, `unparsable replacement file ${written}`);
    return [];
  }
  const ctx: DocumentContext = { source: parsed.source, doc };
  const root = resolveAlias(ctx, doc.contents);
  const entries = isSeq(root) ? seqItems(ctx, root) : isMap(root) ? [root] : [];
  if (entries.length === 0)
    addNote(state, k.source, entry, `replacement file ${written} holds no replacement`);
  const replacements: Replacement[] = [];
  for (const item of entries) {
    const read = isMap(item) ? readReplacement(ctx, item) : 'not a map';
    if (typeof read === 'string') addNote(state, parsed.source, item, `replacement: ${read}`);
    else replacements.push(read);
  }
  return replacements;
}

function fieldValue(ctx: DocumentContext, map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((candidate) => scalarText(ctx, candidate.key) === key);
  return pair ? (resolveAlias(ctx, pair.value) ?? undefined) : undefined;
}

function readReplacement(ctx: DocumentContext, entry: YAMLMap): Replacement | string {
  const sourceNode = fieldValue(ctx, entry, 'source');
  const targetNodes = seqItems(ctx, fieldValue(ctx, entry, 'targets'));
  if (!isMap(sourceNode) || targetNodes.length === 0) return 'a source and at least one target are needed';
  const source = readSelector(ctx, sourceNode);
  if (typeof source === 'string') return source;
  const targets: Target[] = [];
  for (const node of targetNodes) {
    if (!isMap(node)) return 'a target that is not a map';
    const select = fieldValue(ctx, node, 'select');
    if (!isMap(select)) return 'a target without select';
    const selector = readSelector(ctx, select);
    if (typeof selector === 'string') return selector;
    const reject: Selector[] = [];
    for (const item of seqItems(ctx, fieldValue(ctx, node, 'reject'))) {
      const read = isMap(item) ? readSelector(ctx, item) : 'a reject that is not a map';
      if (typeof read === 'string') return read;
      reject.push(read);
    }
    const fieldPaths = seqItems(ctx, fieldValue(ctx, node, 'fieldPaths')).flatMap((item) => {
      const text = scalarText(ctx, item);
      return text === undefined ? [] : [text];
    });
    targets.push({
      select: selector,
      reject,
      fieldPaths: fieldPaths.length > 0 ? fieldPaths : [DEFAULT_FIELD_PATH],
      options: readOptions(ctx, fieldValue(ctx, node, 'options')),
      node,
    });
  }
  return {
    file: ctx.source,
    node: entry,
    source,
    fieldPath: scalarText(ctx, fieldValue(ctx, sourceNode, 'fieldPath')) || DEFAULT_FIELD_PATH,
    sourceOptions: readOptions(ctx, fieldValue(ctx, sourceNode, 'options')),
    targets,
  };
}

const DEFAULT_FIELD_PATH = 'metadata.name';

function readSelector(ctx: DocumentContext, map: YAMLMap): Selector | string {
  const selector: Selector = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace'] as const) {
    const text = scalarText(ctx, fieldValue(ctx, map, key));
    if (text) selector[key] = text;
  }
  for (const key of ['labelSelector', 'annotationSelector'] as const) {
    const text = scalarText(ctx, fieldValue(ctx, map, key));
    if (!text) continue;
    const requirements = parseSelector(text);
    if (!requirements) return `${key} ${text} (not a label selector)`;
    selector[key] = requirements;
  }
  return selector;
}

function readOptions(ctx: DocumentContext, node: Node | undefined): FieldOptions {
  if (!isMap(node)) return { index: 0, create: false };
  const delimiter = scalarText(ctx, fieldValue(ctx, node, 'delimiter'));
  const index = Number(scalarText(ctx, fieldValue(ctx, node, 'index')) ?? 0);
  return {
    ...(delimiter ? { delimiter } : {}),
    index: Number.isInteger(index) ? index : 0,
    create: scalarText(ctx, fieldValue(ctx, node, 'create')) === 'true',
  };
}

/** Whether an id is one a selector's ResId names (kustomize's `IsSelectedBy`: the name is exact). */
function selectsId(selector: Selector, id: ResId): boolean {
  if (selector.name !== undefined && selector.name !== id.name) return false;
  if (selector.namespace !== undefined) {
    const own = {
      group: selector.group ?? '',
      version: '',
      kind: selector.kind ?? '',
      name: '',
      namespace: selector.namespace,
    };
    if (effectiveNamespace(own) !== effectiveNamespace(id)) return false;
  }
  return (
    (selector.group === undefined || selector.group === id.group) &&
    (selector.version === undefined || selector.version === id.version) &&
    (selector.kind === undefined || selector.kind === id.kind)
  );
}

function hasIdSelector(selector: Selector): boolean {
  return ['group', 'version', 'kind', 'name', 'namespace'].some(
    (key) => selector[key as keyof Selector] !== undefined,
  );
}

function matchesEntries(selector: Selector, node: YAMLMap): boolean {
  const metadata = childOf(node, 'metadata');
  return (
    (!selector.labelSelector ||
      matchesRequirements(selector.labelSelector, entriesOf(childOf(metadata, 'labels')))) &&
    (!selector.annotationSelector ||
      matchesRequirements(selector.annotationSelector, entriesOf(childOf(metadata, 'annotations'))))
  );
}

/** Runs one replacement; what made kustomize fail, if anything. */
function replace(replacement: Replacement, objects: Working[]): string | undefined {
  const sources = objects.filter((working) =>
    everyId(working).some((id) => selectsId(replacement.source, id)),
  );
  if (sources.length !== 1)
    return sources.length === 0
      ? 'its source selects no resource'
      : `its source selects ${sources.length} resources`;
  const source = sources[0] as Working;
  const found = lookup(source.node, splitPath(replacement.fieldPath));
  if (typeof found === 'string') return found;
  if (!found || isEmpty(found)) return `the source has no ${replacement.fieldPath}`;
  const value = refined(source, found, replacement.sourceOptions);
  if (typeof value === 'string') return value;
  for (const target of replacement.targets) {
    for (const working of objects) {
      if (!selectedByTarget(target, working)) continue;
      for (const fieldPath of target.fieldPaths) {
        const failed = writeValue(replacement, target, working, fieldPath, value);
        if (failed) return failed;
      }
    }
  }
  return undefined;
}

function selectedByTarget(target: Target, working: Working): boolean {
  if (!matchesEntries(target.select, working.node)) return false;
  const withEntries = target.reject.filter((reject) => reject.labelSelector || reject.annotationSelector);
  if (withEntries.some((reject) => matchesEntries(reject, working.node))) return false;
  const ids = everyId(working);
  const rejected = target.reject.some(
    (reject) => hasIdSelector(reject) && ids.some((id) => selectsId(reject, id)),
  );
  return !rejected && ids.some((id) => selectsId(target.select, id));
}

/** The value read from the source: its node, or a new scalar for one piece of it (`delimiter`, `index`). */
function refined(
  source: Working,
  node: Node,
  options: FieldOptions,
): { ctx: DocumentContext; node: Node } | string {
  if (!options.delimiter) return { ctx: source.ctx, node };
  if (!isScalar(node)) return 'a delimiter can only split a scalar';
  const text = textOf(node) ?? '';
  const { delimiter } = options;
  const pieces = text.split(delimiter);
  if (options.index < 0 || options.index >= pieces.length)
    return `options.index ${options.index} is out of bounds for ${text}`;
  const from = pieces
    .slice(0, options.index)
    .reduce((sum, piece) => sum + piece.length + delimiter.length, 0);
  const piece = partOf(
    sourceOfNode(source.ctx, node),
    node,
    text,
    from,
    from + (pieces[options.index] ?? '').length,
  );
  return { ctx: source.ctx, node: piece };
}

function isEmpty(node: Node): boolean {
  if (isMap(node) || isSeq(node)) return node.items.length === 0;
  return isScalar(node) && node.value === null;
}

// ---- Field paths: `spec.template.spec.containers.[name=app].env.[name=URL].value`, `a.[b.c]`, `x.0`

/** kustomize's path splitter: `.` separates, `\.` does not, and a bracketed part keeps its dots. */
export function splitPath(path: string): string[] {
  const raw = path.split('.');
  if (raw.length > 1 && raw[0] === '') raw.shift();
  const escaped: string[] = [raw[0] ?? ''];
  for (const part of raw.slice(1)) {
    const last = escaped.length - 1;
    if ((escaped[last] as string).endsWith('\\'))
      escaped[last] = `${(escaped[last] as string).slice(0, -1)}.${part}`;
    else escaped.push(part);
  }
  const parts: string[] = [];
  for (let index = 0; index < escaped.length; index++) {
    const part = escaped[index] as string;
    if (!part.startsWith('[') || part.endsWith(']')) {
      parts.push(part);
      continue;
    }
    const bracketed = [part];
    while (index < escaped.length - 1) {
      const next = escaped[++index] as string;
      bracketed.push(next);
      if (next.endsWith(']')) break;
    }
    const joined = bracketed.join('.');
    parts.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''));
  }
  return parts;
}

const isIndex = (part: string) => /^\d+$/.test(part);
const isListMatch = (part: string) => part.startsWith('[') && part.endsWith(']');

function listMatch(part: string): { key: string; value: string } | undefined {
  const inner = part.slice(1, -1);
  const equals = inner.indexOf('=');
  return equals < 0 ? undefined : { key: inner.slice(0, equals), value: inner.slice(equals + 1) };
}

/** The source's field (kustomize's `Lookup`: exact `[key=value]` matches, an index or `-` for the last item). */
function lookup(root: Node, parts: string[]): Node | undefined | string {
  let node: Node | undefined = root;
  for (const part of parts) {
    if (!node) return undefined;
    if (isIndex(part) || part === '-') {
      if (!isSeq(node)) return undefined;
      const items: Node[] = node.items as Node[];
      node = part === '-' ? items[items.length - 1] : items[Number(part)];
    } else if (part === '*') {
      return 'a source fieldPath cannot have a wildcard';
    } else if (isListMatch(part)) {
      const match = listMatch(part);
      if (!match) return `${part} is not [field=value]`;
      if (!isSeq(node)) return undefined;
      node = (node.items as Node[]).find((item) =>
        match.key === '' ? textOf(item) === match.value : textOf(childOf(item, match.key)) === match.value,
      );
    } else {
      if (!isMap(node))
        return isScalar(node) && node.value === null ? undefined : `${part} is not a field of a map`;
      node = childOf(node, part);
    }
  }
  return node;
}

/** A place a value goes: a map's pair or a sequence's item. */
interface Slot {
  get(): Node;
  set(node: Node): void;
}

/** What makes the missing parts of a target's path: nodes placed at the target in its file. */
interface Maker {
  file: SourceFile;
  at: Node;
}

function made<T extends Node>(node: T, maker: Maker): T {
  if (maker.at.range) node.range = [maker.at.range[0], maker.at.range[1], maker.at.range[2]];
  markWrittenIn(node, maker.file);
  return node;
}

type Kind = 'map' | 'seq' | 'scalar';

function kindOf(node: Node): Kind {
  return isMap(node) ? 'map' : isSeq(node) ? 'seq' : 'scalar';
}

function emptyOf(kind: Kind, maker: Maker): Node {
  return made(kind === 'map' ? new YAMLMap() : kind === 'seq' ? new YAMLSeq() : new Scalar(null), maker);
}

/** The kind a missing part is made as: a list before an index or `[k=v]`, the value's kind last, else a map. */
function partKind(next: string | undefined, leaf: Kind): Kind {
  if (next === undefined) return leaf;
  return isListMatch(next) || isIndex(next) ? 'seq' : 'map';
}

/**
 * The slots a target's path reaches (kustomize's `PathMatcher`: `[key=regex]` and `*` match every
 * item they fit, an index one), made where missing when `create` says the value's kind.
 */
function slots(
  node: Node,
  parts: string[],
  create: Kind | undefined,
  maker: Maker,
  found: Slot[],
): string | undefined {
  const [part, ...rest] = parts;
  if (part === undefined) return undefined;
  const next = rest[0];
  const descend = (slot: Slot) =>
    rest.length === 0 ? void found.push(slot) : slots(slot.get(), rest, create, maker, found);
  if (isIndex(part)) {
    if (!isSeq(node)) return `${part} indexes something that is not a list`;
    const index = Number(part);
    if (index === node.items.length && create) node.items.push(emptyOf(partKind(next, create), maker));
    if (index >= node.items.length) return `index ${index} but only ${node.items.length} items`;
    return descend(itemSlot(node, index));
  }
  if (part === '*' || isListMatch(part)) {
    if (!isSeq(node)) return `${part} matches in something that is not a list`;
    if (part === '*') {
      for (let index = 0; index < node.items.length; index++) {
        const failed = descend(itemSlot(node, index));
        if (failed) return failed;
      }
      return undefined;
    }
    const match = listMatch(part);
    if (!match) return `${part} is not [field=value]`;
    let pattern: RegExp;
    try {
      // kyaml matches the value as an unanchored Go regular expression.
      pattern = new RegExp(match.value);
    } catch {
      return `${part} (not a regular expression)`;
    }
    const matching = (item: unknown) =>
      match.key === ''
        ? pattern.test((textOf(item) ?? '').trim())
        : pattern.test((textOf(childOf(item, match.key)) ?? '').trim());
    let indexes = node.items.flatMap((item, index) => (matching(item) ? [index] : []));
    if (indexes.length === 0 && create) {
      const value = made(new Scalar(match.value), maker);
      const item = match.key === '' ? value : made(new YAMLMap(), maker);
      if (isMap(item)) item.items.push(new Pair(made(new Scalar(match.key), maker), value));
      node.items.push(item);
      indexes = [node.items.length - 1];
    }
    for (const index of indexes) {
      // A value matched among scalars is the slot itself: the rest of the path is not followed.
      const failed =
        match.key === '' ? void found.push(itemSlot(node, index)) : descend(itemSlot(node, index));
      if (failed) return failed;
    }
    return undefined;
  }
  if (!isMap(node)) return `${part} is not a field of a map`;
  let pair = node.items.find((candidate) => textOf(candidate.key) === part) as Pair<Node, Node> | undefined;
  if (!pair) {
    if (!create) return undefined;
    pair = new Pair(made(new Scalar(part), maker), emptyOf(partKind(next, create), maker));
    node.items.push(pair);
  }
  const holder = pair;
  return descend({
    get: () => holder.value as Node,
    set: (value) => {
      holder.value = value;
    },
  });
}

function itemSlot(seq: YAMLSeq, index: number): Slot {
  return {
    get: () => seq.items[index] as Node,
    set: (value) => {
      seq.items[index] = value;
    },
  };
}

function writeValue(
  replacement: Replacement,
  target: Target,
  working: Working,
  fieldPath: string,
  value: { ctx: DocumentContext; node: Node },
): string | undefined {
  const found: Slot[] = [];
  const create = target.options.create ? kindOf(value.node) : undefined;
  const maker = { file: replacement.file, at: target.node };
  const failed = slots(working.node, splitPath(fieldPath), create, maker, found);
  if (failed) return failed;
  if (found.length === 0)
    return `no field ${fieldPath} in ${idOf(working.node).kind} ${idOf(working.node).name}`;
  for (const slot of found) {
    const written = newValue(slot.get(), value, target.options, working);
    if (typeof written === 'string') return written;
    slot.set(written);
  }
  return undefined;
}

/**
 * The node a target field gets: a copy of the source's (a scalar keeps the target's number or
 * boolean type, as kustomize keeps its tag), or with a delimiter the target's pieces with the value
 * put in, at the target's place.
 */
function newValue(
  current: Node,
  value: { ctx: DocumentContext; node: Node },
  options: FieldOptions,
  working: Working,
): Node | string {
  const copy = copyRendered(value.ctx, value.node, true);
  if (options.delimiter) {
    if (!isScalar(current)) return 'a delimiter can only join into a scalar';
    const pieces = (textOf(current) ?? '').split(options.delimiter);
    const piece = textOf(copy) ?? '';
    if (options.index < 0) pieces.unshift(piece);
    else if (options.index >= pieces.length) pieces.push(piece);
    else pieces[options.index] = piece;
    const joined = new Scalar(pieces.join(options.delimiter));
    if (current.range) joined.range = [current.range[0], current.range[1], current.range[2]];
    markWrittenIn(joined, sourceOfNode(working.ctx, current));
    return joined;
  }
  if (isScalar(current) && isScalar(copy)) {
    const text = textOf(copy) ?? '';
    if (typeof current.value === 'number' && text.trim() !== '' && Number.isFinite(Number(text)))
      copy.value = Number(text);
    else if (typeof current.value === 'boolean' && (text === 'true' || text === 'false'))
      copy.value = text === 'true';
    else if (current.value !== null) copy.value = text;
  }
  return copy;
}
