import type { Resource } from '../yaml/resource';
import { unitOfResource, wholeShard } from './shards';
import type { GlobalService, MeshIndex, ServiceInstance, Shard, Workload } from './types';
import { tableOf } from './unit-table';

// Lookups several checks need, built once per shard or mesh on first use (an edit makes new ones
// for what it touched), so a check's cost per finding does not grow with the workspace.

// Each built on its own first use: a cell's check that names the namespace's Services selecting a
// pod reads only the whole shard's Services, and building the workloads' index too merged every
// workload of a namespace of 3,000 files at each edit there.
const workloadsByShard = new WeakMap<Shard, Map<Resource, Workload>>();
const servicesByShard = new WeakMap<Shard, Map<string, ServiceInstance[]>>();

function workloadIndex(shard: Shard): Map<Resource, Workload> {
  let index = workloadsByShard.get(shard);
  if (!index) {
    index = new Map(shard.workloads.map((workload) => [workload.resource, workload]));
    workloadsByShard.set(shard, index);
  }
  return index;
}

function serviceIndex(shard: Shard): Map<string, ServiceInstance[]> {
  let index = servicesByShard.get(shard);
  if (!index) {
    index = new Map<string, ServiceInstance[]>();
    for (const service of shard.services) {
      const key = `${service.cluster}/${service.namespace}`;
      const list = index.get(key);
      if (list) list.push(service);
      else index.set(key, [service]);
    }
    servicesByShard.set(shard, index);
  }
  return index;
}

/** The shard's workload that a resource declares. */
export function workloadOf(shard: Shard, resource: Resource): Workload | undefined {
  // A big namespace's table has it in its unit's slice: indexing the namespace's every workload, at
  // each edit that re-checks a finding there, was a twentieth of an edit in a namespace of 3,000 files.
  const slice = tableOf(shard)?.units.get(unitOfResource(resource));
  if (slice) return findLastOf(slice.workloads.items, resource);
  return workloadIndex(shard).get(resource);
}

/** The last workload of a resource (as the index keeps it: one placed in several clusters has one each). */
function findLastOf(workloads: readonly Workload[], resource: Resource): Workload | undefined {
  for (let at = workloads.length - 1; at >= 0; at--)
    if ((workloads[at] as Workload).resource === resource) return workloads[at];
  return undefined;
}

/** The shard's Services of one namespace in one cluster (a cell's view: every one of its whole shard). */
export function servicesIn(shard: Shard, cluster: string, namespace: string): ServiceInstance[] {
  return serviceIndex(wholeShard(shard)).get(`${cluster}/${namespace}`) ?? [];
}

const sortedByMesh = new WeakMap<MeshIndex, GlobalService[]>();

/** The global services sorted by hostname: the order every list shown to a user follows. */
export function sortedGlobalServices(mesh: MeshIndex): GlobalService[] {
  let sorted = sortedByMesh.get(mesh);
  if (!sorted) {
    sorted = [...mesh.globalServices.values()].sort((a, b) =>
      a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0,
    );
    sortedByMesh.set(mesh, sorted);
  }
  return sorted;
}
