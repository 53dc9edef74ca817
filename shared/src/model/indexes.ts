import type { Resource } from '../yaml/resource';
import { wholeModel } from './shards';
import type { GlobalService, MeshModel, ServiceInstance, Workload } from './types';

// Lookups several checks need, built once per model object on first use (an edit makes a new
// one), so a check's cost per finding does not grow with the workspace.

interface Indexes {
  workloadByResource: Map<Resource, Workload>;
  servicesByNamespace: Map<string, ServiceInstance[]>;
}

const indexesByModel = new WeakMap<MeshModel, Indexes>();

function indexesOf(model: MeshModel): Indexes {
  let indexes = indexesByModel.get(model);
  if (!indexes) {
    const servicesByNamespace = new Map<string, ServiceInstance[]>();
    for (const service of model.services) {
      const key = `${service.cluster}/${service.namespace}`;
      const list = servicesByNamespace.get(key);
      if (list) list.push(service);
      else servicesByNamespace.set(key, [service]);
    }
    indexes = {
      workloadByResource: new Map(model.workloads.map((workload) => [workload.resource, workload])),
      servicesByNamespace,
    };
    indexesByModel.set(model, indexes);
  }
  return indexes;
}

export function workloadOf(model: MeshModel, resource: Resource): Workload | undefined {
  return indexesOf(model).workloadByResource.get(resource);
}

/** The Services of one namespace in one cluster. */
export function servicesIn(model: MeshModel, cluster: string, namespace: string): ServiceInstance[] {
  return indexesOf(model).servicesByNamespace.get(`${cluster}/${namespace}`) ?? [];
}

const sortedByModel = new WeakMap<MeshModel, GlobalService[]>();

/** The global services sorted by hostname: the order every list shown to a user follows. */
export function sortedGlobalServices(view: MeshModel): GlobalService[] {
  // A shard's view shares the whole model's map: sorted once for all of them.
  const model = wholeModel(view);
  let sorted = sortedByModel.get(model);
  if (!sorted) {
    sorted = [...model.globalServices.values()].sort((a, b) =>
      a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0,
    );
    sortedByModel.set(model, sorted);
  }
  return sorted;
}
