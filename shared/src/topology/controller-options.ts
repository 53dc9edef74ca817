import { Document, isMap, type YAMLMap } from 'yaml';
import { CloneTooLarge, cloneResolved, copyRendered } from '../kustomize/clone';
import type { FieldSpec } from '../kustomize/field-specs';
import { REPLICAS } from '../kustomize/field-specs';
import {
  addEntries,
  addNameAffixes,
  setNamespace,
  setReplicas,
  type Written,
} from '../kustomize/transformers';
import { textOf } from '../kustomize/tree';
import type { KustomizeWorkspace, RenderedObject } from '../kustomize/types';
import type { Working } from '../kustomize/working';
import { asMap, type DocumentContext } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import { isNamespaced, resourceNodes } from '../yaml/resource';

/**
 * What a GitOps controller applies on top of what its path holds (SPEC §9): Flux's `targetNamespace`,
 * `namePrefix`/`nameSuffix` and `commonMetadata`, Argo CD's `kustomize` options. Each value is a node
 * of the controller object, so what it sets is read (and fixed) where the controller writes it.
 */
export interface ControllerOptions {
  /** Sets the namespace of every namespaced object, as a kustomization's `namespace:` does. */
  namespace?: Written;
  namePrefix?: Written;
  nameSuffix?: Written;
  /** Labels or annotations, each with the fields they are written to. */
  entries: { written: Written; specs: readonly FieldSpec[] }[];
  replicas: { name: string; count: Written }[];
  /** Whether the controller's text mentions the mesh (see `Placement.renderedFromMeshText`). */
  mentionsMesh: boolean;
}

export function changesObjects(options: ControllerOptions | undefined): options is ControllerOptions {
  return (
    options !== undefined &&
    (options.namespace !== undefined ||
      options.namePrefix !== undefined ||
      options.nameSuffix !== undefined ||
      options.entries.length > 0 ||
      options.replicas.length > 0)
  );
}

/**
 * Whether the options change a plain file's objects beyond the default namespace its placement gives
 * them anyway (`defaultNamespace`): a namespace alone changes only the objects that name another one,
 * and Namespace objects (renamed to it, as kustomize does). Spares copying every object of a folder a
 * Flux Kustomization deploys with only a `targetNamespace`.
 */
export function changesFile(
  options: ControllerOptions | undefined,
  parsed: ParsedFile,
  defaultNamespace: string | undefined,
): options is ControllerOptions {
  if (!changesObjects(options)) return false;
  const namespace = textOf(options.namespace?.value);
  const onlyNamespace =
    namespace !== undefined &&
    namespace === defaultNamespace &&
    !options.namePrefix &&
    !options.nameSuffix &&
    options.entries.length === 0 &&
    options.replicas.length === 0;
  if (!onlyNamespace) return true;
  return parsed.resources.some((resource) =>
    resource.kind === 'Namespace' && resource.apiVersion === 'v1'
      ? resource.name?.value !== namespace
      : isNamespaced(resource) && !!resource.namespace?.value && resource.namespace.value !== namespace,
  );
}

/**
 * The objects with the controller's options applied, in kustomize's order (namespace, names, labels
 * and annotations, replicas). The objects given are not changed: a rendering is shared by every
 * placement of it.
 */
export function withOptions(
  objects: readonly RenderedObject[],
  options: ControllerOptions,
): RenderedObject[] {
  const working = objects.map(workingCopy);
  if (options.namespace) setNamespace(working, options.namespace);
  addNameAffixes(working, options.namePrefix, options.nameSuffix);
  for (const { written, specs } of options.entries) addEntries(working, written, specs);
  for (const { name, count } of options.replicas) setReplicas(working, count, name, REPLICAS);
  return working.map(finished);
}

/**
 * A plain file's objects as a rendering has them (fresh copies of its documents' nodes), so that
 * options can be applied to them; undefined when a document is too large to copy (aliases).
 */
export function objectsOfFile(parsed: ParsedFile, ws: KustomizeWorkspace): RenderedObject[] | undefined {
  const documents = ws.documents?.(parsed) ?? parsed.documents;
  const objects: RenderedObject[] = [];
  try {
    for (const resource of parsed.resources) {
      const doc = documents[resource.docIndex];
      if (!doc) continue;
      const ctx: DocumentContext = { source: parsed.source, doc };
      const root = asMap(ctx, doc.contents);
      const node = root && resourceNodes(ctx, root)[resource.nodeIndex];
      const copy = node && cloneResolved(ctx, node);
      if (isMap(copy)) objects.push(finished({ ...workingOf(resource, copy), through: [] }));
    }
  } catch (error) {
    if (error instanceof CloneTooLarge) return undefined;
    throw error;
  }
  return objects;
}

function workingCopy(object: RenderedObject): Working {
  const copy = copyRendered({ source: object.origin.source, doc: object.doc }, object.node) as YAMLMap;
  return { ...workingOf(object.origin, copy), through: object.through };
}

function workingOf(origin: Working['origin'], node: YAMLMap): Omit<Working, 'through'> {
  const doc = new Document() as unknown as Document.Parsed;
  return { origin, node, ctx: { source: origin.source, doc }, previous: [], prefixes: [], suffixes: [] };
}

function finished(working: Working): RenderedObject {
  const doc = working.ctx.doc;
  (doc as Document).contents = working.node;
  return { origin: working.origin, node: working.node, doc, through: working.through };
}
