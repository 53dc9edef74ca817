import { isMap, type Node, type Pair, visit, type YAMLMap } from 'yaml';
import { copyEntryValue } from '../fixes/copy-node';
import type { PatchValue } from '../fixes/kustomize-patch';
import { layeredFixes, mergedByFile } from '../fixes/layered-fix';
import { writtenEntry } from '../fixes/written-entry';
import { removeEntry } from '../fixes/yaml-edits';
import type { MeshIndex, ServiceInstance } from '../model/types';
import type { FileEdit, Fix, TextEdit } from '../text/findings';
import type { SourceFile } from '../text/source';
import { documentsOf } from '../yaml/document-cache';
import { asMap, type DocumentContext, keyText, type Located, nodeRange, sourceOfNode } from '../yaml/nodes';
import { field, type Resource } from '../yaml/resource';

// MESH103's fixes: give instances the ports of another, each in the layer that decides its ports
// (SPEC §9): its own document, a patch in its cluster's overlay when the document is shared, or the
// overlay's patch that wrote them.

/**
 * Gives every target the ports of `source`: one fix, each target's edit in its layer (the first,
 * layer-respecting option of layered-fix.ts). Preferred when asked and no target's edit changes a
 * cluster beyond the targets'. Undefined when a target's ports cannot be written.
 */
export function alignPortsFix(
  model: MeshIndex,
  title: string,
  source: ServiceInstance,
  targets: readonly ServiceInstance[],
  preferred: boolean,
): Fix | undefined {
  if (targets.length === 0) return undefined;
  const atFault = targets.map((target) => target.cluster);
  const chosen = targets.map(
    (target) =>
      layeredFixes(model, target, atFault, {
        title,
        documentEdits: (written) => portsEdit(source, written),
        patch: { spec: { ports: [{ $patch: 'replace' }, ...portsValue(source)] } },
        value: { read: portsWrittenIn, writtenEdits: () => patchedPortsEdit(source, target) },
        preferred,
      })[0],
  );
  if (chosen.some((fix) => fix === undefined)) return undefined;
  const fixes = chosen as Fix[];
  const notes = [...new Set(fixes.map((fix) => fix.title.slice(title.length)))].join('');
  return {
    title: `${title}${notes}`,
    preferred: preferred && fixes.every((fix) => fix.preferred),
    changes: mergedByFile(fixes.flatMap((fix) => fix.changes)),
  };
}

/** The ports of `source` copied as text into the target document (comments and layout kept). */
function portsEdit(source: ServiceInstance, target: Resource): FileEdit | undefined {
  const targetSpec = asMap(target, field(target, ['spec']));
  if (!targetSpec) return undefined;
  const from = writtenPorts(source);
  const edit: TextEdit | undefined = from
    ? copyEntryValue(from.ctx, from.pair, target, targetSpec, 'ports')
    : removeEntry(target, targetSpec, 'ports');
  return edit && { file: target.source.path, edits: [edit] };
}

/** The overlay's patch that wrote the target's ports, given the source's ports. */
function patchedPortsEdit(source: ServiceInstance, target: ServiceInstance): FileEdit | undefined {
  const patched = patchPorts(target.resource);
  const from = writtenPorts(source);
  const edit = patched && from && copyEntryValue(from.ctx, from.pair, patched.ctx, patched.map, 'ports');
  return patched && edit && { file: patched.ctx.source.path, edits: [edit] };
}

/** The source's `ports` entry where it is written, to copy its text; undefined when it has none. */
function writtenPorts(source: ServiceInstance): { ctx: DocumentContext; pair: Pair } | undefined {
  const written = writtenEntry(source.resource, ['spec'], 'ports');
  return written && { ctx: written.ctx, pair: written.pair };
}

/** The source's ports as a patch writes them (every field as the source has it). */
function portsValue(source: ServiceInstance): PatchValue[] {
  const { resource } = source;
  const ports = field(resource, ['spec', 'ports']);
  const value = ports?.toJS(resource.doc) as unknown;
  return Array.isArray(value) ? (value as PatchValue[]) : [];
}

/**
 * Where a placed Service's `ports` are decided: the `ports` entry of the one kustomization patch that
 * wrote any of them, else the document (no `file`).
 */
function portsWrittenIn(resource: Resource): Located<unknown> | undefined {
  const patched = patchPorts(resource);
  const range = patched && nodeRange(patched.ctx, patched.pair.key as Node);
  return patched && range ? { value: undefined, range, file: patched.ctx.source.path } : undefined;
}

/**
 * The `ports` entry, in its patch file, of the one file other than the document that wrote nodes
 * of the placed Service's ports (a strategic merge keeps the base's list and merges the patch's
 * entries into it, so the list itself may still be the base's).
 */
function patchPorts(resource: Resource): { ctx: DocumentContext; map: YAMLMap; pair: Pair } | undefined {
  const spec = asMap(resource, field(resource, ['spec']));
  const pair = spec?.items.find((candidate) => keyText(resource, candidate) === 'ports') as Pair | undefined;
  const ports = pair?.value as Node | null | undefined;
  if (!ports) return undefined;
  const foreign = foreignNodes(resource, ports);
  const sources = [...new Set(foreign.map((entry) => entry.source))];
  const [source] = sources;
  const offset = foreign[0]?.offset;
  if (sources.length !== 1 || !source || offset === undefined) return undefined;
  for (const doc of documentsOf(source)) {
    const ctx: DocumentContext = { source, doc };
    const found = portsPairAround(ctx, offset);
    if (found) return { ctx, ...found };
  }
  return undefined;
}

/** The nodes under `node` written in another file than the document, with their files and offsets. */
function foreignNodes(resource: Resource, node: Node): { source: SourceFile; offset: number }[] {
  const own = (resource.origin ?? resource).source;
  const found: { source: SourceFile; offset: number }[] = [];
  const note = (candidate: Node) => {
    const source = sourceOfNode(resource, candidate);
    const offset = candidate.range?.[0];
    if (source !== own && offset !== undefined) found.push({ source, offset });
  };
  note(node);
  visit(node, {
    Node: (_key, candidate) => {
      note(candidate as Node);
    },
  });
  return found;
}

/** The `ports` pair of a document whose value holds `offset`, with its map. */
function portsPairAround(ctx: DocumentContext, offset: number): { map: YAMLMap; pair: Pair } | undefined {
  let found: { map: YAMLMap; pair: Pair } | undefined;
  visit(ctx.doc, {
    Pair: (_key, pair, path) => {
      const value = pair.value as Node | null;
      const [start, end] = value?.range ?? [];
      const parent = path[path.length - 1];
      if (keyText(ctx, pair as Pair) !== 'ports' || start === undefined || end === undefined)
        return undefined;
      if (offset < start || offset > end || !isMap(parent)) return undefined;
      found = { map: parent as YAMLMap, pair: pair as Pair };
      return visit.BREAK;
    },
  });
  return found;
}
