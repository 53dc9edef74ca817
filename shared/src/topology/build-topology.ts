import type { GatewayDecl, NamespaceDecl, SegmentDecl } from '../facts/declarations';
import { NETWORK_LABEL, SEGMENT_LABEL } from '../facts/mesh-labels';
import { type Finding, noFixes, type RelatedLocation } from '../text/findings';
import type { Range } from '../text/source';
import type { Located } from '../yaml/nodes';
import { UNPLACED_CLUSTER } from './place-workspace';
import { type Placement, renderedOutputPath } from './placement';
import { TOPOLOGY_INVALID, type TopologyDeclaration } from './topology-file';
import type { Cluster, Link, Origin, Segment, Topology } from './types';

/** Facts from manifests that take part in the topology (SPEC §6, "merged in"). */
export interface TopologyInputs {
  declaration?: TopologyDeclaration;
  /**
   * The placements of files that hold manifests (or name their cluster): clusters exist by them. Only
   * the first of each cluster, those with a modeline and those of a render command's output are read,
   * so a caller may leave the others out.
   */
  placements: readonly Placement[];
  /** Clusters some file is placed in that holds manifests, or documents that could not be read. */
  receivingClusters: ReadonlySet<string>;
  /** Clusters GitOps controllers deploy to, whether or not anything they deploy could be followed. */
  controllerDestinations?: ReadonlySet<string>;
  istioSystemNamespaces: { cluster: string; namespace: NamespaceDecl }[];
  segmentManifests: SegmentDecl[];
  gateways: { cluster: string; gateway: GatewayDecl }[];
}

/** An `istio-remote` Gateway and the peer it was resolved to (undefined: it names no known cluster). */
export interface PeeringGateway {
  cluster: string;
  gateway: GatewayDecl;
  peer?: string;
}

export interface TopologyResult {
  topology: Topology;
  peeringGateways: PeeringGateway[];
  /** Clusters with an `istio-eastwest` Gateway: peering-enabled (SPEC §6). */
  eastWestClusters: Set<string>;
}

const PEER_PREFIX = 'istio-remote-peer-';

export function buildTopology(inputs: TopologyInputs): TopologyResult {
  const findings: Finding[] = [...(inputs.declaration?.findings ?? [])];
  const report = (file: string, range: Range, message: string, related: RelatedLocation[] = []) =>
    findings.push({
      code: TOPOLOGY_INVALID,
      severity: 'error',
      file,
      range,
      message,
      related,
      fixes: noFixes,
    });
  const clusters = declaredClusters(inputs.declaration);
  addAssignedClusters(clusters, inputs, report);
  findings.push(...unplacedClusters(inputs));
  const segments = mergeSegments(inputs, report);
  applyIstioSystemLabels(clusters, segments, inputs, report);
  checkDeclaredSegments(clusters, segments, inputs.declaration, report);
  const peeringGateways = resolvePeers(clusters, inputs.gateways);
  const links = mergeLinks(clusters, inputs.declaration, peeringGateways, report);
  const topology: Topology = {
    clusters,
    segments,
    links,
    reachable: reachability(clusters, links),
    file: inputs.declaration?.file,
    findings,
  };
  const eastWestClusters = new Set(
    inputs.gateways
      .filter(({ gateway }) => gateway.gatewayClass === 'istio-eastwest')
      .map(({ cluster }) => cluster),
  );
  return { topology, peeringGateways, eastWestClusters };
}

function origin(file: string, range: Range): Origin {
  return { file, range };
}

function declaredClusters(declaration: TopologyDeclaration | undefined): Map<string, Cluster> {
  const clusters = new Map<string, Cluster>();
  if (!declaration) return clusters;
  for (const entry of declaration.clusters) {
    clusters.set(entry.name.value, {
      name: entry.name.value,
      network: entry.network?.value ?? entry.name.value,
      region: entry.region?.value,
      zone: entry.zone?.value,
      segment: entry.segment?.value,
      declaredAt: origin(declaration.file, entry.name.range),
      via: 'topology',
    });
  }
  return clusters;
}

