import type { WorkloadDecl } from '../facts/declarations';
import { selects } from '../facts/selectors';
import type { PeeringGateway } from '../topology/build-topology';
import type { Topology } from '../topology/types';
import { groupBy } from '../util/group-by';
import { settledList, settledMap } from '../util/settled';
import { namespaceOf } from '../yaml/resource';
import { bigEnoughToSplit } from './cells';
import type { PlacedFile } from './placed-facts';
import {
  attachEndpoints,
  attachEndpointsByScan,
  globalServicesOf,
  indexWorkloads,
  serviceInstance,
  type WorkloadIndex,
} from './service-instance';
import { shardOfHost, shardOfResource, unitOfHost, unitOfResource } from './shards';
import {
  type ClusterReference,
  type EndpointSet,
  type ModelFile,
  type NamespaceInstance,
  type PlacedService,
  type PlacementSummary,
  type ServiceInstance,
  type Shard,
  serviceKey,
  type Workload,
} from './types';
import { attachTable, gathered, resourceUnits, tableOf } from './unit-table';

// The model is assembled shard by shard (model/shards.ts): each file's declarations are split by
// the namespace they belong to, once per file text and cluster, and a shard is assembled from the
// parts of the files that speak of it. An edit re-assembles only its shards.

/** What one file says about one shard, placed in the file's clusters. */
export interface FilePart {
  /** Whether the file holds manifests of this namespace (not only hostnames pointing into it). */
  holdsResources: boolean;
  namespaces: NamespaceInstance[];
  services: PlacedService[];
  workloads: Workload[];
  endpointSets: EndpointSet[];
  references: ClusterReference[];
}

// Keyed by the declarations, which exist once per file text and placement (a model file and the
// workspace's facts of the same text share them), then by cluster and its Node count.
// Most files are placed once: their first parts are kept without a Map of their own (one per file
// held 5 MB at 50,000 resources); a file placed in more clusters keeps the others' in `more`.
const partsByFacts = new WeakMap<PlacedFile['declarations'], KnownParts>();

interface KnownParts {
  key: string;
  parts: ReadonlyMap<string, FilePart>;
  more?: Map<string, ReadonlyMap<string, FilePart>>;
}
// A file placed more than once: its placements' parts joined, per model file and Node counts.
const joinedParts = new WeakMap<ModelFile, { key: string; parts: ReadonlyMap<string, FilePart> }>();

/** A file's declarations by shard, every placement's; `nodes` are each cluster's Node count (a DaemonSet's pods). */
export function filePartsOf(
  file: ModelFile,
  nodes: ReadonlyMap<string, number>,
): ReadonlyMap<string, FilePart> {
  const summary = placementSummary(file);
  const [only, ...more] = file.placements;
  if (!only) return EMPTY;
  if (more.length === 0) return placementParts(only, nodes.get(only.cluster) ?? 0, summary(only));
  const key = file.placements.map((placed) => nodes.get(placed.cluster) ?? 0).join(',');
  const known = joinedParts.get(file);
  if (known && known.key === key) return known.parts;
  const parts = new Map<string, FilePart>();
  for (const placed of file.placements)
    for (const [shard, part] of placementParts(placed, nodes.get(placed.cluster) ?? 0, summary(placed)))
      parts.set(shard, joinParts(parts.get(shard), part));
  joinedParts.set(file, { key, parts });
  return parts;
}

const EMPTY: ReadonlyMap<string, FilePart> = new Map();

function joinParts(a: FilePart | undefined, b: FilePart): FilePart {
  if (!a) return b;
  return {
    holdsResources: a.holdsResources || b.holdsResources,
    namespaces: [...a.namespaces, ...b.namespaces],
    services: [...a.services, ...b.services],
    workloads: [...a.workloads, ...b.workloads],
    endpointSets: [...a.endpointSets, ...b.endpointSets],
    references: [...a.references, ...b.references],
  };
}

/** The summary each placement's Services carry: made once per model file, shared by its Services. */
function placementSummary(file: ModelFile): (placed: PlacedFile) => PlacementSummary {
  const [only, ...more] = file.placements;
  const clusters =
    only && more.length === 0
      ? clusterAlone(only.cluster)
      : [...new Set(file.placements.map((placed) => placed.cluster))];
  return (placed) => ({ via: placed.via, entry: placed.entry, file: placed.file, clusters });
}

