import type { Finding } from '../findings';
import { compareStrings } from '../findings-order';
import { buildTopology } from '../topology/build-topology';
import { assignCluster } from '../topology/cluster-assignment';
import type { TopologyDeclaration } from '../topology/topology-file';
import { domainOf, type Topology } from '../topology/types';
import type { ParsedFile } from '../yaml/parse-file';
import type { FileDeclarations, ServiceDecl } from './declarations';
import {
  DEFAULT_DISTRIBUTION,
  DISTRIBUTION_ANNOTATION,
  DISTRIBUTION_VALUES,
  EXPORTING_SCOPES,
  ISTIO_SYSTEM,
  SCOPE_LABEL,
  TAKEOVER_LABEL,
} from './mesh-labels';
import { selects } from './selectors';
import {
  type ClusterReference,
  type EndpointSet,
  type GlobalService,
  type MeshModel,
  type ModelFile,
  type NamespaceInstance,
  type ServiceInstance,
  type Setting,
  serviceKey,
  type Workload,
} from './types';

/** One file's cached analysis inputs: its parse and what it declares. */
export interface FileFacts {
  parsed: ParsedFile;
  declarations: FileDeclarations;
}

/**
 * Assembles the mesh model from every file's facts (SPEC §1–§6). Pure: no I/O, and the per-file
 * work (parsing, extraction) is done before, once per file text, so this step only joins indexes.
 */
export function buildModel(facts: FileFacts[], topologyDeclaration?: TopologyDeclaration): MeshModel {
  const files = new Map<string, ModelFile>();
  const perCluster = facts.map((fact) => {
    const assignment = assignCluster(fact.parsed, topologyDeclaration);
    files.set(fact.parsed.source.path, { parsed: fact.parsed, assignment });
    return { cluster: assignment.cluster, declarations: fact.declarations };
  });

  const namespaces = perCluster.flatMap(({ cluster, declarations }) =>
    declarations.namespaces.map((namespace): NamespaceInstance => ({ ...namespace, cluster })),
  );
  const { topology, peeringGateways, eastWestClusters } = buildTopology({
    declaration: topologyDeclaration,
    // Only files that hold manifests (or name their cluster) make a cluster exist; the topology
    // file and stray YAML (CI configs, values files) must not conjure a `default` cluster.
    assignments: [...files.values()]
      .filter((file) => file.parsed.source.path !== topologyDeclaration?.file)
      .filter((file) => file.parsed.resources.length > 0 || file.assignment.via === 'modeline')
      .map((file) => file.assignment),
    istioSystemNamespaces: namespaces
      .filter((namespace) => namespace.name === ISTIO_SYSTEM)
      .map((namespace) => ({ cluster: namespace.cluster, namespace })),
    segmentManifests: perCluster.flatMap(({ declarations }) => declarations.segments),
    gateways: perCluster.flatMap(({ cluster, declarations }) =>
      declarations.gateways.map((gateway) => ({ cluster, gateway })),
    ),
  });

  const namespaceIndex = indexFirst(namespaces, (namespace) => `${namespace.cluster}/${namespace.name}`);
  const workloads = clusterWorkloads(perCluster);
  const workloadIndex = indexAll(workloads, (workload) => `${workload.cluster}/${workload.namespace}`);
  const endpointSets = perCluster.flatMap(({ cluster, declarations }) =>
    declarations.endpointSets.map((set): EndpointSet => ({ ...set, cluster })),
  );
  const endpointIndex = indexAll(endpointSets, (set) => `${set.cluster}/${set.namespace}/${set.serviceName}`);

  const services = perCluster.flatMap(({ cluster, declarations }) =>
    declarations.services.map((service) => {
      const namespaceInstance = namespaceIndex.get(`${cluster}/${service.namespace}`);
      const instance = serviceInstance(service, cluster, namespaceInstance, topology);
      attachEndpoints(instance, workloadIndex, endpointIndex);
      return instance;
    }),
  );
  const servicesByName = indexAll(services, (service) => serviceKey(service.namespace, service.name));

  const references = perCluster.flatMap(({ cluster, declarations }) =>
    declarations.hostReferences.map(
      (reference): ClusterReference => ({
        ...reference,
        cluster,
        namespace: reference.resource.namespace?.value || 'default',
      }),
    ),
  );

  const findings: Finding[] = [...facts.flatMap((fact) => fact.parsed.findings), ...topology.findings];
  return {
    topology,
    files,
    namespaces,
    services,
    servicesByName,
    globalServices: globalServices(services, servicesByName, topology),
    workloads,
    references,
    peeringGateways,
    eastWestClusters,
    findings,
    severityOverrides: new Map(
      [...(topologyDeclaration?.severity ?? new Map()).entries()].map(([code, located]) => [
        code,
        located.value,
      ]),
    ),
    resourceCount: facts.reduce((sum, fact) => sum + fact.parsed.resources.length, 0),
  };
}

function indexFirst<T>(items: T[], key: (item: T) => string): Map<string, T> {
  const index = new Map<string, T>();
  for (const item of items) if (!index.has(key(item))) index.set(key(item), item);
  return index;
}

function indexAll<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = index.get(k);
    if (list) list.push(item);
    else index.set(k, [item]);
  }
  return index;
}

