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
import type { PeeringGateway } from '../topology/build-topology';
import type { SeverityOverride } from '../topology/topology-file';
import type { Topology } from '../topology/types';
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
 * The mesh as the workspace describes it. An edit produces a new model that shares everything the
 * edit did not touch with the previous one, and patches the previous one's maps (`files`,
 * `servicesByName`, `globalServices`) in place: only the newest model of a Workspace is to be read.
 */
export interface MeshModel {
  topology: Topology;
  files: Map<string, ModelFile>;
  namespaces: NamespaceInstance[];
  services: ServiceInstance[];
  /** `namespace/name` → instances in every cluster. */
  servicesByName: Map<string, ServiceInstance[]>;
  /** By hostname, in no particular order: lists shown to users come from `sortedGlobalServices`. */
  globalServices: Map<string, GlobalService>;
  workloads: Workload[];
  references: ClusterReference[];
  peeringGateways: PeeringGateway[];
  eastWestClusters: Set<string>;
  /** Findings made while reading (MESH190, MESH195) and building the topology (MESH191). */
  findings: Finding[];
  severityOverrides: Map<string, SeverityOverride>;
  resourceCount: number;
}

export function serviceKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
