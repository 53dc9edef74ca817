import type { Reach } from '../reach/reach-from';
import { compareStrings } from '../text/findings-order';
import type { Range } from '../text/source';
import type { Cluster, Topology } from '../topology/types';
import type { GlobalServiceRow } from './global-services';
import { reachableWords, reachSummary } from './reach-words';

// The mesh as a picture (issue #19): clusters grouped by segment, region and zone, the peering
// links between them, and each global service with its instances per cluster. This module decides
// what the picture says; renderers (mesh-graph-dot.ts, mesh-graph-mermaid.ts) only decide how it
// looks, so the CLI's SVG, a pull request's Mermaid block and the editor's map always agree.

/** A place in the workspace a node stands for, to open it. */
export interface GraphOrigin {
  file: string;
  range: Range;
}

export interface GraphCluster {
  /** An identifier safe in Mermaid and DOT; stable for the same topology. */
  id: string;
  name: string;
  network: string;
  region?: string;
  zone?: string;
  segment?: string;
  /** The topology file's entry, else the first Service of the cluster the map shows. */
  origin?: GraphOrigin;
  /** The cluster the traffic of `route` starts from. */
  isRouteSource: boolean;
}

/** Segment ⊃ region ⊃ zone: the nesting a reader of a mesh expects, outermost first. */
export interface GraphGroup {
  id: string;
  kind: 'mesh' | 'segment' | 'region' | 'zone';
  name: string;
  /** Cluster names directly in this group. */
  clusters: string[];
  groups: GraphGroup[];
}

/** One peering relation between two clusters: a two-way pair is drawn once. */
export interface GraphLink {
  from: string;
  to: string;
  twoWay: boolean;
  /** The route's traffic crosses this link. */
  onRoute: boolean;
}

export type InstanceState = 'exported' | 'not-exported' | 'no-endpoints';

export interface GraphInstance {
  id: string;
  cluster: string;
  /** The Service's name, as the instance is labeled inside its cluster. */
  name: string;
  endpoints: number;
  state: InstanceState;
  origin: GraphOrigin;
  /** The route's traffic lands on this instance's endpoints. */
  onRoute: boolean;
  /** With a route to this service: whether its client uses this instance, or why not. */
  reachable?: string;
}

export interface GraphService {
  id: string;
  hostname: string;
  scope: string;
  instances: GraphInstance[];
  /** Clusters whose clients reach no ready endpoint of this service (SPEC §3). */
  unreachableFrom: string[];
}

/** The path traffic takes from one cluster to one global service, from the reach computation. */
export interface GraphRoute {
  hostname: string;
  from: string;
  mode: string;
  chosen: { cluster: string; endpoints: number }[];
  /** The code lens's words: `2 endpoints in cluster1 (PreferClose)`. */
  summary: string;
  explanation: string;
}

export interface MeshGraph {
  root: GraphGroup;
  clusters: GraphCluster[];
  links: GraphLink[];
  services: GraphService[];
  route?: GraphRoute;
}

/** What the map is drawn from: the snapshot's answers, not the model's internals. */
export interface MeshGraphSource {
  topology: Topology;
  services: readonly GlobalServiceRow[];
  reach: (hostname: string, from: string) => Reach;
}

/** Draw only one service (`--service`), and the route to it from one cluster (`--from`). */
export interface MeshGraphFocus {
  service?: string;
  from?: string;
}

export function meshGraph(source: MeshGraphSource, focus: MeshGraphFocus = {}): MeshGraph {
  const rows = focus.service
    ? source.services.filter((row) => row.hostname === focus.service)
    : source.services;
  const reach = focus.service && focus.from ? source.reach(focus.service, focus.from) : undefined;
  const route = reach && toRoute(reach);
  const clusterIds = idsFor('c', [...source.topology.clusters.keys()]);
  const services = rows.map((row, index) => graphService(row, `s${index}`, clusterIds, source, reach));
  return {
    root: groupClusters([...source.topology.clusters.values()]),
    clusters: [...source.topology.clusters.values()].map((cluster) => ({
      id: clusterIds.get(cluster.name) ?? cluster.name,
      name: cluster.name,
      network: cluster.network,
      region: cluster.region,
      zone: cluster.zone,
      segment: cluster.segment,
      origin: cluster.declaredAt ?? firstServiceIn(cluster.name, rows),
      isRouteSource: route?.from === cluster.name,
    })),
    links: pairedLinks(source.topology, route),
    services,
    route,
  };
}

function idsFor(prefix: string, names: string[]): Map<string, string> {
  return new Map(names.map((name, index) => [name, `${prefix}${index}`]));
}