// Most files are placed in one cluster: their Services share that cluster's one-item list (a list
// per file was 18,000 lists at 50,000 resources). The table starts over when full, so names typed
// one character at a time in the topology file cannot grow it without limit.
const clustersAlone = new Map<string, readonly string[]>();
const MAX_CLUSTERS_ALONE = 1024;

function clusterAlone(cluster: string): readonly string[] {
  let list = clustersAlone.get(cluster);
  if (!list) {
    if (clustersAlone.size >= MAX_CLUSTERS_ALONE) clustersAlone.clear();
    list = Object.freeze([cluster]);
    clustersAlone.set(cluster, list);
  }
  return list;
}

// The keys of placements' parts are a handful of values (a cluster, its Node count, the file's
// clusters) kept once per file: each file kept its own concatenation of them (28,000 strings, 2 MB
// at 50,000 resources). Bounded as `clustersAlone` is.
const partsKeys = new Map<string, string>();

function partsKey(key: string): string {
  const known = partsKeys.get(key);
  if (known !== undefined) return known;
  if (partsKeys.size >= MAX_CLUSTERS_ALONE) partsKeys.clear();
  partsKeys.set(key, key);
  return key;
}

function placementParts(
  placed: PlacedFile,
  nodes: number,
  summary: PlacementSummary,
): ReadonlyMap<string, FilePart> {
  const { cluster, declarations } = placed;
  const known = partsByFacts.get(declarations);
  const key = partsKey(`${cluster}\u0000${nodes}\u0000${summary.clusters.join(',')}`);
  const cached = known?.key === key ? known.parts : known?.more?.get(key);
  if (cached) return cached;
  const parts = new Map<string, FilePart>();
  const part = (shard: string): FilePart => {
    let found = parts.get(shard);
    if (!found) {
      found = {
        holdsResources: false,
        namespaces: [],
        services: [],
        workloads: [],
        endpointSets: [],
        references: [],
      };
      parts.set(shard, found);
    }
    return found;
  };
  // Added fields first: `{ ...a, b }` gets a V8 map of its own per object, `{ b, ...a }` a shared one.
  for (const resource of placed.resources) part(shardOfResource(resource)).holdsResources = true;
  for (const namespace of declarations.namespaces)
    part(namespace.name).namespaces.push({ cluster, ...namespace });
  for (const service of declarations.services)
    part(service.namespace).services.push({ cluster, placement: summary, ...service });
  for (const workload of declarations.workloads) {
    // SPEC §1: a DaemonSet runs a pod per node when the cluster's nodes are known, else count 1.
    const pods = workload.kind === 'DaemonSet' ? nodes || 1 : workload.replicas;
    part(workload.namespace).workloads.push(placedWorkload(workload, cluster, pods));
  }
  for (const set of declarations.endpointSets) part(set.namespace).endpointSets.push({ cluster, ...set });
  for (const reference of declarations.hostReferences) {
    const namespace = namespaceOf(reference.resource);
    part(shardOfHost(reference.host.value, namespace)).references.push({ cluster, namespace, ...reference });
  }
  for (const [shard, found] of parts) parts.set(shard, settledPart(found));
  // Most files have one or two parts: a list, not a hash table (util/settled.ts).
  const kept = settledMap(parts);
  if (!known) partsByFacts.set(declarations, { key, parts: kept });
  else {
    known.more ??= new Map();
    known.more.set(key, kept);
  }
  return kept;
}

/**
 * `{ cluster, pods, ...workload }` written out: a spread after fields leaves an object room for a few
 * fields and puts the others in a list of their own (136 bytes a workload where a literal takes 104:
 * 0.6 MB at 50,000 resources).
 */
function placedWorkload(workload: WorkloadDecl, cluster: string, pods: number): Workload {
  return {
    cluster,
    pods,
    resource: workload.resource,
    kind: workload.kind,
    name: workload.name,
    namespace: workload.namespace,
    replicas: workload.replicas,
    replicasRange: workload.replicasRange,
    podLabels: workload.podLabels,
    podLabelsRange: workload.podLabelsRange,
  };
}