function clusterWorkloads(perCluster: { cluster: string; declarations: FileDeclarations }[]): Workload[] {
  const nodes = new Map<string, number>();
  for (const { cluster, declarations } of perCluster) {
    nodes.set(cluster, (nodes.get(cluster) ?? 0) + declarations.nodeCount);
  }
  // SPEC §1: a DaemonSet runs a pod per node when the cluster's nodes are known, else count 1.
  return perCluster.flatMap(({ cluster, declarations }) =>
    declarations.workloads.map(
      (workload): Workload => ({
        ...workload,
        cluster,
        pods: workload.kind === 'DaemonSet' ? nodes.get(cluster) || 1 : workload.replicas,
      }),
    ),
  );
}

function serviceInstance(
  service: ServiceDecl,
  cluster: string,
  namespaceInstance: NamespaceInstance | undefined,
  topology: Topology,
): ServiceInstance {
  const scope = labelSetting(service, namespaceInstance, SCOPE_LABEL, '');
  const exportsAs = EXPORTING_SCOPES[scope.value];
  // `segment` only exports from a cluster that belongs to a segment (SPEC §2; MESH111 otherwise).
  const inSegment = topology.clusters.get(cluster)?.segment !== undefined;
  const exportScope = exportsAs === 'segment' && !inSegment ? undefined : exportsAs;
  const instance: ServiceInstance = {
    ...service,
    cluster,
    namespaceInstance,
    scope,
    exportScope,
    takeover: takeoverSetting(service, namespaceInstance, scope),
    trafficDistribution: distributionSetting(service, namespaceInstance),
    workloads: [],
    endpointSets: [],
    endpoints: 0,
  };
  if (exportScope) instance.hostname = `${service.name}.${service.namespace}.${domainOf(topology, cluster)}`;
  return instance;
}

/** SPEC §2: the Service's own label wins over its Namespace's, key by key. */
function labelSetting(
  service: ServiceDecl,
  namespace: NamespaceInstance | undefined,
  key: string,
  fallback: string,
): Setting<string> {
  const own = service.resource.labels.get(key);
  if (own) return { value: own.value, from: 'service', raw: own, resource: service.resource };
  const inherited = namespace?.resource.labels.get(key);
  if (inherited && namespace)
    return { value: inherited.value, from: 'namespace', raw: inherited, resource: namespace.resource };
  return { value: fallback, from: 'default' };
}

function takeoverSetting(
  service: ServiceDecl,
  namespace: NamespaceInstance | undefined,
  scope: Setting<string>,
): Setting<boolean> {
  const label = labelSetting(service, namespace, TAKEOVER_LABEL, '');
  if (label.from !== 'default') return { ...label, value: label.value === 'true' };
  // Legacy `global-only` means `global` plus takeover (SPEC §2).
  if (scope.value === 'global-only') return { ...scope, value: true };
  return { value: false, from: 'default' };
}

function distributionSetting(
  service: ServiceDecl,
  namespace: NamespaceInstance | undefined,
): Setting<ServiceInstance['trafficDistribution']['value']> {
  const field = service.trafficDistributionField;
  if (field)
    return { value: DISTRIBUTION_VALUES[field.value], from: 'field', raw: field, resource: service.resource };
  const own = service.resource.annotations.get(DISTRIBUTION_ANNOTATION);
  if (own)
    return { value: DISTRIBUTION_VALUES[own.value], from: 'service', raw: own, resource: service.resource };
  const inherited = namespace?.resource.annotations.get(DISTRIBUTION_ANNOTATION);
  if (inherited && namespace) {
    return {
      value: DISTRIBUTION_VALUES[inherited.value],
      from: 'namespace',
      raw: inherited,
      resource: namespace.resource,
    };
  }
  return { value: DEFAULT_DISTRIBUTION, from: 'default' };
}

function attachEndpoints(
  instance: ServiceInstance,
  workloads: Map<string, Workload[]>,
  endpointSets: Map<string, EndpointSet[]>,
): void {
  const { selector } = instance;
  if (selector) {
    instance.workloads = (workloads.get(`${instance.cluster}/${instance.namespace}`) ?? []).filter(
      (workload) => selects(selector, workload.podLabels),
    );
    instance.endpoints = instance.workloads.reduce((sum, workload) => sum + workload.pods, 0);
    return;
  }
  instance.endpointSets =
    endpointSets.get(`${instance.cluster}/${instance.namespace}/${instance.name}`) ?? [];
  instance.endpoints = instance.endpointSets.reduce((sum, set) => sum + set.ready, 0);
}

function globalServices(
  services: ServiceInstance[],
  servicesByName: Map<string, ServiceInstance[]>,
  topology: Topology,
): Map<string, GlobalService> {
  const result = new Map<string, GlobalService>();
  for (const instance of services) {
    if (!instance.hostname) continue;
    let global = result.get(instance.hostname);
    if (!global) {
      const domain = domainOf(topology, instance.cluster);
      global = {
        hostname: instance.hostname,
        name: instance.name,
        namespace: instance.namespace,
        domain,
        instances: [],
        unexportedSiblings: [],
      };
      result.set(instance.hostname, global);
    }
    global.instances.push(instance);
  }
  for (const global of result.values()) {
    global.unexportedSiblings = (servicesByName.get(serviceKey(global.namespace, global.name)) ?? []).filter(
      (sibling) => !sibling.hostname && domainOf(topology, sibling.cluster) === global.domain,
    );
  }
  return new Map([...result.entries()].sort(([a], [b]) => compareStrings(a, b)));
}
