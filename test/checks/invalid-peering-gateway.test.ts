import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAnnotatedFindings, assertFixResolves, check, only } from '../helpers/checks';
import { asJson } from '../helpers/fixture';

const west = `
  //- clusters/west/istio-system.yaml
  apiVersion: v1
  kind: Namespace
  metadata:
    name: istio-system
    labels: { topology.istio.io/network: west-net }
`;

/** An istio-remote Gateway as one line of flow YAML: `metadata` and `spec` given as their extra entries. */
const gateway = (metadata: string, spec = 'addresses: [{ type: IPAddress, value: 192.0.2.20 }]') =>
  `{ apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, metadata: { namespace: istio-eastwest, ${metadata} }, spec: { gatewayClassName: istio-remote${spec ? `, ${spec}` : ''} } }`;

/** A file of cluster east holding these documents: document i starts on line 2i. */
const peers = (...documents: string[]) => `
//- clusters/east/peers.yaml
${documents.join('\n---\n')}
`;

describe('MESH180 invalid-peering-gateway', () => {
  test('reports a missing network label on the name, and adds the peer cluster network', () => {
    const checked = assertAnnotatedFindings(
      `${west}
      //- clusters/east/peer-west.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: istio-remote-peer-west
      #       ^^^^^^^^^^^^^^^^^^^^^^ error MESH180
        namespace: istio-eastwest
        labels:
          app: peering # managed by the peering controller
      spec:
        gatewayClassName: istio-remote
        addresses:
          - { type: IPAddress, value: 192.0.2.20 }
      `,
    );
    const finding = only(checked);
    assert.equal(
      finding.message,
      'Peering gateway istio-remote-peer-west in east has no `topology.istio.io/network` label: Istio cannot tell that the endpoints of west are on another network (`west-net`), so traffic to them is not sent through this gateway and fails.',
    );
    const [fix] = finding.fixes();
    assert.ok(fix?.preferred);
    assert.equal(fix.title, 'Add topology.istio.io/network=west-net (the network of west)');
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/east/peer-west.yaml') ?? '',
      / {4}app: peering # managed by the peering controller\n {4}topology\.istio\.io\/network: west-net\nspec:/,
    );
  });

  test('reports missing or empty `spec.addresses` on the key that should hold them', () => {
    const checked = check(
      west +
        peers(
          gateway(
            'name: istio-remote-peer-west, labels: { topology.istio.io/network: west-net }',
            '',
          ).replace('spec:', '$0spec:'),
          gateway(
            'name: istio-remote-peer-west, labels: { topology.istio.io/network: west-net }',
            '$0addresses: []',
          ),
          gateway(
            'name: istio-remote-peer-west, labels: { topology.istio.io/network: west-net }',
            '$0addresses: [{ type: Hostname }]',
          ),
        ),
      'MESH180',
    );
    assert.equal(checked.findings.length, 3);
    const [noAddresses, , noValue] = checked.findings;
    assert.deepEqual(
      checked.findings.map((finding) => asJson(finding.range.start)),
      checked.files[1]?.cursors,
      'each on the key that should hold the addresses',
    );
    assert.match(
      noAddresses?.message ?? '',
      /has no `spec\.addresses`: Istio has no address for the peer's east-west gateway/,
    );
    assert.match(noValue?.message ?? '', /lists `spec\.addresses` without a value/);
    assert.deepEqual(noValue?.fixes(), []);
  });

  test('reports a peer that is no known cluster, listing the known clusters and networks', () => {
    const checked = check(
      west +
        peers(
          gateway('name: istio-remote-peer-wset, labels: { topology.istio.io/network: nowhere }'),
          gateway('name: istio-remote-peer-east, labels: { topology.istio.io/network: east }'),
          gateway('name: peer-gw'),
        ),
      'MESH180',
    );
    assert.deepEqual(
      checked.findings.map((finding) => [finding.range.start.line, finding.message]),
      [
        [
          0,
          'Peering gateway istio-remote-peer-wset in east names peer `wset` (did you mean `west`?), and its network `nowhere` is the network of no other cluster, so it peers with no known cluster (known: east (network east), west (network west-net)): no link is created and east cannot send to that peer.',
        ],
        [
          2,
          'Peering gateway istio-remote-peer-east in east is named after its own cluster (`east`), and its network `east` is the network of no other cluster, so it peers with no known cluster (known: east (network east), west (network west-net)): no link is created and east cannot send to that peer.',
        ],
        [
          4,
          'Peering gateway peer-gw in east is not named `istio-remote-peer-<cluster>`, and it has no `topology.istio.io/network` label, so it peers with no known cluster (known: east (network east), west (network west-net)): no link is created and east cannot send to that peer.',
        ],
      ],
    );
    assert.ok(checked.findings.every((finding) => finding.fixes().length === 0));
  });

  test('is silent for valid peering gateways, one found by its network, and east-west gateways', () => {
    const checked = check(
      west +
        peers(
          gateway('name: istio-remote-peer-west, labels: { topology.istio.io/network: west-net }'),
          gateway('name: to-west, labels: { topology.istio.io/network: west-net }'),
          '# the east-west gateway has no peer and no addresses to check\n{ apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, metadata: { name: istio-eastwest, namespace: istio-eastwest }, spec: { gatewayClassName: istio-eastwest } }',
        ),
      'MESH180',
    );
    assert.deepEqual(checked.findings, []);
  });
});
