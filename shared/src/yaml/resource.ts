import { type Document, isMap, type Node, type YAMLMap } from 'yaml';
import type { Range, SourceFile } from '../text/source';
import { ObjectMemo } from '../util/object-memo';
import { documentsOf } from './document-cache';
import {
  asMap,
  type DocumentContext,
  getPath,
  internIn,
  type Located,
  locatedString,
  nodeRange,
  seqItems,
  stringEntries,
} from './nodes';

/**
 * One Kubernetes object as written in a file: a document's root map, or an item of a `List`. Its
 * facts are plain values with ranges; `doc` and `node` come from the file's documents, which are
 * not retained (see `ParsedFile.documents`) and are re-read when a fix or the topology needs them.
 */
export interface Resource extends DocumentContext {
  /** Index of the YAML document in its file (0-based). */
  docIndex: number;
  /** Index among the document's objects: 0, or the item's index in a `List`. */
  nodeIndex: number;
  readonly node: YAMLMap;
  apiVersion: string;
  kind: string;
  /** `group` part of apiVersion; '' for the core group (`v1`). */
  group: string;
  name?: Located<string>;
  /** As written; a namespaced resource without one lives in `default` (see `namespaceOf`). */
  namespace?: Located<string>;
  labels: ReadonlyMap<string, Located<string>>;
  annotations: ReadonlyMap<string, Located<string>>;
  range: Range;
  /**
   * The resource as written in its file, when this one is a placement of it that differs (SPEC §9):
   * a default namespace given from outside, or a kustomization's rendering. Fixes edit the origin.
   */
  origin?: Resource;
}

const KUSTOMIZE_CONFIG_GROUP = 'kustomize.config.k8s.io/';

export function createResource(
  ctx: DocumentContext,
  docIndex: number,
  nodeIndex: number,
  node: YAMLMap,
): Resource | undefined {
  const apiVersion = locatedString(ctx, getPath(ctx, node, ['apiVersion']))?.value;
  const kind = locatedString(ctx, getPath(ctx, node, ['kind']))?.value;
  if (!apiVersion || !kind) return undefined;
  // A kustomization (or component) tells `kustomize build` what to render; it is never applied to a
  // cluster, so it is no resource of any cluster (SPEC §9).
  if (apiVersion.startsWith(KUSTOMIZE_CONFIG_GROUP)) return undefined;
  const range = nodeRange(ctx, node);
  if (!range) return undefined;
  const slash = apiVersion.lastIndexOf('/');
  return new ResourceFacts(
    ctx.source,
    docIndex,
    nodeIndex,
    apiVersion,
    kind,
    slash < 0 ? '' : internIn(ctx, apiVersion.slice(0, slash)),
    {
      name: locatedString(ctx, getPath(ctx, node, ['metadata', 'name'])),
      namespace: locatedString(ctx, getPath(ctx, node, ['metadata', 'namespace'])),
      labels: stringEntries(ctx, getPath(ctx, node, ['metadata', 'labels'])),
      annotations: stringEntries(ctx, getPath(ctx, node, ['metadata', 'annotations'])),
      range,
    },
  );
}

// A class, not an object literal with getters: a literal with accessors gets its own dictionary
// of properties and two closures per object, which made resources 40 % of the heap at 50,000.
class ResourceFacts implements Resource {
  name?: Located<string>;
  namespace?: Located<string>;
  labels: ReadonlyMap<string, Located<string>>;
  annotations: ReadonlyMap<string, Located<string>>;
  range: Range;

  constructor(
    readonly source: SourceFile,
    readonly docIndex: number,
    readonly nodeIndex: number,
    readonly apiVersion: string,
    readonly kind: string,
    readonly group: string,
    facts: Pick<Resource, 'name' | 'namespace' | 'labels' | 'annotations' | 'range'>,
  ) {
    this.name = facts.name;
    this.namespace = facts.namespace;
    this.labels = facts.labels;
    this.annotations = facts.annotations;
    this.range = facts.range;
  }

  get doc(): Document.Parsed {
    return documentsOf(this.source)[this.docIndex] as Document.Parsed;
  }

  get node(): YAMLMap {
    return nodeOf(this.doc, { source: this.source, doc: this.doc }, this.nodeIndex);
  }
}

/** Whether a value is a resource as a file's parse makes it (facts/portable-facts.ts rebuilds them). */
export function isResourceFacts(value: object): value is Resource {
  return value instanceof ResourceFacts;
}