function settledPart(part: FilePart): FilePart {
  return {
    holdsResources: part.holdsResources,
    namespaces: settledList(part.namespaces),
    services: settledList(part.services),
    workloads: settledList(part.workloads),
    endpointSets: settledList(part.endpointSets),
    references: settledList(part.references),
  };
}

/** A file that speaks of a shard, what it says there, and its place in the workspace's order. */
export interface ShardFile {
  file: ModelFile;
  part: FilePart;
  /** The file's position in the workspace: within a shard, files contribute in this order. */
  position: number;
}

/**
 * What an edit lets a shard's assembly keep: the shard before it, the units (model/shards.ts) the
 * changed files speak of there, and the workloads they held before and hold now. A Service of
 * another unit keeps its instance unless its selector matched one of those workloads, before or after.
 */
export interface ShardReuse {
  previous: Shard;
  /** Grows by the Services whose selector matches a changed workload. */
  units: Set<string>;
  changedWorkloads: readonly Workload[];
}

/** The units an edit of a file touches in a shard through one of its parts; false when it touches them all (a Namespace). */
export function addUnitsOfPart(file: ModelFile, part: FilePart, shard: string, units: Set<string>): boolean {
  if (part.namespaces.length > 0) return false;
  for (const service of part.services) units.add(service.name);
  for (const workload of part.workloads) units.add(unitOfResource(workload.resource));
  for (const set of part.endpointSets) units.add(set.serviceName);
  for (const reference of part.references) units.add(unitOfHost(reference.host.value));
  if (part.holdsResources) for (const unit of resourceUnits(file, shard)) units.add(unit);
  return true;
}

// Each shard's instances by the placed Service each was made from, so that an update can keep the
// instances of the Services it did not touch.
const instancesOfShard = new WeakMap<Shard, Map<PlacedService, ServiceInstance>>();
// The files a shard was assembled from, in order: an update patches the list instead of sorting it.
const filesOfShard = new WeakMap<Shard, readonly ShardFile[]>();

export function shardFilesOf(shard: Shard): readonly ShardFile[] | undefined {
  const known = filesOfShard.get(shard);
  if (known) return known;
  // A shard an edit made from its table: its table keeps its entries in order.
  return tableOf(shard)?.order.list;
}

/** One namespace of every cluster: its Service instances, global services and what points into it. */
export function assembleShard(
  shard: string,
  files: ShardFile[],
  topology: Topology,
  peeringGateways: PeeringGateway[],
  /** The model's files by path (whether a reference's file is plain, for a big namespace's table). */
  modelFiles: ReadonlyMap<string, ModelFile>,
  reuse?: ShardReuse,
): Shard {
  const { namespaces, workloads, endpointSets, references, holding } = gathered(files);
  const namespaceIndex = new Map<string, NamespaceInstance>();
  for (const namespace of namespaces) {
    const key = namespace.cluster;
    if (!namespaceIndex.has(key)) namespaceIndex.set(key, namespace);
  }
  const kept = reuse && keptInstances(files, reuse);
  const attach = endpointAttacher(workloads, endpointSets, kept !== undefined);
  const instances = new Map<PlacedService, ServiceInstance>();
  const services: ServiceInstance[] = [];
  for (const { part } of files)
    for (const service of part.services) {
      let instance = kept?.(service);
      if (!instance) {
        instance = serviceInstance(service, namespaceIndex.get(service.cluster), topology);
        attach(instance);
      }
      instances.set(service, instance);
      services.push(instance);
    }
  const byName = groupBy(services, (service) => serviceKey(service.namespace, service.name));
  const assembled: Shard = {
    key: shard,
    files: holding,
    namespaces,
    services,
    workloads,
    endpointSets,
    references,
    peeringGateways: peeringGateways.filter((peering) => shardOfResource(peering.gateway.resource) === shard),
    globalServices: globalServicesOf(services, byName, topology),
    serviceGroups: [...byName.values()],
    findings: [],
  };
  filesOfShard.set(assembled, files);
  instancesOfShard.set(assembled, instances);
  // A namespace big enough to be checked in cells keeps its units, so that an edit re-assembles a few.
  if (bigEnoughToSplit(assembled.serviceGroups.length, assembled.services.length))
    attachTable(assembled, files, instances, topology, modelFiles);
  return assembled;
}

