import type { Finding } from '../text/findings';
import type { Resource } from '../yaml/resource';
import { namespaceOf } from '../yaml/resource';
import type { MeshIndex, Shard } from './types';

// The incremental analysis (analysis/analyse-workspace.ts) splits the workspace into shards that can be
// re-checked on their own. Almost everything in the mesh is keyed by namespace — services meet
// their siblings across clusters by namespace and name, a Namespace's labels govern its Services,
// a workload is selected within its namespace, and a hostname names `<name>.<namespace>.<domain>` —
// so a shard is a namespace name: everything any cluster says about that namespace, plus every
// reference whose hostname points into it. What is not about one namespace (what the parser
// reported for a file, the topology's own findings) is the global shard. A model holds its shards as
// values (`MeshModel.shards`); a check runs on one shard and looks things up in the mesh's index.

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

/** A shard with nothing in it (the global shard's findings may be given). */
export function emptyShard(key: string, findings: readonly Finding[] = []): Shard {
  return {
    key,
    files: [],
    namespaces: [],
    services: [],
    workloads: [],
    endpointSets: [],
    references: [],
    peeringGateways: [],
    globalServices: [],
    serviceGroups: [],
    findings,
  };
}

/**
 * Whether a resource's findings belong to the shard (a file may hold manifests of several), and to
 * the shard's cell when the shard is checked cell by cell (model/cells.ts).
 */
export function inShard(shard: Shard, resource: Resource): boolean {
  return (
    shard.key === shardOfResource(resource) && (!shard.cell || shard.cell.holds(unitOfResource(resource)))
  );
}

// Within a namespace, what an edit can change is finer than the namespace: services meet their
// siblings across clusters by namespace and name, a hostname names `<name>.<namespace>.<domain>`,
// and two copies of an object are the same kind, namespace and name. So the unit of what a check
// walks is a name: a Service's, a resource's, the first label of a hostname. A Namespace object is
// the unit of its namespace's own settings (model/cells.ts groups units into the cells checked).

/** The unit of a namespace's Namespace objects (their labels, its peering gateways). */
export const NAMESPACE_UNIT = '\u0000namespace';

/** The unit of a resource within its shard: its name, or the namespace's own for a Namespace. */
export function unitOfResource(resource: Resource): string {
  return resource.kind === 'Namespace' && resource.group === ''
    ? NAMESPACE_UNIT
    : (resource.name?.value ?? '');
}

/** The unit a hostname points at: its first label, the name `resolveHost` looks up (any rule would do for an external one). */
export function unitOfHost(host: string): string {
  const dot = host.indexOf('.');
  return dot < 0 ? host : host.slice(0, dot);
}

/** The shard a cell's view is part of (itself when it is not a view): lookups beyond the cell's units read it. */
export function wholeShard(shard: Shard): Shard {
  return shard.cell?.whole ?? shard;
}

/**
 * A shard as one line, for debugging and test messages: `shard bookinfo: 2 files (a.yaml, b.yaml),
 * 3 services, 1 global service (ratings.bookinfo.mesh.internal), 4 references`.
 */
export function describeShard(shard: Shard): string {
  const name = shard.key === GLOBAL_SHARD ? 'the global shard' : `shard ${shard.key}`;
  const listed = (items: readonly string[]) =>
    items.length === 0 ? '' : ` (${items.slice(0, 3).join(', ')}${items.length > 3 ? ', …' : ''})`;
  const count = (items: readonly unknown[], word: string, names: readonly string[] = []) =>
    items.length === 0 ? [] : [`${items.length} ${word}${items.length === 1 ? '' : 's'}${listed(names)}`];
  const parts = [
    ...count(
      shard.files,
      'file',
      shard.files.map((file) => file.parsed.source.path),
    ),
    ...count(shard.namespaces, 'Namespace'),
    ...count(shard.services, 'service'),
    ...count(shard.workloads, 'workload'),
    ...count(
      shard.globalServices,
      'global service',
      shard.globalServices.map((global) => global.hostname),
    ),
    ...count(shard.references, 'reference'),
    ...count(shard.peeringGateways, 'peering gateway'),
    ...count(shard.findings, 'finding'),
  ];
  return `${name}: ${parts.length > 0 ? parts.join(', ') : 'empty'}`;
}

/**
 * A function of a shard as read in one mesh, computed once per pair: several checks read the same
 * derived lists (a shard's references resolved against the mesh). Kept while both values live.
 */
export function perShard<T>(
  compute: (shard: Shard, mesh: MeshIndex) => T,
): (shard: Shard, mesh: MeshIndex) => T {
  const byMesh = new WeakMap<MeshIndex, WeakMap<Shard, T>>();
  return (shard, mesh) => {
    let byShard = byMesh.get(mesh);
    if (!byShard) {
      byShard = new WeakMap();
      byMesh.set(mesh, byShard);
    }
    let value = byShard.get(shard);
    if (value === undefined) {
      value = compute(shard, mesh);
      byShard.set(shard, value);
    }
    return value;
  };
}
