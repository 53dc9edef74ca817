import type { YAMLMap } from 'yaml';
import type { Range } from '../text/source';
import type { Located } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import type { MeshKeyElsewhere } from './mesh-keys-elsewhere';

/**
 * What one file declares, before we know which cluster it belongs to. Extracted once per file
 * text and cached with the parse, so an edit elsewhere never re-reads this file.
 */
export interface FileDeclarations {
  namespaces: NamespaceDecl[];
  services: ServiceDecl[];
  workloads: WorkloadDecl[];
  endpointSets: EndpointSetDecl[];
  hostReferences: HostReference[];
  segments: SegmentDecl[];
  gateways: GatewayDecl[];
  /** `kind: Node` manifests: when a cluster lists its nodes, a DaemonSet runs one pod on each. */
  nodeCount: number;
  /** Mesh keys written where the mesh does not read them (MESH112). */
  meshKeysElsewhere: MeshKeyElsewhere[];
}

export interface NamespaceDecl {
  resource: Resource;
  name: string;
}

export interface ServicePort {
  port?: number;
  name?: string;
  /** After Kubernetes defaults: `TCP`. */
  protocol: string;
  /** After Kubernetes defaults: the port itself. */
  targetPort?: string;
  appProtocol?: string;
  range: Range;
}

export interface ServiceDecl {
  resource: Resource;
  name: string;
  namespace: string;
  /** `undefined` when the Service has no (or an empty) selector: its endpoints come from EndpointSlices. */
  selector?: ReadonlyMap<string, Located<string>>;
  ports: ServicePort[];
  /**
   * The `ports` key, else the `spec` key: where a finding about the ports as a whole points (MESH103).
   * Read with the other facts: reading it later parsed the file again once it had left the document cache.
   */
  portsKey?: Range;
  /** The Kubernetes `spec.trafficDistribution` field, which wins over the annotations (SPEC §2). */
  trafficDistributionField?: Located<string>;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Pod' | 'Rollout';

export interface WorkloadDecl {
  resource: Resource;
  kind: WorkloadKind;
  name: string;
  namespace: string;
  /** `spec.replicas`, default 1; a DaemonSet's count is decided per cluster from its nodes. */
  replicas: number;
  /** Where `spec.replicas` is written, whatever it holds. */
  replicasRange?: Range;
  podLabels: ReadonlyMap<string, Located<string>>;
  /** Where the pod labels stand (the template's `labels` map), for moving labels there. */
  podLabelsRange?: Range;
}

/** An EndpointSlice or Endpoints object: the endpoints of a Service without a selector. */
export interface EndpointSetDecl {
  resource: Resource;
  serviceName: string;
  namespace: string;
  ready: number;
}

export type HostRole =
  | 'backendRef'
  | 'parentRef'
  | 'destination'
  | 'mirror'
  | 'virtualServiceHost'
  | 'destinationRuleHost'
  | 'serviceEntryHost'
  /** A hostname inside any other string value: an env value, a URL, a ConfigMap entry (SPEC §9). */
  | 'value';

/**
 * A place where a route or rule names a service, by hostname or (Gateway API) by Service name, or
 * where a string value holds a global-looking hostname.
 */
export interface HostReference {
  resource: Resource;
  role: HostRole;
  /** For a `value` reference, the hostname only: its range lies inside the string. */
  host: Located<string>;
  /** For a `value` reference, where the string stands, for messages ("in env URL of container app"). */
  where?: string;
  /** For Gateway API refs: the ref's map and its fields, so checks can inspect and fix them. */
  ref?: GatewayApiRef;
  /** A VirtualService destination's `subset`. */
  subset?: Located<string>;
  /** A DestinationRule's `subsets` key and its entries. */
  subsets?: { keyRange: Range; names: Located<string>[] };
}

export interface GatewayApiRef {
  /** The ref's map, found again in the file's current reading of its documents. */
  readonly node: YAMLMap;
  range: Range;
  group?: Located<string>;
  kind?: Located<string>;
  namespace?: Located<string>;
  port?: Located<string>;
}

export interface SegmentDecl {
  resource: Resource;
  name: string;
  domain?: Located<string>;
}

export type GatewayClass = 'istio-remote' | 'istio-eastwest';

export interface GatewayDecl {
  resource: Resource;
  gatewayClass: GatewayClass;
  name: Located<string>;
  network?: Located<string>;
  addresses: Located<string>[];
}
