import type { Resource } from '../yaml/resource';
import { wholeShard } from './shards';
import type { GlobalService, MeshIndex, ServiceInstance, Shard, Workload } from './types';

// Lookups several checks need, built once per shard or mesh on first use (an edit makes new ones
// for what it touched), so a check's cost per finding does not grow with the workspace.

interface ShardIndexes {
  workloadByResource: Map<Resource, Workload>;
  servicesByNamespace: Map<string, ServiceInstance[]>;
}

const indexesByShard = new WeakMap<Shard, ShardIndexes>();

function indexesOf(shard: Shard): ShardIndexes {
  let indexes = indexesByShard.get(shard);
  if (!indexes) {
    const servicesByNamespace = new Map<string, ServiceInstance[]>();
    for (const service of shard.services) {
      const key = `${service.cluster}/${service.namespace}`;
      const list = servicesByNamespace.get(key);
      if (list) list.push(service);
      else servicesByNamespace.set(key, [service]);
    }
    indexes = {
      workloadByResource: new Map(shard.workloads.map((workload) => [workload.resource, workload])),
      servicesByNamespace,
    };
    indexesByShard.set(shard, indexes);
  }
  return indexes;
}

/** The shard's workload that a resource declares. */
export function workloadOf(shard: Shard, resource: Resource): Workload | undefined {
  return indexesOf(shard).workloadByResource.get(resource);
}

/** The shard's Services of one namespace in one cluster (a cell's view: every one of its whole shard). */
export function servicesIn(shard: Shard, cluster: string, namespace: string): ServiceInstance[] {
  return indexesOf(wholeShard(shard)).servicesByNamespace.get(`${cluster}/${namespace}`) ?? [];
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
