import type { Resource } from '../yaml/resource';
import type { MeshModel, ServiceInstance, Workload } from './types';

// Lookups several checks need, built once per model on first use (a model never changes; an edit
// builds a new one), so a check's cost per finding does not grow with the workspace.

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
