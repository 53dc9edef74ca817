import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { rangeAt, type SourceFile } from '../text/source';
import { markDeleted } from '../yaml/nodes';
import type { ResId } from './res-id';
import { isNull, pairIn, removeKey, setInPlace, textOf } from './tree';

// Strategic merge, as kustomize applies a patch (kyaml's merge with the Kubernetes schema): maps
// merge key by key, a null deletes, scalars are replaced, and a list is merged item by item only
// where the schema gives it merge keys; every other list (all lists of custom resources, whose
// schema kustomize does not know) is replaced whole. `$patch: delete|replace` directives are obeyed.

// The pod spec of each workload kind kustomize has a schema for, as a path from the object's root.
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  '/Pod': ['spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  '/PodTemplate': ['template', 'spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

// Merge keys inside a pod spec, by field path (list fields only; a container's own lists below it).
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
const POD_SPEC_KEYS: Record<string, readonly string[]> = {
  volumes: ['name'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  ...Object.fromEntries(CONTAINER_LISTS.map((list) => [list, ['name']])),
  ...Object.fromEntries(CONTAINER_LISTS.map((list) => [`${list}.ports`, ['containerPort', 'protocol']])),
  ...Object.fromEntries(CONTAINER_LISTS.map((list) => [`${list}.env`, ['name']])),
  ...Object.fromEntries(CONTAINER_LISTS.map((list) => [`${list}.volumeMounts`, ['mountPath']])),
  ...Object.fromEntries(CONTAINER_LISTS.map((list) => [`${list}.volumeDevices`, ['devicePath']])),
};

/** The merge keys of the list at `path` (field names, no indexes) in an object, or undefined: replace it. */
export function mergeKeysOf(id: ResId, path: readonly string[]): readonly string[] | undefined {
  const kind = `${id.group}/${id.kind}`;
  if (kind === '/Service' && path.join('.') === 'spec.ports') return ['port', 'protocol'];
  const podSpec = POD_SPEC_PATHS[kind];
  if (!podSpec || path.length <= podSpec.length) return undefined;
  if (!podSpec.every((step, index) => path[index] === step)) return undefined;
  return POD_SPEC_KEYS[path.slice(podSpec.length).join('.')];
}

const DIRECTIVE = '$patch';

function directiveOf(node: unknown): string | undefined {
  return isMap(node) ? textOf(pairIn(node, DIRECTIVE)?.value) : undefined;
}

/** A patch value as it lands where nothing merges with it: without its directives. */
function stripped(node: Node): Node | undefined {
  if (isMap(node)) {
    if (directiveOf(node) === 'delete') return undefined;
    node.items = node.items.filter((pair) => !textOf(pair.key)?.startsWith('$'));
    for (const pair of node.items) {
      const value = stripped(pair.value as Node);
      if (value) pair.value = value;
    }
    return node;
  }
  if (isSeq(node)) {
    node.items = node.items
      .filter((item) => !(isMap(item) && directiveOf(item) !== undefined && item.items.length === 1))
      .map((item) => stripped(item as Node))
      .filter((item): item is Node => item !== undefined);
  }
  return node;
}

/**
 * Merges `patch` into `dest` (changed in place) and returns the result: `dest`, the patch itself
 * where it replaces, or undefined where it deletes. The patch's nodes move into the result.
 */
/** What a merge needs to know of the object: its id (for the schema) and the file of a node (for marks). */
export interface MergeContext {
  id: ResId;
  sourceOf(node: Node): SourceFile;
}

export function mergeMaps(
  merge: MergeContext,
  dest: YAMLMap,
  patch: YAMLMap,
  path: readonly string[] = [],
): YAMLMap | undefined {
  const directive = directiveOf(patch);
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripped(patch) as YAMLMap;
  for (const pair of patch.items) {
    const key = textOf(pair.key);
    if (key === undefined || key.startsWith('$')) continue;
    const value = pair.value as Node | null;
    if (isNull(value)) {
      if (removeKey(dest, key)) recordDeletion(merge, dest, key, (value ?? pair.key) as Node);
      continue;
    }
    const current = pairIn(dest, key)?.value;
    const merged = mergeValue(merge, current as Node | undefined, value as Node, [...path, key]);
    if (merged === undefined) removeKey(dest, key);
    else if (merged !== current) setInPlace(dest, pair.key as Node, merged, merge.sourceOf);
  }
  return dest;
}

/** Where a patch deleted a key, so that a finding about the missing entry can point there. */
function recordDeletion(merge: MergeContext, map: YAMLMap, key: string, node: Node): void {
  const [start, end] = node.range ?? [];
  if (start === undefined || end === undefined) return;
  const source = merge.sourceOf(node);
  markDeleted(map, key, { value: null, range: rangeAt(source, start, end), file: source.path });
}

function mergeValue(
  merge: MergeContext,
  current: Node | undefined,
  value: Node,
  path: string[],
): Node | undefined {
  if (isMap(value) && isMap(current)) return mergeMaps(merge, current, value, path);
  if (isSeq(value) && isSeq(current)) {
    const keys = mergeKeysOf(merge.id, path);
    if (keys) return mergeLists(merge, current, value, keys, path);
  }
  return stripped(value);
}

/**
 * Merges a list by its merge keys: items the patch names are merged (or deleted), new ones come
 * first in the patch's order (kustomize merges with "prepend" for growing lists), then the rest.
 */
function mergeLists(
  merge: MergeContext,
  dest: YAMLSeq,
  patch: YAMLSeq,
  keys: readonly string[],
  path: string[],
): YAMLSeq {
  if (patch.items.some((item) => directiveOf(item) === 'replace')) return stripped(patch) as YAMLSeq;
  const added: Node[] = [];
  for (const item of patch.items) {
    if (!isMap(item)) continue;
    const index = dest.items.findIndex((candidate) => isMap(candidate) && sameElement(candidate, item, keys));
    if (directiveOf(item) === 'delete') {
      if (index >= 0) dest.items.splice(index, 1);
      continue;
    }
    if (index < 0) {
      const value = stripped(item);
      if (value) added.push(value);
      continue;
    }
    const merged = mergeMaps(merge, dest.items[index] as YAMLMap, item, path);
    if (merged === undefined) dest.items.splice(index, 1);
    else dest.items[index] = merged;
  }
  dest.items = [...added, ...dest.items];
  return dest;
}

/**
 * Whether two list items are the same element: the first merge key equal, and the others equal
 * where given (a port's `protocol` defaults to TCP on either side).
 */
function sameElement(a: YAMLMap, b: YAMLMap, keys: readonly string[]): boolean {
  const [first, ...rest] = keys;
  if (first === undefined) return false;
  const left = keyValue(a, first);
  if (left === undefined || left !== keyValue(b, first)) return false;
  return rest.every((key) => {
    const defaultValue = key === 'protocol' ? 'TCP' : undefined;
    return (keyValue(a, key) ?? defaultValue) === (keyValue(b, key) ?? defaultValue);
  });
}

function keyValue(map: YAMLMap, key: string): string | undefined {
  const value = pairIn(map, key)?.value;
  return isScalar(value) ? textOf(value) : undefined;
}