type Report = (file: string, range: Range, message: string, related?: RelatedLocation[]) => void;

function addAssignedClusters(clusters: Map<string, Cluster>, inputs: TopologyInputs, report: Report) {
  const declaresClusters = (inputs.declaration?.clusters.length ?? 0) > 0;
  const implicit = new Map<string, Cluster['via']>();
  for (const placement of inputs.placements) {
    if (!clusters.has(placement.cluster) && !implicit.has(placement.cluster)) {
      implicit.set(
        placement.cluster,
        placement.via === 'kustomize' || placement.via === 'gitops' ? 'convention' : placement.via,
      );
    }
    // A modeline naming a cluster the topology file does not know is most likely a typo.
    if (declaresClusters && placement.modeline && !clusters.has(placement.cluster)) {
      report(
        placement.file,
        placement.modeline.range,
        `Cluster \`${placement.cluster}\` is not declared in the topology file; known clusters: ${[...clusters.keys()].join(', ')}.`,
      );
    }
  }
  for (const name of inputs.controllerDestinations ?? []) {
    if (!clusters.has(name) && !implicit.has(name)) implicit.set(name, 'convention');
  }
  for (const name of [...implicit.keys()].sort()) {
    clusters.set(name, { name, network: name, via: implicit.get(name) ?? 'default' });
  }
}

/**
 * A cluster whose `render` command has not run (not allowed, or it failed) is empty for that reason
 * alone, and MESH192 already says so on its `render:` line.
 */
function awaitsRender(cluster: TopologyDeclaration['clusters'][number], inputs: TopologyInputs): boolean {
  if (!cluster.render) return false;
  const output = renderedOutputPath(cluster.name.value);
  return !inputs.placements.some((placement) => placement.file === output);
}

/** MESH193: clusters the topology file declares that no placement puts a manifest in (SPEC §9). */
function unplacedClusters(inputs: TopologyInputs): Finding[] {
  const { declaration } = inputs;
  if (!declaration) return [];
  return declaration.clusters
    .filter((cluster) => !inputs.receivingClusters.has(cluster.name.value) && !awaitsRender(cluster, inputs))
    .map((cluster) => {
      const paths = cluster.paths.map((path) => `\`${path.glob.value}\``).join(', ');
      const why = paths
        ? `no file its paths (${paths}) match holds a Kubernetes object, and no kustomization places one there`
        : 'it has no `paths`, and no kustomization places a manifest there';
      return {
        code: UNPLACED_CLUSTER,
        severity: 'warning' as const,
        file: declaration.file,
        range: cluster.name.range,
        message: `Cluster \`${cluster.name.value}\` receives no manifest: ${why}. Mesh Lens sees it empty, so its Services are missing from every global service and nothing in it is checked.`,
        related: [],
        fixes: noFixes,
      };
    });
}

function mergeSegments(inputs: TopologyInputs, report: Report): Map<string, Segment> {
  const segments = new Map<string, Segment>();
  const file = inputs.declaration?.file;
  for (const entry of inputs.declaration?.segments ?? []) {
    if (!entry.domain || !file) continue;
    segments.set(entry.name.value, {
      name: entry.name.value,
      domain: entry.domain.value,
      declaredAt: origin(file, entry.name.range),
    });
  }
  for (const manifest of inputs.segmentManifests) {
    const where = origin(manifest.resource.source.path, manifest.domain?.range ?? manifest.resource.range);
    const known = segments.get(manifest.name);
    if (!manifest.domain?.value) {
      report(
        where.file,
        manifest.resource.name?.range ?? where.range,
        `Segment \`${manifest.name}\` has no \`spec.domain\`.`,
      );
    } else if (!known) {
      segments.set(manifest.name, { name: manifest.name, domain: manifest.domain.value, declaredAt: where });
    } else if (known.domain !== manifest.domain.value) {
      report(
        where.file,
        where.range,
        `Segment \`${manifest.name}\` has domain \`${manifest.domain.value}\` here but \`${known.domain}\` in the topology file; hostnames would not agree.`,
        related(known.declaredAt, `segment \`${manifest.name}\` declared with domain \`${known.domain}\``),
      );
    }
  }
  return segments;
}

