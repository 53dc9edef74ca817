import type { PlacedFile } from '../model/placed-facts';
import type { MeshIndex } from '../model/types';
import type { FileEdit, Fix } from '../text/findings';
import type { Located } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import { addPatch, type PatchBody, type PatchTarget } from './kustomize-patch';

// SPEC §9, "Fixes respect layers": a fix for one cluster edits what is specific to that cluster (a
// patch in its overlay, or the overlay's own file that wrote the value), never a document other
// clusters share, unless every cluster placing it is at fault; a fix that edits a shared document
// says which other clusters it changes and is not preferred. One place decides it for every check.

/** One object as one placement puts it in a cluster: what a per-cluster fix is about. */
export interface PlacedObject {
  /** As placed (rendered, or with a default namespace); fixes edit `origin` or the overlay. */
  resource: Resource;
  cluster: string;
}

/** A change to one placed object, in the forms the layers can take it. */
export interface LayeredChange {
  /** What the fix does, for its title: `Label Service bookinfo/reviews in west with …`. */
  title: string;
  /** The change made in the document as written (a shared base, a plain file), from its nodes. */
  documentEdits: (written: Resource) => FileEdit | undefined;
  /** The same change as a strategic-merge patch's fields, for the cluster's overlay. */
  patch?: PatchBody;
  /**
   * The value the fix changes, as the placement has it: when a kustomization or a patch wrote it
   * (`Located.file` is not the document's), the fix edits it there (`writtenEdits`) instead.
   */
  value?: {
    read: (resource: Resource) => Located<unknown> | undefined;
    writtenEdits: () => FileEdit | undefined;
  };
  /** Whether the fix, when it changes only the clusters at fault, is the preferred one (default true). */
  preferred?: boolean;
}

/**
 * The fixes for a change to one placement, by layer: where the document is the cluster's alone (or
 * every cluster placing it is at fault), the document's edit; where others share it, a patch in the
 * cluster's overlay (preferred) and the document's edit titled with the other clusters it changes;
 * where the placement's value was written by an overlay or a patch, the edit there. `atFault` are
 * the clusters whose placements of the same document the fix is meant to change.
 */
export function layeredFixes(
  model: MeshIndex,
  object: PlacedObject,
  atFault: readonly string[],
  change: LayeredChange,
): Fix[] {
  const placements = placementsOfDocument(model, object.resource);
  const faulty = new Set([...atFault, object.cluster]);
  const writtenIn = writtenElsewhere(object.resource, change);
  if (writtenIn) return writtenValueFixes(placements, object, faulty, change, writtenIn);
  const written = object.resource.origin ?? object.resource;
  const others = otherClusters(placements, faulty);
  const documentEdits = change.documentEdits(written);
  if (others.length === 0)
    return documentEdits ? [fixOf(change.title, [documentEdits], change.preferred ?? true)] : [];
  const placement = placementOf(placements, object);
  const entry = placement?.via === 'kustomize' ? placement.entry?.file : undefined;
  const patch = entry ? overlayPatch(model, entry, written, object, change) : undefined;
  const note = sharedNote(others, entry ? undefined : object.cluster);
  return [
    ...(patch ? [fixOf(`${change.title} (patch in ${entry})`, [patch], change.preferred ?? true)] : []),
    ...(documentEdits ? [fixOf(`${change.title}${note}`, [documentEdits], false)] : []),
  ];
}

/** The edit where an overlay or a patch wrote the value: preferred unless another cluster reads that node. */
function writtenValueFixes(
  placements: readonly DocumentPlacement[],
  object: PlacedObject,
  faulty: ReadonlySet<string>,
  change: LayeredChange,
  writtenIn: Located<unknown>,
): Fix[] {
  const readers = placements.filter((placed) =>
    sameNode(placedValue(placed, object.resource, change), writtenIn),
  );
  const others = otherClusters(readers, faulty);
  const edits = change.value?.writtenEdits();
  if (!edits) return [];
  const preferred = (change.preferred ?? true) && others.length === 0;
  return [fixOf(`${change.title} (in ${edits.file})${sharedNote(others)}`, [edits], preferred)];
}

