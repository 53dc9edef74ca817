import type {
  EndpointSetDecl,
  FileDeclarations,
  HostReference,
  NamespaceDecl,
  ServiceDecl,
  WorkloadDecl,
} from '../facts/declarations';
import type { DistributionMode, ExportScope } from '../facts/mesh-labels';
import type { Finding } from '../text/findings';
import { compareStrings } from '../text/findings-order';
import type { PeeringGateway } from '../topology/build-topology';
import type { SeverityOverride } from '../topology/topology-file';
import type { Topology } from '../topology/types';
import type { SessionCache } from '../util/session-cache';
import type { Located } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import type { Resource } from '../yaml/resource';
import type { PlacedFile } from './placed-facts';

/** Where a per-service setting came from: SPEC §2's precedence, kept so hover and fixes can say and edit it. */
export interface Setting<T> {
  value: T;
  from: 'field' | 'service' | 'namespace' | 'default';
  /** The label/annotation/field as written; absent for defaults. */
  raw?: Located<string>;
  /** The resource that carries `raw`. */
  resource?: Resource;
}

export interface NamespaceInstance extends NamespaceDecl {
  cluster: string;
}

export interface Workload extends WorkloadDecl {
  cluster: string;
  /** Ready pods: replicas, or one per known node for a DaemonSet. */
  pods: number;
}

export interface EndpointSet extends EndpointSetDecl {
  cluster: string;
}

/** One `v1/Service` manifest in one namespace of one cluster (SPEC §1). */
export interface ServiceInstance extends ServiceDecl {
  cluster: string;
  /** How the Service got to its cluster: the entry kustomization or topology path, for messages and fixes. */
  placement: PlacementSummary;
  namespaceInstance?: NamespaceInstance;
  /** The raw `solo.io/service-scope` value in effect ('' when none). */
  scope: Setting<string>;
  /** How the instance is exported, if it is (an invalid value, or `segment` outside a segment, exports nothing). */
  exportScope?: ExportScope;
  takeover: Setting<boolean>;
  /** `undefined` value: the written value is not a valid mode (MESH150). */
  trafficDistribution: Setting<DistributionMode | undefined>;
  workloads: Workload[];
  endpointSets: EndpointSet[];
  endpoints: number;
  /** The global hostname, when exported. */
  hostname?: string;
}

/** What findings and hovers say of a placement: how it was placed, and by what. */
export type PlacementSummary = Pick<PlacedFile, 'via' | 'entry' | 'file'> & {
  /** The clusters the same document is placed in, this one included (one: not shared). */
  clusters: readonly string[];
};

/** A Service as one placement puts it in a cluster. */
export interface PlacedService extends ServiceDecl {
  cluster: string;
  placement: PlacementSummary;
}

/** The exported instances sharing name, namespace and DNS domain across clusters (SPEC §1). */
export interface GlobalService {
  hostname: string;
  name: string;
  namespace: string;
  domain: string;
  instances: ServiceInstance[];
  /** Same name and namespace, in a cluster of the same domain, but not exported: their endpoints are missing. */
  unexportedSiblings: ServiceInstance[];
}

export interface ClusterReference extends HostReference {
  cluster: string;
  namespace: string;
}

export interface ModelFile {
  parsed: ParsedFile;
  /** What the file declares as written, before any placement. */
  declarations: FileDeclarations;
  /** Where the file is applied (SPEC §9): at least one placement, unless only kustomizations read it. */
  placements: PlacedFile[];
}

/**
 * What any part of the mesh may look up: the topology, the files, and the mesh-wide maps. A check
 * reads its shard's lists and looks things up here (a sibling in another cluster, what a hostname
 * resolves to); it never iterates the whole mesh, so re-checking a shard costs what the shard holds.
 */
export interface MeshIndex {
  topology: Topology;
  files: Map<string, ModelFile>;
  /** `namespace/name` → instances in every cluster. */
  servicesByName: Map<string, ServiceInstance[]>;
  /** By hostname, in no particular order: lists shown to users come from `sortedGlobalServices`. */
  globalServices: Map<string, GlobalService>;
  eastWestClusters: Set<string>;
  /** What the host remembers across its models (util/session-cache.ts). */
  cache: SessionCache;
  /** Which set of global hostnames `globalServices` holds: a new version only when the set changes. */
  hostnameVersion: HostnameVersion;
}

/**
 * A set of global hostnames, by identity: what caches of answers that read every hostname are keyed
 * by (MESH121's suggestions). A model updated from another keeps its version when no hostname came
 * or went, and otherwise says what changed, so that such an answer is patched instead of made again.
 */
export interface HostnameVersion {
  /** Unique in the process. */
  readonly id: number;
  /** The version this one was patched from: its hostnames without `removed`, plus `added`. */
  readonly from?: {
    readonly id: number;
    readonly added: readonly string[];
    readonly removed: readonly string[];
  };
}