function related(at: Origin | undefined, message: string): RelatedLocation[] {
  return at ? [{ file: at.file, range: at.range, message }] : [];
}

/** The `istio-system` Namespace states the cluster's network and segment (SPEC §2, §6). */
function applyIstioSystemLabels(
  clusters: Map<string, Cluster>,
  segments: Map<string, Segment>,
  inputs: TopologyInputs,
  report: Report,
) {
  for (const { cluster: clusterName, namespace } of inputs.istioSystemNamespaces) {
    const cluster = clusters.get(clusterName);
    if (!cluster) continue;
    const file = namespace.resource.source.path;
    const segmentLabel = namespace.resource.labels.get(SEGMENT_LABEL);
    if (segmentLabel) applySegmentLabel(cluster, segments, file, segmentLabel, report);
    const networkLabel = namespace.resource.labels.get(NETWORK_LABEL);
    if (networkLabel) applyNetworkLabel(cluster, file, networkLabel, inputs.declaration, report);
  }
}

function applySegmentLabel(
  cluster: Cluster,
  segments: Map<string, Segment>,
  file: string,
  label: Located<string>,
  report: Report,
) {
  if (!segments.has(label.value)) {
    const known = [...segments.keys()];
    report(
      file,
      label.range,
      `Segment \`${label.value}\` is not defined (no Segment resource or topology entry)${known.length ? `; known: ${known.join(', ')}` : ''}.`,
    );
    return;
  }
  if (cluster.segment && cluster.segment !== label.value) {
    report(
      file,
      label.range,
      `Cluster \`${cluster.name}\` is in segment \`${cluster.segment}\` in the topology file but \`${label.value}\` here.`,
      related(cluster.declaredAt, `cluster \`${cluster.name}\``),
    );
    return;
  }
  cluster.segment = label.value;
}

function applyNetworkLabel(
  cluster: Cluster,
  file: string,
  label: Located<string>,
  declaration: TopologyDeclaration | undefined,
  report: Report,
) {
  const declared = declaration?.clusters.find((entry) => entry.name.value === cluster.name)?.network;
  if (declared && declared.value !== label.value) {
    report(
      file,
      label.range,
      `Cluster \`${cluster.name}\` is on network \`${declared.value}\` in the topology file but \`${label.value}\` here; network-local routing would use the wrong one.`,
      declaration
        ? [{ file: declaration.file, range: declared.range, message: `network of \`${cluster.name}\`` }]
        : [],
    );
    return;
  }
  cluster.network = label.value;
}

function checkDeclaredSegments(
  clusters: Map<string, Cluster>,
  segments: Map<string, Segment>,
  declaration: TopologyDeclaration | undefined,
  report: Report,
) {
  if (!declaration) return;
  for (const entry of declaration.clusters) {
    if (entry.segment && !segments.has(entry.segment.value)) {
      report(
        declaration.file,
        entry.segment.range,
        `Segment \`${entry.segment.value}\` is not defined in \`segments\` or by a Segment resource.`,
      );
      const cluster = clusters.get(entry.name.value);
      if (cluster) cluster.segment = undefined;
    }
  }
}

