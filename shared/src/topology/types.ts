import type { Finding } from '../text/findings';
import type { Range } from '../text/source';

/** Where a fact was declared, for related locations and go-to-definition. */
export interface Origin {
  file: string;
  range: Range;
}

export interface Cluster {
  name: string;
  /** Defaults to the cluster's own name (SPEC §1). */
  network: string;
  region?: string;
  zone?: string;
  segment?: string;
  /** The topology-file entry, when the cluster is declared there. */
  declaredAt?: Origin;
  /** How the workspace told us this cluster exists. */
  via: 'topology' | 'modeline' | 'convention' | 'default';
}

export interface Segment {
  name: string;
  domain: string;
  declaredAt?: Origin;
}

/** A directed "can send to" relation (SPEC §1). */
export interface Link {
  from: string;
  to: string;
  via: 'topology' | 'gateway' | 'default';
  declaredAt?: Origin;
}

export interface Topology {
  clusters: Map<string, Cluster>;
  segments: Map<string, Segment>;
  links: Link[];
  /** `from` → the clusters it can send to (itself excluded). */
  reachable: Map<string, Set<string>>;
  /** The topology file's workspace-relative path, when there is one. */
  file?: string;
  findings: Finding[];
}

export const DEFAULT_DOMAIN = 'mesh.internal';
export const DEFAULT_CLUSTER = 'default';

export function domainOf(topology: Topology, clusterName: string): string {
  const segment = topology.clusters.get(clusterName)?.segment;
  return (segment && topology.segments.get(segment)?.domain) || DEFAULT_DOMAIN;
}

export function canSend(topology: Topology, from: string, to: string): boolean {
  return from === to || (topology.reachable.get(from)?.has(to) ?? false);
}