/**
 * One namespace of every cluster — everything any cluster says about it, plus every reference whose
 * hostname points into it — or the global shard (`GLOBAL_SHARD`: what is not about one namespace,
 * the findings made while reading files and building the topology). The incremental analysis checks
 * shard by shard (model/shards.ts; `describeShard` prints one).
 */
export interface Shard {
  /** The namespace's name, or `GLOBAL_SHARD`. */
  readonly key: string;
  /** The files with a manifest in the shard. */
  readonly files: readonly ModelFile[];
  readonly namespaces: NamespaceInstance[];
  readonly services: ServiceInstance[];
  readonly workloads: Workload[];
  readonly endpointSets: EndpointSet[];
  /** The references whose hostname points into the namespace, from any namespace. */
  readonly references: ClusterReference[];
  readonly peeringGateways: PeeringGateway[];
  /** The shard's global services, in no particular order (the model's map is sorted). */
  readonly globalServices: GlobalService[];
  /** The instances of each `namespace/name`, every cluster's. */
  readonly serviceGroups: ServiceInstance[][];
  /** Findings made while reading (MESH190, MESH195) and building the topology (MESH191): the global shard's only. */
  readonly findings: readonly Finding[];
  /**
   * Set on a view of one cell of a shard (model/cells.ts): its lists hold only the cell's units, and
   * `whole` is the shard, for lookups beyond them (every Service of the namespace).
   */
  readonly cell?: {
    readonly whole: Shard;
    holds(unit: string): boolean;
    /** Names the units the cell holds: two views with the same `id` hold the same units. */
    readonly id: string;
  };
}

/** What a model is made of besides its shards. */
export interface MeshModelFields extends MeshIndex {
  peeringGateways: PeeringGateway[];
  findings: Finding[];
  severityOverrides: Map<string, SeverityOverride>;
  resourceCount: number;
}

/**
 * The mesh as the workspace describes it: its shards, by key, and the mesh-wide index. An edit
 * produces a new model that shares every shard the edit did not touch with the previous one, and
 * patches the previous one's maps (`files`, `servicesByName`, `globalServices`) in place: only the
 * newest model of a Workspace is to be read. A class because the whole-mesh lists (`services`, …)
 * are joined from the shards on first read: an edit re-checks its shards without joining them.
 */
export class MeshModel implements MeshIndex {
  readonly topology: Topology;
  readonly files: Map<string, ModelFile>;
  readonly servicesByName: Map<string, ServiceInstance[]>;
  readonly globalServices: Map<string, GlobalService>;
  readonly eastWestClusters: Set<string>;
  readonly cache: SessionCache;
  readonly hostnameVersion: HostnameVersion;
  readonly peeringGateways: PeeringGateway[];
  /** Findings made while reading (MESH190, MESH195) and building the topology (MESH191). */
  readonly findings: Finding[];
  readonly severityOverrides: Map<string, SeverityOverride>;
  readonly resourceCount: number;
  /** The shards by key, the global one included. */
  readonly shards: ReadonlyMap<string, Shard>;
  #ordered: Shard[] | undefined;
  #joined = new Map<keyof Shard, unknown[]>();

  constructor(fields: MeshModelFields, shards: ReadonlyMap<string, Shard>) {
    this.topology = fields.topology;
    this.files = fields.files;
    this.servicesByName = fields.servicesByName;
    this.globalServices = fields.globalServices;
    this.eastWestClusters = fields.eastWestClusters;
    this.cache = fields.cache;
    this.hostnameVersion = fields.hostnameVersion;
    this.peeringGateways = fields.peeringGateways;
    this.findings = fields.findings;
    this.severityOverrides = fields.severityOverrides;
    this.resourceCount = fields.resourceCount;
    this.shards = shards;
  }

  /** Every cluster's Namespaces, shard after shard in key order. */
  get namespaces(): NamespaceInstance[] {
    return this.#join('namespaces');
  }

  get services(): ServiceInstance[] {
    return this.#join('services');
  }

  get workloads(): Workload[] {
    return this.#join('workloads');
  }

  get references(): ClusterReference[] {
    return this.#join('references');
  }

  #join<K extends 'namespaces' | 'services' | 'workloads' | 'references'>(key: K): Shard[K] {
    let list = this.#joined.get(key);
    if (!list) {
      this.#ordered ??= [...this.shards.keys()]
        .sort(compareStrings)
        .map((shard) => this.shards.get(shard) as Shard);
      list = ([] as unknown[]).concat(...this.#ordered.map((shard) => shard[key]));
      this.#joined.set(key, list);
    }
    return list as Shard[K];
  }
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