function toRoute(reach: Reach): GraphRoute {
  return {
    hostname: reach.hostname,
    from: reach.from,
    mode: reach.mode,
    chosen: reach.chosen.map(({ cluster, endpoints }) => ({ cluster, endpoints })),
    summary: reachSummary(reach),
    explanation: reach.explanation,
  };
}

function graphService(
  row: GlobalServiceRow,
  id: string,
  clusterIds: Map<string, string>,
  source: MeshGraphSource,
  reach: Reach | undefined,
): GraphService {
  const route = reach?.hostname === row.hostname ? reach : undefined;
  const name = row.hostname.split('.')[0] ?? row.hostname;
  return {
    id,
    hostname: row.hostname,
    scope: row.scope,
    instances: row.clusters.map((instance, index) => ({
      id: `${id}_${clusterIds.get(instance.cluster) ?? 'c'}_${index}`,
      cluster: instance.cluster,
      name,
      endpoints: instance.endpoints,
      state: instanceState(instance),
      origin: { file: instance.file, range: instance.range },
      onRoute:
        route !== undefined &&
        instance.exported &&
        route.chosen.some((chosen) => chosen.cluster === instance.cluster),
      reachable: route && reachableWords(instance.cluster, instance.exported, route),
    })),
    unreachableFrom: [...source.topology.clusters.keys()].filter(
      (cluster) => source.reach(row.hostname, cluster).chosen.length === 0,
    ),
  };
}

function instanceState(instance: GlobalServiceRow['clusters'][number]): InstanceState {
  if (!instance.exported) return 'not-exported';
  return instance.endpoints > 0 ? 'exported' : 'no-endpoints';
}

function firstServiceIn(cluster: string, rows: readonly GlobalServiceRow[]): GraphOrigin | undefined {
  for (const row of rows) {
    const instance = row.clusters.find((candidate) => candidate.cluster === cluster);
    if (instance) return { file: instance.file, range: instance.range };
  }
  return undefined;
}

/** Links folded into pairs: `a → b` and `b → a` become one two-way link, so asymmetry stands out. */
function pairedLinks(topology: Topology, route: GraphRoute | undefined): GraphLink[] {
  const directed = new Set(topology.links.map((link) => `${link.from}\n${link.to}`));
  const order = [...topology.clusters.keys()];
  const rank = (name: string) => order.indexOf(name);
  const links: GraphLink[] = [];
  const seen = new Set<string>();
  for (const link of topology.links) {
    if (link.from === link.to) continue;
    const twoWay = directed.has(`${link.to}\n${link.from}`);
    const [from, to] =
      twoWay && rank(link.to) < rank(link.from) ? [link.to, link.from] : [link.from, link.to];
    const key = `${from}\n${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.push({ from, to, twoWay, onRoute: crossedByRoute(route, link.from, link.to, twoWay) });
  }
  return links.sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to));
}

function crossedByRoute(route: GraphRoute | undefined, from: string, to: string, twoWay: boolean): boolean {
  if (!route) return false;
  const lands = (cluster: string) => route.chosen.some((chosen) => chosen.cluster === cluster);
  return (route.from === from && lands(to)) || (twoWay && route.from === to && lands(from));
}

/** The group tree: a level is added only for clusters that state it (no "unknown region" boxes). */
function groupClusters(clusters: Cluster[]): GraphGroup {
  const root: GraphGroup = { id: 'g', kind: 'mesh', name: '', clusters: [], groups: [] };
  for (const cluster of clusters) {
    let group = root;
    const levels = [
      ['segment', cluster.segment],
      ['region', cluster.region],
      ['zone', cluster.zone],
    ] as const;
    for (const [kind, name] of levels) {
      if (name !== undefined) group = childGroup(group, kind, name);
    }
    group.clusters.push(cluster.name);
  }
  sortGroups(root);
  return root;
}

function childGroup(parent: GraphGroup, kind: GraphGroup['kind'], name: string): GraphGroup {
  const existing = parent.groups.find((group) => group.kind === kind && group.name === name);
  if (existing) return existing;
  const group: GraphGroup = {
    id: `${parent.id}_${parent.groups.length}`,
    kind,
    name,
    clusters: [],
    groups: [],
  };
  parent.groups.push(group);
  return group;
}

const KIND_ORDER: GraphGroup['kind'][] = ['mesh', 'segment', 'region', 'zone'];

function sortGroups(group: GraphGroup): void {
  group.groups.sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareStrings(a.name, b.name),
  );
  for (const child of group.groups) sortGroups(child);
}