/**
 * The previous instances an update keeps: those of Services outside the edit's units whose selector
 * matched none of the changed workloads, before the edit or after it (a workload's labels starting or
 * stopping to match changes the Service's endpoints). The units grow by the Services that changed so.
 */
function keptInstances(
  files: readonly ShardFile[],
  reuse: ShardReuse,
): (placed: PlacedService) => ServiceInstance | undefined {
  const { previous, units, changedWorkloads } = reuse;
  if (changedWorkloads.length > 0) {
    const changed = new Set(changedWorkloads);
    for (const instance of previous.services)
      if (instance.workloads.some((workload) => changed.has(workload))) units.add(instance.name);
    // By cluster: a base's workload edited in twenty overlays changes one workload in each cluster.
    const byCluster = new Map<string, Workload[]>();
    for (const workload of changedWorkloads) {
      const list = byCluster.get(workload.cluster);
      if (list) list.push(workload);
      else byCluster.set(workload.cluster, [workload]);
    }
    for (const { part } of files)
      for (const service of part.services) {
        const { selector } = service;
        if (!selector) continue;
        const inCluster = byCluster.get(service.cluster);
        if (
          inCluster?.some(
            (workload) => workload.namespace === service.namespace && selects(selector, workload.podLabels),
          )
        )
          units.add(service.name);
      }
  }
  const known = instancesOfShard.get(previous);
  return (placed) => (units.has(placed.name) ? undefined : known?.get(placed));
}

// New instances are matched by scanning workloads until the label index would have cost less: it
// reads every label of every workload of the namespace, about as much as scanning them all a few
// times (`SCAN_PASSES`). The first scan reads the namespace's workloads, the next ones their
// cluster's (grouping them is one more pass): an edit of a base read by twenty overlays makes a few
// dozen instances, each in a cluster of a twentieth of the workloads. Counting instances instead
// scanned 256 times over a namespace of one cluster: in a repository whose files mostly land in
// `default` (239 workloads), an edit of the file holding Bookinfo's Deployments made 80 instances
// whose Services select them, and the scans were the model's largest cost. A build of a namespace of
// more workloads than `SCANNED_IN_BUILD` indexes them at once: it makes an instance per workload or so.
const SCAN_PASSES = 4;
const SCANNED_IN_BUILD = 64;

/** Attaches each new instance's workloads (or endpoint sets), as `attachEndpoints` does. */
function endpointAttacher(
  workloads: readonly Workload[],
  endpointSets: readonly EndpointSet[],
  /** An update, which keeps most instances: only a build makes so many that the index pays. */
  update: boolean,
): (instance: ServiceInstance) => void {
  const budget =
    update || workloads.length <= SCANNED_IN_BUILD
      ? SCAN_PASSES * Math.max(workloads.length, SCANNED_IN_BUILD)
      : 0;
  let scanned = 0;
  let byCluster: { workloads: Map<string, Workload[]>; endpointSets: Map<string, EndpointSet[]> } | undefined;
  let indexes: { workloads: WorkloadIndex; endpointSets: Map<string, EndpointSet[]> } | undefined;
  return (instance) => {
    if (!indexes && scanned === 0 && workloads.length <= budget) {
      scanned = Math.max(workloads.length, 1);
      attachEndpointsByScan(instance, workloads, endpointSets);
      return;
    }
    if (!indexes && !byCluster && scanned + workloads.length <= budget) {
      // Each cluster's lists in the model's order (what a scan keeps).
      scanned += workloads.length;
      byCluster = {
        workloads: groupBy(workloads, (workload) => workload.cluster),
        endpointSets: groupBy(endpointSets, (set) => set.cluster),
      };
    }
    const list = byCluster?.workloads.get(instance.cluster) ?? [];
    if (!indexes && byCluster && scanned + list.length <= budget) {
      scanned += Math.max(list.length, 1);
      attachEndpointsByScan(instance, list, byCluster.endpointSets.get(instance.cluster) ?? []);
      return;
    }
    indexes ??= {
      workloads: indexWorkloads(workloads),
      endpointSets: groupBy(endpointSets, (set) => `${set.cluster}/${set.namespace}/${set.serviceName}`),
    };
    attachEndpoints(instance, indexes.workloads, indexes.endpointSets);
  };
}