/** A resource of a file from its parts, read in another thread (facts/portable-facts.ts). */
export function resourceOf(
  source: SourceFile,
  parts: Pick<
    Resource,
    | 'docIndex'
    | 'nodeIndex'
    | 'apiVersion'
    | 'kind'
    | 'group'
    | 'name'
    | 'namespace'
    | 'labels'
    | 'annotations'
    | 'range'
  >,
): Resource {
  return new ResourceFacts(
    source,
    parts.docIndex,
    parts.nodeIndex,
    parts.apiVersion,
    parts.kind,
    parts.group,
    parts,
  );
}

/**
 * The resource placed with a default namespace (a topology path entry's, a kustomization's): what
 * `kubectl apply -n NS` does to an object that names none. Everything else is the origin's.
 */
export function withDefaultNamespace(resource: Resource, namespace: Located<string>): Resource {
  if (resource.namespace?.value || !isNamespaced(resource)) return resource;
  return new PlacedResource(resource, namespace);
}

class PlacedResource implements Resource {
  constructor(
    /** The resource without the default namespace: the file's own, or a rendered one. */
    readonly placed: Resource,
    readonly namespace: Located<string>,
  ) {}
  get origin() {
    return this.placed.origin ?? this.placed;
  }
  get source() {
    return this.placed.source;
  }
  get doc() {
    return this.placed.doc;
  }
  get node() {
    return this.placed.node;
  }
  get docIndex() {
    return this.placed.docIndex;
  }
  get nodeIndex() {
    return this.placed.nodeIndex;
  }
  get apiVersion() {
    return this.placed.apiVersion;
  }
  get kind() {
    return this.placed.kind;
  }
  get group() {
    return this.placed.group;
  }
  get name() {
    return this.placed.name;
  }
  get labels() {
    return this.placed.labels;
  }
  get annotations() {
    return this.placed.annotations;
  }
  get range() {
    return this.placed.range;
  }
}

/**
 * An object as a kustomization renders it: its facts are read from the rendered tree, whose nodes
 * carry their own files (yaml/nodes `markWrittenIn`); `origin` is the document in the base's file.
 */
export function renderedResource(
  origin: Resource,
  doc: Document.Parsed,
  node: YAMLMap,
): Resource | undefined {
  const rendered = createResource({ source: origin.source, doc }, origin.docIndex, origin.nodeIndex, node);
  if (!rendered) return undefined;
  renderedResources.add(rendered);
  return Object.defineProperties(rendered, {
    doc: { value: doc },
    node: { value: node },
    origin: { value: origin },
  });
}

const renderedResources = new WeakSet<Resource>();

/**
 * Whether a resource is a kustomization's rendering (its nodes may be written in other files). Told
 * without reading the origin's nodes: that would parse the base's text again (0.85 s at 10k overlays).
 */
export function isRendered(resource: Resource): boolean {
  if (renderedResources.has(resource)) return true;
  return resource instanceof PlacedResource && isRendered(resource.placed);
}

// Kinds without a namespace: a default namespace does not apply to them (kubectl and kustomize agree).
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'GatewayClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ComponentStatus',
  'VolumeAttachment',
  'ClusterIssuer',
]);

/** Whether objects of the resource's kind live in a namespace. */
export function isNamespaced(resource: Pick<Resource, 'kind'>): boolean {
  return !CLUSTER_SCOPED.has(resource.kind);
}

/** A `List` (or `ServiceList`, …) holds its objects under `items`; anything else is one object. */
export function resourceNodes(ctx: DocumentContext, root: YAMLMap): YAMLMap[] {
  const kind = getPath(ctx, root, ['kind']);
  const items = getPath(ctx, root, ['items']);
  const kindText = kind && 'value' in kind ? String(kind.value) : '';
  if (kindText.endsWith('List') && items) return seqItems(ctx, items).filter(isMap);
  return [root];
}

// The object maps of a document, found once per (re-)parse of it.
const nodesByDocument = new ObjectMemo<Document.Parsed, YAMLMap[]>();

function nodeOf(doc: Document.Parsed, ctx: DocumentContext, nodeIndex: number): YAMLMap {
  let nodes = nodesByDocument.get(doc);
  if (!nodes) {
    const root = asMap(ctx, doc.contents);
    nodes = root ? resourceNodes(ctx, root) : [];
    nodesByDocument.set(doc, nodes);
  }
  return nodes[nodeIndex] as YAMLMap;
}

export function namespaceOf(resource: Resource): string {
  return resource.namespace?.value || 'default';
}

export function field(resource: Resource, path: readonly (string | number)[]): Node | undefined {
  return getPath(resource, resource.node, path);
}

/** `Kind namespace/name`, for messages. */
export function describeResource(resource: Resource): string {
  const name = resource.name?.value ?? '(unnamed)';
  return resource.kind === 'Namespace'
    ? `Namespace ${name}`
    : `${resource.kind} ${namespaceOf(resource)}/${name}`;
}
