import type { PeeringGateway } from '../topology/build-topology';
import type { Resource } from '../yaml/resource';
import { namespaceOf } from '../yaml/resource';
import type {
  ClusterReference,
  EndpointSet,
  GlobalService,
  MeshModel,
  ModelFile,
  NamespaceInstance,
  ServiceInstance,
  Workload,
} from './types';

// The incremental analysis (analysis/analyse-workspace.ts) splits the workspace into shards that can be
// re-checked on their own. Almost everything in the mesh is keyed by namespace — services meet
// their siblings across clusters by namespace and name, a Namespace's labels govern its Services,
// a workload is selected within its namespace, and a hostname names `<name>.<namespace>.<domain>` —
// so a shard is a namespace name: everything any cluster says about that namespace, plus every
// reference whose hostname points into it. What is not about one namespace (what the parser
// reported for a file, the topology's own findings) is the global shard. A check run on a shard's
// view of the model sees only that shard's elements in the lists it iterates, while the maps it
// looks things up in stay whole.

/** The shard of what is not about one namespace: parse findings and the topology's findings. */
export const GLOBAL_SHARD = '\u0000global';

/** The shard of a manifest: a Namespace is its own; anything else belongs to its namespace. */
export function shardOfResource(resource: Resource): string {
  return resource.kind === 'Namespace' && resource.group === '' && resource.name?.value
    ? resource.name.value
    : namespaceOf(resource);
}

/**
 * The shard a hostname points into, read as `resolveHost` reads it: the second label, or for a
 * bare name the referrer's namespace. An external hostname resolves to nothing, so any shard
 * would do; this rule keeps it deterministic.
 */
export function shardOfHost(host: string, referrerNamespace: string): string {
  const firstDot = host.indexOf('.');
  if (firstDot < 0) return referrerNamespace;
  const secondDot = host.indexOf('.', firstDot + 1);
  return host.slice(firstDot + 1, secondDot < 0 ? undefined : secondDot);
}

export interface ShardParts {
  namespaces: NamespaceInstance[];
  services: ServiceInstance[];
  workloads: Workload[];
  endpointSets: EndpointSet[];
  references: ClusterReference[];
  peeringGateways: PeeringGateway[];
  /** The shard's global services, in no particular order (the model's map is sorted). */
  globalServices: GlobalService[];
  /** The instances of each `namespace/name`, every cluster's. */
  serviceGroups: ServiceInstance[][];
  /** The files with a manifest in the shard. */
  files: ModelFile[];
}

export const EMPTY_PARTS: ShardParts = Object.freeze({
  namespaces: [],
  services: [],
  workloads: [],
  endpointSets: [],
  references: [],
  peeringGateways: [],
  globalServices: [],
  serviceGroups: [],
  files: [],
}) as unknown as ShardParts;

const shardsByModel = new WeakMap<MeshModel, ReadonlyMap<string, ShardParts>>();

/** Records how a model is split into shards (done by the model's assembly). */
export function recordShards(model: MeshModel, shards: ReadonlyMap<string, ShardParts>): void {
  shardsByModel.set(model, shards);
}

/** The model's shards, by key; a shard with nothing in it is absent. */
export function shardsOf(model: MeshModel): ReadonlyMap<string, ShardParts> {
  return shardsByModel.get(model) ?? new Map();
}

const scopes = new WeakMap<MeshModel, { shard: string; parts: ShardParts; whole: MeshModel }>();

/**
 * The model as seen by a check run on one shard: the lists (services, namespaces, workloads,
 * references, gateways, findings) hold the shard's elements only; the lookup maps and the topology
 * are the whole model's, so resolving a hostname or a sibling still sees everything.
 */
export function shardView(model: MeshModel, shard: string): MeshModel {
  const parts = shardsOf(model).get(shard) ?? EMPTY_PARTS;
  // Not a spread: the model's own lists are joined lazily, and a view must not join them.
  const view: MeshModel = {
    topology: model.topology,
    files: model.files,
    namespaces: parts.namespaces,
    services: parts.services,
    servicesByName: model.servicesByName,
    globalServices: model.globalServices,
    workloads: parts.workloads,
    references: parts.references,
    peeringGateways: parts.peeringGateways,
    eastWestClusters: model.eastWestClusters,
    findings: shard === GLOBAL_SHARD ? model.findings : [],
    severityOverrides: model.severityOverrides,
    resourceCount: model.resourceCount,
  };
  scopes.set(view, { shard, parts, whole: model });
  return view;
}

/** The model a view was made from (a model is its own): caches of whole-model facts key on it. */
export function wholeModel(model: MeshModel): MeshModel {
  return scopes.get(model)?.whole ?? model;
}

// What the checks iterate, through these helpers, so that a check run on a shard's view reports
// exactly that shard's findings (and on the whole model, everything).

export function globalServicesInScope(model: MeshModel): Iterable<GlobalService> {
  return scopes.get(model)?.parts.globalServices ?? model.globalServices.values();
}

/** The instances of each `namespace/name` (every cluster's), group by group. */
export function serviceGroupsInScope(model: MeshModel): Iterable<ServiceInstance[]> {
  return scopes.get(model)?.parts.serviceGroups ?? model.servicesByName.values();
}

/** Whether a resource's findings belong to this model (always, unless it is a shard's view). */
export function resourceInScope(model: MeshModel, resource: Resource): boolean {
  const scope = scopes.get(model);
  return !scope || scope.shard === shardOfResource(resource);
}

/** The files with a manifest in scope. */
export function filesInScope(model: MeshModel): Iterable<ModelFile> {
  return scopes.get(model)?.parts.files ?? model.files.values();
}
