import type { ServiceDecl } from '../facts/declarations';
import {
  DEFAULT_DISTRIBUTION,
  DISTRIBUTION_ANNOTATION,
  DISTRIBUTION_VALUES,
  EXPORTING_SCOPES,
  SCOPE_LABEL,
  TAKEOVER_LABEL,
} from '../facts/mesh-labels';
import { selects } from '../facts/selectors';
import type { Topology } from '../topology/types';
import { domainOf } from '../topology/types';
import { settledList, trimmedList } from '../util/settled';
import {
  type EndpointSet,
  type GlobalService,
  type NamespaceInstance,
  type PlacedService,
  type ServiceInstance,
  type Setting,
  serviceKey,
  type Workload,
} from './types';

// One Service manifest placed in its cluster: its settings after SPEC §2's precedence (the
// Service's own label over its Namespace's) and its endpoints (SPEC §1).

export function serviceInstance(
  service: PlacedService,
  namespaceInstance: NamespaceInstance | undefined,
  topology: Topology,
): ServiceInstance {
  const { cluster } = service;
  const scope = labelSetting(service, namespaceInstance, SCOPE_LABEL, '');
  const exportsAs = EXPORTING_SCOPES[scope.value];
  // `segment` only exports from a cluster that belongs to a segment (SPEC §2; MESH111 otherwise).
  const inSegment = topology.clusters.get(cluster)?.segment !== undefined;
  const exportScope = exportsAs === 'segment' && !inSegment ? undefined : exportsAs;
  // The added fields come before the spread: V8 gives `{ ...a, b }` a map of its own per object
  // (measured: 17,000 unique maps and their descriptors at 50,000 resources), `{ b, ...a }` a shared one.
  const instance: ServiceInstance = {
    namespaceInstance,
    scope,
    exportScope,
    takeover: takeoverSetting(service, namespaceInstance, scope),
    trafficDistribution: distributionSetting(service, namespaceInstance),
    workloads: [],
    // Replaced, never grown (`attachEndpoints`): an instance with a selector keeps the shared empty
    // list (an empty list each was 0.6 MB at 50,000 resources).
    endpointSets: settledList([]),
    endpoints: 0,
    ...service,
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
  return defaultSetting(fallback);
}

// A setting nobody wrote is the same for every Service instance: one frozen object per value, not
// one per instance (three per instance: 42,000 objects at 50,000 resources).
const defaultSettings = new Map<unknown, Setting<unknown>>();

function defaultSetting<T>(value: T): Setting<T> {
  let setting = defaultSettings.get(value);
  if (!setting) {
    setting = Object.freeze({ value, from: 'default' }) as Setting<unknown>;
    defaultSettings.set(value, setting);
  }
  return setting as Setting<T>;
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
  return defaultSetting(false);
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
  return defaultSetting(DEFAULT_DISTRIBUTION);
}

/**
 * The workloads of each cluster and namespace, and for each pod label (`key=value`) those carrying
 * it: a selector is matched against the workloads of its rarest label only, not every workload of
 * the namespace (8,000 Services in one namespace took 10 s to match one by one).
 */
export interface WorkloadIndex {
  byLabel: Map<string, Workload[]>;
}

export function indexWorkloads(workloads: readonly Workload[]): WorkloadIndex {
  const byLabel = new Map<string, Workload[]>();
  for (const workload of workloads) {
    for (const [key, { value }] of workload.podLabels) {
      const labelKey = `${workload.cluster}/${workload.namespace}/${key}=${value}`;
      const list = byLabel.get(labelKey);
      if (list) list.push(workload);
      else byLabel.set(labelKey, [workload]);
    }
  }
  return { byLabel };
}

export function attachEndpoints(
  instance: ServiceInstance,
  workloads: WorkloadIndex,
  endpointSets: Map<string, EndpointSet[]>,
): void {
  const { selector } = instance;
  if (selector) {
    instance.workloads = trimmedList(
      candidates(instance, selector, workloads).filter((workload) => selects(selector, workload.podLabels)),
    );
    instance.endpoints = instance.workloads.reduce((sum, workload) => sum + workload.pods, 0);
    return;
  }
  instance.endpointSets =
    endpointSets.get(`${instance.cluster}/${instance.namespace}/${instance.name}`) ?? [];
  instance.endpoints = instance.endpointSets.reduce((sum, set) => sum + set.ready, 0);
}

/**
 * `attachEndpoints` without an index: the namespace's workloads scanned in the model's order (what
 * the index's candidates keep). For the few instances an edit makes, cheaper than indexing thousands.
 */
export function attachEndpointsByScan(
  instance: ServiceInstance,
  workloads: readonly Workload[],
  endpointSets: readonly EndpointSet[],
): void {
  const { selector, cluster, namespace, name } = instance;
  if (selector) {
    instance.workloads = trimmedList(
      workloads.filter(
        (workload) =>
          workload.cluster === cluster &&
          workload.namespace === namespace &&
          selects(selector, workload.podLabels),
      ),
    );
    instance.endpoints = instance.workloads.reduce((sum, workload) => sum + workload.pods, 0);
    return;
  }
  instance.endpointSets = endpointSets.filter(
    (set) => set.cluster === cluster && set.namespace === namespace && set.serviceName === name,
  );
  instance.endpoints = instance.endpointSets.reduce((sum, set) => sum + set.ready, 0);
}

/** The workloads carrying the selector's rarest label, in the model's order (a subset of every match's). */
function candidates(
  instance: ServiceInstance,
  selector: NonNullable<ServiceInstance['selector']>,
  workloads: WorkloadIndex,
): Workload[] {
  let rarest: Workload[] | undefined;
  for (const [key, { value }] of selector) {
    const list = workloads.byLabel.get(`${instance.cluster}/${instance.namespace}/${key}=${value}`) ?? [];
    if (!rarest || list.length < rarest.length) rarest = list;
  }
  return rarest ?? [];
}

/** The exported instances by hostname, each with its siblings that are not exported (SPEC §1). */
export function globalServicesOf(
  services: ServiceInstance[],
  byName: Map<string, ServiceInstance[]>,
  topology: Topology,
): GlobalService[] {
  const result = new Map<string, GlobalService>();
  for (const instance of services) {
    if (!instance.hostname) continue;
    let global = result.get(instance.hostname);
    if (!global) {
      global = {
        hostname: instance.hostname,
        name: instance.name,
        namespace: instance.namespace,
        domain: domainOf(topology, instance.cluster),
        instances: [],
        unexportedSiblings: [],
      };
      result.set(instance.hostname, global);
    }
    global.instances.push(instance);
  }
  for (const global of result.values()) {
    global.unexportedSiblings = (byName.get(serviceKey(global.namespace, global.name)) ?? []).filter(
      (sibling) => !sibling.hostname && domainOf(topology, sibling.cluster) === global.domain,
    );
  }
  return [...result.values()];
}