/** The change as a patch appended to the entry kustomization's `patches`. */
function overlayPatch(
  model: MeshIndex,
  entry: string,
  written: Resource,
  object: PlacedObject,
  change: LayeredChange,
): FileEdit | undefined {
  const kustomization = model.files.get(entry)?.parsed;
  return kustomization && change.patch
    ? addPatch(kustomization, patchTarget(written, object), change.patch)
    : undefined;
}

/**
 * " (shared: also changes it in east and west)"; with `alone`, the cluster no overlay places the
 * document in on its own (topology paths, a GitOps path), that is said too. Empty for no cluster.
 */
export function sharedNote(others: readonly string[], alone?: string): string {
  if (others.length === 0) return '';
  const reason = alone ? `; no overlay places it in ${alone} alone` : '';
  return ` (shared: also changes it in ${listed(others)}${reason})`;
}

/** The placements of the document an object comes from, each with its copy of the object. */
interface DocumentPlacement {
  cluster: string;
  placed: PlacedFile;
  resource?: Resource;
}

/** Whether two placed objects come from the same document as written (one base, two overlays). */
export function sameDocument(a: Resource, b: Resource): boolean {
  const left = a.origin ?? a;
  const right = b.origin ?? b;
  return (
    left === right ||
    (left.source.path === right.source.path &&
      left.docIndex === right.docIndex &&
      left.nodeIndex === right.nodeIndex)
  );
}

function placementsOfDocument(model: MeshIndex, resource: Resource): DocumentPlacement[] {
  const written = resource.origin ?? resource;
  const file = model.files.get(written.source.path);
  return (file?.placements ?? []).map((placed) => ({
    cluster: placed.cluster,
    placed,
    resource: placed.resources.find(
      (candidate) => candidate === resource || sameDocument(candidate, written),
    ),
  }));
}

function placementOf(placements: readonly DocumentPlacement[], object: PlacedObject): PlacedFile | undefined {
  return (
    placements.find((placement) => placement.resource === object.resource)?.placed ??
    placements.find((placement) => placement.cluster === object.cluster)?.placed
  );
}

function otherClusters(placements: readonly DocumentPlacement[], atFault: ReadonlySet<string>): string[] {
  return [...new Set(placements.map((placement) => placement.cluster))].filter(
    (cluster) => !atFault.has(cluster),
  );
}

/** The located value when a file other than the object's document wrote it (an overlay, a patch). */
function writtenElsewhere(resource: Resource, change: LayeredChange): Located<unknown> | undefined {
  const located = change.value?.read(resource);
  const written = resource.origin ?? resource;
  return located?.file !== undefined && located.file !== written.source.path ? located : undefined;
}

function placedValue(
  placement: DocumentPlacement,
  fallback: Resource,
  change: LayeredChange,
): Located<unknown> | undefined {
  return change.value?.read(placement.resource ?? fallback);
}

function sameNode(a: Located<unknown> | undefined, b: Located<unknown>): boolean {
  return (
    a !== undefined &&
    a.file === b.file &&
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character
  );
}

/**
 * The object as the overlay's patches see it: its kind and name before the overlay's own
 * transformers (kustomize patches before it prefixes or sets namespaces), the namespace only when
 * the document writes one.
 */
function patchTarget(written: Resource, object: PlacedObject): PatchTarget {
  return {
    apiVersion: written.apiVersion,
    kind: written.kind,
    name: written.name?.value ?? object.resource.name?.value ?? '',
    namespace: written.namespace?.value || undefined,
  };
}

function fixOf(title: string, changes: FileEdit[], preferred: boolean): Fix {
  return { title, preferred, changes: mergedByFile(changes) };
}

/** Edits of one file in one change; the same edit asked twice (two placements of one node) once. */
export function mergedByFile(changes: readonly FileEdit[]): FileEdit[] {
  const byFile = new Map<string, FileEdit>();
  for (const change of changes) {
    const known = byFile.get(change.file);
    const edits = [...(known?.edits ?? []), ...change.edits];
    const unique = edits.filter(
      (edit, index) => edits.findIndex((other) => JSON.stringify(other) === JSON.stringify(edit)) === index,
    );
    byFile.set(change.file, { ...change, ...(known ?? {}), edits: unique });
  }
  return [...byFile.values()];
}

function listed(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
