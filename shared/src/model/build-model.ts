import type { Finding } from '../findings';
import { compareStrings } from '../findings-order';
import { buildTopology } from '../topology/build-topology';
import { assignCluster } from '../topology/cluster-assignment';
import type { TopologyDeclaration } from '../topology/topology-file';
import { domainOf, type Topology } from '../topology/types';
import type { ParsedFile } from '../yaml/parse-file';
import { namespaceOf } from '../yaml/resource';
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
import { GLOBAL_SHARD, shardOfHost, shardOfResource } from './shards';
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

/** A file that changed since a model was built: its facts then and now (absent: no such file). */
export interface FileChange {
  before?: FileFacts;
  after?: FileFacts;
}

/** A model and which shards (model/shards.ts) may differ from the model it was updated from. */
export interface ModelUpdate {
  model: MeshModel;
  dirty: ReadonlySet<string> | 'all';
}

/**
 * Assembles the mesh model from every file's facts (SPEC §1–§6). Pure: no I/O, and the per-file
 * work (parsing, extraction) is done before, once per file text, so this step only joins indexes.
 */
export function buildModel(facts: FileFacts[], topologyDeclaration?: TopologyDeclaration): MeshModel {
  return updateModel(facts, topologyDeclaration).model;
}

/**
 * The model of `facts`, reusing `previous` where the `changes` cannot have touched it: when no
 * change can alter the topology, only the namespaces the changed files speak of (their shards) are
 * re-assembled, and every other Service instance is the previous model's object. The result is
 * the same as a build from scratch (the incremental fuzz test holds it to that).
 */
