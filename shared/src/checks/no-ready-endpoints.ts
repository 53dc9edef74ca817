import type { GlobalService, MeshIndex, ServiceInstance } from '../model/types';
import type { Finding, RelatedLocation } from '../text/findings';
import type { Range } from '../text/source';
import { describeResource } from '../yaml/resource';
import type { Check } from './check';
import { findingAt, listClusters, plural } from './finding';

export const noReadyEndpoints: Check = {
  code: 'MESH170',
  readsTopology: ['clusters'],
  name: 'no-ready-endpoints',
  severity: 'warning',
  description:
    'An exported service has no ready endpoint in any cluster: its selector matches no workload, the workloads it selects are scaled to zero replicas, or (without a selector) no EndpointSlice lists a ready endpoint. Every request to its global hostname fails with "no healthy upstream". When only some clusters lack endpoints (reported as info), clients there are served from other clusters only, across the network. Scale the workloads up, or fix the selector so it matches their pod labels.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec:
        selector: { app: reviews }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: reviews-v1, namespace: bookinfo }
      spec:
        replicas: 0
        template: { metadata: { labels: { app: reviews } } }
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec:
        selector: { app: reviews }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: reviews-v1, namespace: bookinfo }
      spec:
        replicas: 2
        template: { metadata: { labels: { app: reviews } } }
    `,
  },
  run: (shard, mesh) => shard.globalServices.flatMap((service) => serviceFindings(mesh, service)),
};

function serviceFindings(mesh: MeshIndex, service: GlobalService): Finding[] {
  const order = [...mesh.topology.clusters.keys()];
  const instances = [...service.instances].sort(
    (a, b) => order.indexOf(a.cluster) - order.indexOf(b.cluster),
  );
  const empty = instances.filter((instance) => instance.endpoints === 0);
  if (empty.length === 0) return [];
  const ready = instances.filter((instance) => instance.endpoints > 0);
  return ready.length === 0
    ? empty.map((instance) => noneAnywhere(service, instance, empty))
    : empty.map((instance) => missingHere(service, instance, ready));
}

function noneAnywhere(service: GlobalService, instance: ServiceInstance, empty: ServiceInstance[]): Finding {
  const clusters = listClusters(empty.map((other) => other.cluster));
  const elsewhere = empty
    .filter((other) => other !== instance)
    .map((other) => nameLocation(other, `no ready endpoint in ${other.cluster} either`));
  return findingAt(
    noReadyEndpoints,
    instance.resource,
    instance.resource.name ?? instance.resource.range,
    `Service ${service.namespace}/${service.name} (${service.hostname}) has no ready endpoint in any cluster (${clusters}): in ${instance.cluster}, ${why(instance)}. Every request to the global hostname fails with no healthy upstream.`,
    { related: [...causes(instance), ...elsewhere] },
  );
}

function missingHere(service: GlobalService, instance: ServiceInstance, ready: ServiceInstance[]): Finding {
  const served = ready.map((other) => `${other.cluster} (${plural(other.endpoints, 'endpoint')})`);
  return findingAt(
    noReadyEndpoints,
    instance.resource,
    instance.resource.name ?? instance.resource.range,
    `Service ${service.namespace}/${service.name} (${service.hostname}) is missing in cluster ${instance.cluster}: ${why(instance)}. Clients everywhere, ${instance.cluster} included, are served only by the endpoints in ${listClusters(served)}.`,
    {
      severity: 'info',
      related: [
        ...causes(instance),
        ...ready.map((other) =>
          nameLocation(other, `${plural(other.endpoints, 'ready endpoint')} in ${other.cluster}`),
        ),
      ],
    },
  );
}

/** Why an instance counts no endpoint (SPEC §1: selected workloads' replicas, else EndpointSlices). */
function why(instance: ServiceInstance): string {
  const { selector } = instance;
  if (!selector) {
    return instance.endpointSets.length === 0
      ? 'it has no selector and no EndpointSlice or Endpoints names it'
      : `it has no selector and its ${instance.endpointSets.map((set) => describeResource(set.resource)).join(', ')} list no ready endpoint`;
  }
  const labels = [...selector.entries()].map(([key, value]) => `${key}=${value.value}`).join(',');
  if (instance.workloads.length === 0) {
    return `its selector ${labels} matches no workload in namespace ${instance.namespace}`;
  }
  const workloads = instance.workloads.map((workload) => describeResource(workload.resource));
  return `the ${workloads.length === 1 ? 'workload' : 'workloads'} it selects (${workloads.join(', ')}) ${workloads.length === 1 ? 'has' : 'have'} 0 replicas`;
}

function causes(instance: ServiceInstance): RelatedLocation[] {
  const { selector } = instance;
  if (!selector) {
    return instance.endpointSets.map((set) => ({
      file: set.resource.source.path,
      range: set.resource.name?.range ?? set.resource.range,
      message: `${describeResource(set.resource)}: no ready endpoint`,
    }));
  }
  if (instance.workloads.length === 0) {
    const range = selectorRange(selector);
    return range
      ? [
          {
            file: instance.resource.source.path,
            range,
            message: `matches no workload in ${instance.cluster}`,
          },
        ]
      : [];
  }
  return instance.workloads.map((workload) => ({
    file: workload.resource.source.path,
    range: workload.replicasRange ?? workload.resource.name?.range ?? workload.resource.range,
    message: `${describeResource(workload.resource)}: 0 replicas`,
  }));
}

/** From the selector's first key to its last value: exactly the written `key: value` entries. */
function selectorRange(selector: NonNullable<ServiceInstance['selector']>): Range | undefined {
  const entries = [...selector.values()];
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (!first || !last) return undefined;
  return { start: (first.keyRange ?? first.range).start, end: last.range.end };
}

function nameLocation(instance: ServiceInstance, message: string): RelatedLocation {
  const { name } = instance.resource;
  return {
    file: name?.file ?? instance.resource.source.path,
    range: name?.range ?? instance.resource.range,
    message,
  };
}
