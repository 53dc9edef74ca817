import type { Resource } from '../yaml/resource';
import { namespaceOf } from '../yaml/resource';
import type { GlobalService, MeshModel, ModelFile, ServiceInstance } from './types';

// The incremental analysis (analysis/incremental.ts) splits the workspace into shards that can be
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

/** A model's view holding one shard's elements: set on views only (see `shardView`). */
export interface ShardScope {
  shard: string;
  globalServices: GlobalService[];
  serviceGroups: ServiceInstance[][];
  files: ModelFile[];
}

const scopes = new WeakMap<MeshModel, ShardScope>();

/**
 * The model as seen by a check run on one shard: the lists (services, namespaces, workloads,
 * references, gateways, findings) hold the shard's elements only; the lookup maps and the topology
 * are the whole model's, so resolving a hostname or a sibling still sees everything.
 */
export function shardView(model: MeshModel, shard: string, parts: ShardParts): MeshModel {
  const view: MeshModel = {
    ...model,
    namespaces: parts.namespaces,
    services: parts.services,
    workloads: parts.workloads,
    references: parts.references,
    peeringGateways: parts.peeringGateways,
    findings: shard === GLOBAL_SHARD ? model.findings : [],
  };
  scopes.set(view, {
    shard,
    globalServices: parts.globalServices,
    serviceGroups: parts.serviceGroups,
    files: parts.files,
  });
  return view;
}

export interface ShardParts {
  namespaces: MeshModel['namespaces'];
  services: MeshModel['services'];
  workloads: MeshModel['workloads'];
  references: MeshModel['references'];
  peeringGateways: MeshModel['peeringGateways'];
  globalServices: GlobalService[];
  serviceGroups: ServiceInstance[][];
  files: ModelFile[];
}

function emptyParts(): ShardParts {
  return {
    namespaces: [],
    services: [],
    workloads: [],
    references: [],
    peeringGateways: [],
    globalServices: [],
    serviceGroups: [],
    files: [],
  };
}

/**
 * The model's elements split by shard, in one pass; only the `wanted` shards are collected (the
 * global shard is always available, as it holds no list of its own).
 */
export function partitionModel(
  model: MeshModel,
  wanted: ReadonlySet<string> | 'all',
): Map<string, ShardParts> {
  const parts = new Map<string, ShardParts>();
  const into = (shard: string): ShardParts | undefined => {
    if (wanted !== 'all' && !wanted.has(shard)) return undefined;
    let part = parts.get(shard);
    if (!part) {
      part = emptyParts();
      parts.set(shard, part);
    }
    return part;
  };
  for (const namespace of model.namespaces) into(namespace.name)?.namespaces.push(namespace);
  for (const service of model.services) into(service.namespace)?.services.push(service);
  for (const workload of model.workloads) into(workload.namespace)?.workloads.push(workload);
  for (const reference of model.references)
    into(shardOfHost(reference.host.value, reference.namespace))?.references.push(reference);
  for (const peering of model.peeringGateways)
    into(shardOfResource(peering.gateway.resource))?.peeringGateways.push(peering);
  for (const global of model.globalServices.values()) into(global.namespace)?.globalServices.push(global);
  for (const group of model.servicesByName.values()) {
    const first = group[0];
    if (first) into(first.namespace)?.serviceGroups.push(group);
  }
  for (const file of model.files.values()) {
    let previous: string | undefined;
    for (const resource of file.parsed.resources) {
      const shard = shardOfResource(resource);
      if (shard === previous) continue;
      const files = into(shard)?.files;
      if (files && files[files.length - 1] !== file) files.push(file);
      previous = shard;
    }
  }
  if (wanted === 'all' || wanted.has(GLOBAL_SHARD)) into(GLOBAL_SHARD);
  return parts;
}

// What the checks iterate, through these helpers, so that a check run on a shard's view reports
// exactly that shard's findings (and on the whole model, everything).

export function globalServicesInScope(model: MeshModel): Iterable<GlobalService> {
  return scopes.get(model)?.globalServices ?? model.globalServices.values();
}

/** The instances of each `namespace/name` (every cluster's), group by group. */
export function serviceGroupsInScope(model: MeshModel): Iterable<ServiceInstance[]> {
  return scopes.get(model)?.serviceGroups ?? model.servicesByName.values();
}

/** Whether a resource's findings belong to this model (always, unless it is a shard's view). */
export function resourceInScope(model: MeshModel, resource: Resource): boolean {
  const scope = scopes.get(model);
  return !scope || scope.shard === shardOfResource(resource);
}

/** The files with a manifest in scope. */
export function filesInScope(model: MeshModel): Iterable<ModelFile> {
  return scopes.get(model)?.files ?? model.files.values();
}
