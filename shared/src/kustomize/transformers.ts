import { isMap, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourceFile } from '../text/source';
import { type DocumentContext, resolveAlias } from '../yaml/nodes';
import { cloneResolved, mapAt, scalarAt } from './clone';
import { appliesTo, type FieldSpec, type Maker, mapsAt } from './field-specs';
import { idOf, isClusterScoped } from './res-id';
import { pairIn, setInPlace, setPair, textOf } from './tree';
import { originalId, rememberId, type Working } from './working';

/** A value a kustomization wrote, with the file it is written in (for marks) and its document. */
export interface Written {
  ctx: DocumentContext;
  key: Node;
  value: Node;
}

/** A copy of a kustomization's node for a rendered object, marked as written in the kustomization. */
function copyOf(ctx: DocumentContext, node: Node): Node {
  return cloneResolved(ctx, node, { mark: ctx.source });
}

/** Makes the missing steps of a field spec's path at the node that asked for them. */
function makerAt(decidedBy: Node, source: SourceFile): Maker {
  return { key: (name) => scalarAt(name, decidedBy, source), map: () => mapAt(decidedBy, source) };
}

/** The metadata map of an object, made when missing. */
function metadataOf(working: Working, make: Maker): YAMLMap {
  const [metadata] = mapsAt(working.node, ['metadata'], true, make);
  return metadata as YAMLMap;
}

/**
 * `namespace:` sets every namespaced object's namespace, an object's own included; a v1 Namespace
 * object is renamed to it (kustomize's own rule: the namespace a kustomization names is the one it
 * creates); cluster-scoped kinds are left alone.
 */
export function setNamespace(objects: Working[], written: Written): void {
  const namespace = textOf(written.value);
  if (!namespace) return;
  const make = makerAt(written.value, written.ctx.source);
  for (const working of objects) {
    const id = idOf(working.node);
    if (id.kind === 'Namespace' && id.group === '' && id.version === 'v1') {
      if (id.name === namespace) continue;
      rememberId(working);
      setPair(
        metadataOf(working, make),
        scalarAt('name', written.key, written.ctx.source),
        copyOf(written.ctx, written.value),
      );
      continue;
    }
    if (isClusterScoped(id) || id.namespace === namespace) continue;
    rememberId(working);
    setPair(metadataOf(working, make), copyOf(written.ctx, written.key), copyOf(written.ctx, written.value));
  }
}

// Kinds whose names kustomize never prefixes or suffixes: their names are fixed by what they define.
function keepsItsName(working: Working): boolean {
  const { group, kind } = originalId(working);
  return (
    kind === 'CustomResourceDefinition' ||
    kind === 'Namespace' ||
    (group === 'apiregistration.k8s.io' && kind === 'APIService')
  );
}

/**
 * `namePrefix`/`nameSuffix`: the new name is a new scalar placed at the prefix (or, without one, the
 * suffix) that made it, in the kustomization.
 */
export function addNameAffixes(
  objects: Working[],
  prefix: Written | undefined,
  suffix: Written | undefined,
): void {
  const before = textOf(prefix?.value) ?? '';
  const after = textOf(suffix?.value) ?? '';
  const decidedBy = before ? prefix : after ? suffix : undefined;
  if (!decidedBy) return;
  const { source } = decidedBy.ctx;
  for (const working of objects) {
    if (keepsItsName(working)) continue;
    const metadata = metadataOf(working, makerAt(decidedBy.value, source));
    const name = textOf(pairIn(metadata, 'name')?.value) ?? '';
    // kustomize runs the prefix and the suffix as two transformers: each leaves an id behind.
    rememberId(working);
    if (before && after) working.previous.push({ ...idOf(working.node), name: before + name });
    if (before) working.prefixes.push(before);
    if (after) working.suffixes.push(after);
    setPair(
      metadata,
      scalarAt('name', decidedBy.key, source),
      scalarAt(before + name + after, decidedBy.value, source),
    );
  }
}

/**
 * Adds entries (labels or annotations) where the field specs say, each pair a copy of the
 * kustomization's entry: its key and value point at that entry.
 */
export function addEntries(objects: Working[], entries: Written, specs: readonly FieldSpec[]): void {
  const map = resolveAlias(entries.ctx, entries.value);
  if (!isMap(map) || map.items.length === 0) return;
  const { source } = entries.ctx;
  const make = makerAt(entries.value, source);
  const pairs = (map.items as Pair[]).filter((pair) => textOf(resolveAlias(entries.ctx, pair.key)) !== '<<');
  for (const working of objects) {
    const id = idOf(working.node);
    const targets = specs.flatMap((fieldSpec) =>
      appliesTo(fieldSpec, id) ? mapsAt(working.node, fieldSpec.path, fieldSpec.create, make) : [],
    );
    for (const pair of pairs) {
      // One value node for every field of this object that did not have the key (see setInPlace).
      let added: Node | undefined;
      for (const target of targets) {
        const key = copyOf(entries.ctx, pair.key as Node);
        const name = textOf(key) ?? '';
        if (pairIn(target, name)) {
          setInPlace(target, key, copyOf(entries.ctx, pair.value as Node), () => source);
        } else {
          added ??= copyOf(entries.ctx, pair.value as Node);
          setPair(target, key, added);
        }
      }
    }
  }
}

/**
 * `replicas:` entries name objects by any name they had; only kinds with `spec.replicas` take the
 * count. Returns how many objects took it.
 */
export function setReplicas(
  objects: Working[],
  entry: Written,
  name: string,
  specs: readonly FieldSpec[],
): number {
  let found = 0;
  const make = makerAt(entry.value, entry.ctx.source);
  for (const working of objects) {
    const ids = [...working.previous, idOf(working.node)];
    if (!ids.some((id) => id.name === name)) continue;
    const original = originalId(working);
    const fieldSpec = specs.find((candidate) => appliesTo(candidate, original));
    if (!fieldSpec) continue;
    found++;
    const [spec] = mapsAt(working.node, fieldSpec.path.slice(0, -1), true, make);
    if (spec)
      setPair(spec, scalarAt('replicas', entry.key, entry.ctx.source), copyOf(entry.ctx, entry.value));
  }
  return found;
}