export function updateModel(
  facts: FileFacts[],
  topologyDeclaration?: TopologyDeclaration,
  previous?: { model: MeshModel; changes: FileChange[] },
): ModelUpdate {
  const files = new Map<string, ModelFile>();
  const perFile = facts.map((fact) => {
    const assignment = assignCluster(fact.parsed, topologyDeclaration);
    const path = fact.parsed.source.path;
    const known = previous?.model.files.get(path);
    files.set(
      path,
      known?.parsed === fact.parsed && known.assignment === assignment
        ? known
        : { parsed: fact.parsed, assignment },
    );
    return { cluster: assignment.cluster, declarations: fact.declarations, fact };
  });
  const reusable = previous?.changes.every((change) =>
    keepsTopology(change, previous.model, topologyDeclaration),
  )
    ? previous
    : undefined;
  const dirty = reusable ? dirtyShards(reusable.changes) : 'all';

  const nodes = nodesPerCluster(perFile);
  const bound = perFile.map(({ cluster, fact }) => boundFacts(fact, cluster, nodes.get(cluster) ?? 0));
  const namespaces = bound.flatMap((entry) => entry.namespaces);
  const workloads = bound.flatMap((entry) => entry.workloads);
  const endpointSets = bound.flatMap((entry) => entry.endpointSets);
  const references = bound.flatMap((entry) => entry.references);

  const { topology, peeringGateways, eastWestClusters } = reusable
    ? reusable.model
    : buildTopology({
        declaration: topologyDeclaration,
        // Only files that hold manifests (or name their cluster) make a cluster exist; the topology
        // file and stray YAML (CI configs, values files) must not conjure a `default` cluster.
        assignments: [...files.values()]
          .filter((file) => file.parsed.source.path !== topologyDeclaration?.file)
          .filter(contributesCluster)
          .map((file) => file.assignment),
        istioSystemNamespaces: namespaces
          .filter((namespace) => namespace.name === ISTIO_SYSTEM)
          .map((namespace) => ({ cluster: namespace.cluster, namespace })),
        segmentManifests: perFile.flatMap(({ declarations }) => declarations.segments),
        gateways: perFile.flatMap(({ cluster, declarations }) =>
          declarations.gateways.map((gateway) => ({ cluster, gateway })),
        ),
      });

  const inDirty = (namespace: string) => dirty === 'all' || dirty.has(namespace);
  const namespaceIndex = indexFirst(
    namespaces.filter((namespace) => inDirty(namespace.name)),
    (namespace) => `${namespace.cluster}/${namespace.name}`,
  );
  const workloadIndex = indexAll(
    workloads.filter((workload) => inDirty(workload.namespace)),
    (workload) => `${workload.cluster}/${workload.namespace}`,
  );
  const endpointIndex = indexAll(
    endpointSets.filter((set) => inDirty(set.namespace)),
    (set) => `${set.cluster}/${set.namespace}/${set.serviceName}`,
  );
  const previousInstances =
    dirty === 'all'
      ? undefined
      : new Map(previous?.model.services.map((service) => [service.resource, service]));

  const services: ServiceInstance[] = [];
  for (const { cluster, declarations } of perFile) {
    for (const service of declarations.services) {
      if (!inDirty(service.namespace)) {
        const kept = previousInstances?.get(service.resource);
        // Cannot happen when the changes are complete; a full build is always right.
        if (!kept || kept.cluster !== cluster) return updateModel(facts, topologyDeclaration);
        services.push(kept);
        continue;
      }
      const namespaceInstance = namespaceIndex.get(`${cluster}/${service.namespace}`);
      const instance = serviceInstance(service, cluster, namespaceInstance, topology);
      attachEndpoints(instance, workloadIndex, endpointIndex);
      services.push(instance);
    }
  }
  const servicesByName = indexAll(services, (service) => serviceKey(service.namespace, service.name));

  const findings: Finding[] = [...facts.flatMap((fact) => fact.parsed.findings), ...topology.findings];
  const model: MeshModel = {
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
  return { model, dirty };
}

function contributesCluster(file: ModelFile): boolean {
  return file.parsed.resources.length > 0 || file.assignment.via === 'modeline';
}

/**
 * Whether a change leaves the topology as it was: it is not about the clusters, segments, links or
 * nodes (istio-system, Segment, peering Gateways, Nodes, modelines), and the file stays in its
 * cluster, which exists with or without it.
 */
function keepsTopology(change: FileChange, model: MeshModel, declaration?: TopologyDeclaration): boolean {
  const sides = [change.before, change.after].filter((fact): fact is FileFacts => fact !== undefined);
  const assignments = sides.map((fact) => assignCluster(fact.parsed, declaration));
  const [first] = assignments;
  if (!first) return true;
  if (sides.some((fact) => fact.parsed.source.path === declaration?.file || !topologyNeutral(fact)))
    return false;
  if (assignments.some((assignment) => assignment.cluster !== first.cluster || assignment.via !== first.via))
    return false;
  const contributed = (fact?: FileFacts) =>
    fact !== undefined && contributesCluster({ parsed: fact.parsed, assignment: first });
  if (contributed(change.before) === contributed(change.after)) return true;
  // A cluster the topology file declares exists whatever its files hold.
  return model.topology.clusters.get(first.cluster)?.via === 'topology';
}

function topologyNeutral(fact: FileFacts): boolean {
  const { declarations, parsed } = fact;
  return (
    parsed.modelineCluster === undefined &&
    declarations.segments.length === 0 &&
    declarations.gateways.length === 0 &&
    declarations.nodeCount === 0 &&
    !parsed.resources.some((resource) => shardOfResource(resource) === ISTIO_SYSTEM)
  );
}

/** The shards a set of changes speaks of: every namespace their manifests and hostnames name. */
function dirtyShards(changes: FileChange[]): Set<string> {
  const dirty = new Set<string>([GLOBAL_SHARD]);
  for (const change of changes) {
    for (const fact of [change.before, change.after]) {
      if (!fact) continue;
      for (const resource of fact.parsed.resources) dirty.add(shardOfResource(resource));
      for (const reference of fact.declarations.hostReferences)
        dirty.add(shardOfHost(reference.host.value, namespaceOf(reference.resource)));
    }
  }
  return dirty;
}

function nodesPerCluster(
  perFile: { cluster: string; declarations: FileDeclarations }[],
): Map<string, number> {
  const nodes = new Map<string, number>();
  for (const { cluster, declarations } of perFile) {
    if (declarations.nodeCount > 0) nodes.set(cluster, (nodes.get(cluster) ?? 0) + declarations.nodeCount);
  }
  return nodes;
}

/** A file's declarations placed in its cluster: kept per file, so an edit elsewhere reuses them. */
interface BoundFacts {
  cluster: string;
  nodes: number;
  namespaces: NamespaceInstance[];
  workloads: Workload[];
  endpointSets: EndpointSet[];
  references: ClusterReference[];
}

const boundByFacts = new WeakMap<FileFacts, BoundFacts>();

function boundFacts(fact: FileFacts, cluster: string, nodes: number): BoundFacts {
  const known = boundByFacts.get(fact);
  if (known && known.cluster === cluster && known.nodes === nodes) return known;
  const { declarations } = fact;
  const bound: BoundFacts = {
    cluster,
    nodes,
    namespaces: declarations.namespaces.map((namespace): NamespaceInstance => ({ ...namespace, cluster })),
    // SPEC §1: a DaemonSet runs a pod per node when the cluster's nodes are known, else count 1.
    workloads: declarations.workloads.map(
      (workload): Workload => ({
        ...workload,
        cluster,
        pods: workload.kind === 'DaemonSet' ? nodes || 1 : workload.replicas,
      }),
    ),
    endpointSets: declarations.endpointSets.map((set): EndpointSet => ({ ...set, cluster })),
    references: declarations.hostReferences.map(
      (reference): ClusterReference => ({
        ...reference,
        cluster,
        namespace: namespaceOf(reference.resource),
      }),
    ),
  };
  boundByFacts.set(fact, bound);
  return bound;
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