/** The peer is named by the gateway's suffix, else found by the network it advertises (SPEC §6). */
function resolvePeers(
  clusters: Map<string, Cluster>,
  gateways: { cluster: string; gateway: GatewayDecl }[],
): PeeringGateway[] {
  return gateways
    .filter(({ gateway }) => gateway.gatewayClass === 'istio-remote')
    .map(({ cluster, gateway }) => {
      const name = gateway.name.value;
      const suffix = name.startsWith(PEER_PREFIX) ? name.slice(PEER_PREFIX.length) : undefined;
      if (suffix && clusters.has(suffix) && suffix !== cluster) return { cluster, gateway, peer: suffix };
      const network = gateway.network?.value;
      const byNetwork = network
        ? [...clusters.values()].find(
            (candidate) => candidate.network === network && candidate.name !== cluster,
          )
        : undefined;
      return { cluster, gateway, peer: byNetwork?.name };
    });
}

function mergeLinks(
  clusters: Map<string, Cluster>,
  declaration: TopologyDeclaration | undefined,
  peering: PeeringGateway[],
  report: Report,
): Link[] {
  const gatewayLinks = peering.flatMap(({ cluster, gateway, peer }): Link[] =>
    peer
      ? [
          {
            from: cluster,
            to: peer,
            via: 'gateway',
            declaredAt: origin(gateway.resource.source.path, gateway.name.range),
          },
        ]
      : [],
  );
  if (declaration?.links) {
    const declared = declaredLinks(clusters, declaration, report);
    reportGatewayContradictions(declared, gatewayLinks, declaration, report);
    return declared;
  }
  if (gatewayLinks.length > 0) return dedupe(gatewayLinks);
  const names = [...clusters.keys()];
  return names.flatMap((from) =>
    names.filter((to) => to !== from).map((to): Link => ({ from, to, via: 'default' })),
  );
}

function declaredLinks(
  clusters: Map<string, Cluster>,
  declaration: TopologyDeclaration,
  report: Report,
): Link[] {
  const links: Link[] = [];
  // `between: [a, b]` declares two links at one place: a problem with it is reported once, not
  // twice at the same range (found by the reliability tests).
  const reported = new Set<string>();
  const reportOnce: Report = (file, range, message) => {
    const key = JSON.stringify([range, message]);
    if (reported.has(key)) return;
    reported.add(key);
    report(file, range, message);
  };
  for (const link of declaration.links ?? []) {
    const unknown = [link.from, link.to].filter((end) => !clusters.has(end.value));
    for (const end of unknown) {
      reportOnce(
        declaration.file,
        end.range,
        `Link names \`${end.value}\`, which is not a known cluster (${[...clusters.keys()].join(', ')}).`,
      );
    }
    if (unknown.length > 0) continue;
    if (link.from.value === link.to.value) {
      reportOnce(
        declaration.file,
        link.range,
        `A link from \`${link.from.value}\` to itself has no effect: a cluster always reaches its own endpoints.`,
      );
      continue;
    }
    links.push({
      from: link.from.value,
      to: link.to.value,
      via: 'topology',
      declaredAt: origin(declaration.file, link.range),
    });
  }
  return dedupe(links);
}

function reportGatewayContradictions(
  declared: Link[],
  gatewayLinks: Link[],
  declaration: TopologyDeclaration,
  report: Report,
) {
  for (const link of gatewayLinks) {
    if (declared.some((entry) => entry.from === link.from && entry.to === link.to)) continue;
    if (!link.declaredAt) continue;
    report(
      link.declaredAt.file,
      link.declaredAt.range,
      `This peering gateway links \`${link.from}\` → \`${link.to}\`, but the topology file's \`links\` do not; the topology file wins, so reach is computed without this link.`,
      [
        {
          file: declaration.file,
          range: declaration.linksRange ?? link.declaredAt.range,
          message: 'the declared links',
        },
      ],
    );
  }
}

function dedupe(links: Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((link) => {
    const key = `${link.from}\u0000${link.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function reachability(clusters: Map<string, Cluster>, links: Link[]): Map<string, Set<string>> {
  const reachable = new Map<string, Set<string>>();
  for (const name of clusters.keys()) reachable.set(name, new Set());
  for (const link of links) reachable.get(link.from)?.add(link.to);
  return reachable;
}
