import type { Node } from 'yaml';
import { NETWORK_LABEL } from '../facts/mesh-labels';
import { pairOf, setMetadataEntry } from '../fixes/yaml-edits';
import type { MeshIndex } from '../model/types';
import type { Finding, Fix } from '../text/findings';
import type { Range } from '../text/source';
import type { PeeringGateway } from '../topology/build-topology';
import type { Cluster } from '../topology/types';
import { editDistance } from '../util/edit-distance';
import { nodeRange, seqItems } from '../yaml/nodes';
import { field } from '../yaml/resource';
import type { Check } from './check';
import { findingAt, singleFileFix } from './finding';

export const invalidPeeringGateway: Check = {
  code: 'MESH180',
  readsTopology: ['clusters'],
  name: 'invalid-peering-gateway',
  severity: 'error',
  description:
    "An `istio-remote` Gateway (Solo names them `istio-remote-peer-<cluster>`) tells this cluster how to reach a peer: the `topology.istio.io/network` label says which network the peer's endpoints are on, and `spec.addresses` where the peer's east-west gateway listens. Without the label Istio cannot tell the peer's endpoints are remote, without an address it has nowhere to send them, and a gateway whose name and network match no known cluster peers with nothing: in each case traffic to the peer's endpoints fails. Add the label with the peer's network, the peer's east-west gateway address, and name the gateway after its peer.",
  example: {
    wrong: `
      //- clusters/east/peer-west.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: istio-remote-peer-west
        namespace: istio-eastwest
      spec:
        gatewayClassName: istio-remote
        addresses:
          - { type: IPAddress, value: 192.0.2.20 }
      //- clusters/west/istio-system.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: istio-system
        labels: { topology.istio.io/network: west-net }
    `,
    fixed: `
      //- clusters/east/peer-west.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: istio-remote-peer-west
        namespace: istio-eastwest
        labels:
          topology.istio.io/network: west-net
      spec:
        gatewayClassName: istio-remote
        addresses:
          - { type: IPAddress, value: 192.0.2.20 }
      //- clusters/west/istio-system.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: istio-system
        labels: { topology.istio.io/network: west-net }
    `,
  },
  run: (shard, mesh) => shard.peeringGateways.flatMap((peering) => gatewayFindings(mesh, peering)),
};

const PEER_PREFIX = 'istio-remote-peer-';

function gatewayFindings(mesh: MeshIndex, peering: PeeringGateway): Finding[] {
  return [peerFinding(mesh, peering), addressFinding(peering)].filter(
    (finding): finding is Finding => finding !== undefined,
  );
}

function describeGateway({ gateway, cluster }: PeeringGateway): string {
  return `Peering gateway ${gateway.name.value} in ${cluster}`;
}

/** A missing network label, or a peer that is no known cluster (SPEC §6: suffix, else network). */
function peerFinding(mesh: MeshIndex, peering: PeeringGateway): Finding | undefined {
  const { gateway, peer } = peering;
  const peerCluster = peer ? mesh.topology.clusters.get(peer) : undefined;
  if (peerCluster && !gateway.network) {
    return findingAt(
      invalidPeeringGateway,
      gateway.resource,
      gateway.name,
      `${describeGateway(peering)} has no \`${NETWORK_LABEL}\` label: Istio cannot tell that the endpoints of ${peerCluster.name} are on another network (\`${peerCluster.network}\`), so traffic to them is not sent through this gateway and fails.`,
      { fixes: () => [networkFix(peering, peerCluster)] },
    );
  }
  if (peerCluster) return undefined;
  return findingAt(
    invalidPeeringGateway,
    gateway.resource,
    gateway.name,
    `${describeGateway(peering)} ${unresolvedReason(mesh, peering)}, so it peers with no known cluster (known: ${knownClusters(mesh)}): no link is created and ${peering.cluster} cannot send to that peer.`,
  );
}

function suffixOf(name: string): string | undefined {
  return name.startsWith(PEER_PREFIX) ? name.slice(PEER_PREFIX.length) : undefined;
}

function unresolvedReason(mesh: MeshIndex, { gateway, cluster }: PeeringGateway): string {
  const suffix = suffixOf(gateway.name.value);
  const byName =
    suffix === undefined
      ? `is not named \`${PEER_PREFIX}<cluster>\``
      : suffix === cluster
        ? `is named after its own cluster (\`${suffix}\`)`
        : `names peer \`${suffix}\`${didYouMean(mesh, suffix, cluster)}`;
  const byNetwork = gateway.network
    ? `its network \`${gateway.network.value}\` is the network of no other cluster`
    : `it has no \`${NETWORK_LABEL}\` label`;
  return `${byName}, and ${byNetwork}`;
}

/** The known cluster a typo away from the written peer (never the gateway's own cluster). */
function didYouMean(mesh: MeshIndex, name: string, own: string): string {
  const limit = Math.min(2, Math.floor(name.length / 2));
  const nearest = [...mesh.topology.clusters.keys()]
    .filter((cluster) => cluster !== own)
    .map((cluster) => ({ cluster, distance: editDistance(name, cluster) }))
    .filter((entry) => entry.distance <= limit)
    .sort((a, b) => a.distance - b.distance)[0];
  return nearest ? ` (did you mean \`${nearest.cluster}\`?)` : '';
}

function knownClusters(mesh: MeshIndex): string {
  return [...mesh.topology.clusters.values()]
    .map((cluster) => `${cluster.name} (network ${cluster.network})`)
    .join(', ');
}

function networkFix({ gateway }: PeeringGateway, peer: Cluster): Fix {
  return singleFileFix(
    `Add ${NETWORK_LABEL}=${peer.network} (the network of ${peer.name})`,
    gateway.resource,
    setMetadataEntry(gateway.resource, 'labels', NETWORK_LABEL, peer.network),
  );
}

/** `spec.addresses` says where the peer's east-west gateway listens; without one there is nowhere to send. */
function addressFinding(peering: PeeringGateway): Finding | undefined {
  const { gateway } = peering;
  if (gateway.addresses.length > 0) return undefined;
  const { resource } = gateway;
  const written = seqItems(resource, field(resource, ['spec', 'addresses'])).length > 0;
  const message = written
    ? `${describeGateway(peering)} lists \`spec.addresses\` without a value: Istio has no address for the peer's east-west gateway, so traffic to the peer fails.`
    : `${describeGateway(peering)} has no \`spec.addresses\`: Istio has no address for the peer's east-west gateway, so traffic to the peer fails. Add the peer's east-west gateway address.`;
  return findingAt(invalidPeeringGateway, resource, addressRange(peering), message);
}

/** The `addresses` key when written, else the `spec` key, else the gateway's name. */
function addressRange({ gateway }: PeeringGateway): Range {
  const { resource } = gateway;
  const spec = field(resource, ['spec']);
  const keyNode = (pairOf(resource, spec, 'addresses')?.key ??
    pairOf(resource, resource.node, 'spec')?.key) as Node | undefined;
  return nodeRange(resource, keyNode) ?? gateway.name.range;
}
