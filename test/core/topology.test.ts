import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canSend, domainOf } from '../../shared/src';
import { modelFrom } from '../helpers/fixture';

const service = (name: string) =>
  `{ apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: shop } }`;

describe('cluster assignment (SPEC §6 precedence)', () => {
  test('topology paths win over modelines, modelines over the clusters/<name>/ convention', () => {
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["infra/east/**"] }
        west: {}
      //- infra/east/a.yaml
      # mesh-lens: cluster=west
      ${service('a')}
      //- clusters/west/b.yaml
      ${service('b')}
      //- clusters/west/c.yaml
      # mesh-lens: cluster=east
      ${service('c')}
      //- loose/d.yaml
      ${service('d')}
    `);
    const clusterOf = (path: string) => {
      const [placement] = model.files.get(path)?.placements ?? [];
      return placement && { file: placement.file, cluster: placement.cluster, via: placement.via };
    };
    assert.deepEqual(clusterOf('infra/east/a.yaml'), {
      file: 'infra/east/a.yaml',
      cluster: 'east',
      via: 'topology',
    });
    assert.equal(clusterOf('clusters/west/b.yaml')?.cluster, 'west');
    assert.equal(clusterOf('clusters/west/b.yaml')?.via, 'convention');
    assert.equal(clusterOf('clusters/west/c.yaml')?.cluster, 'east');
    assert.equal(clusterOf('clusters/west/c.yaml')?.via, 'modeline');
    assert.equal(clusterOf('loose/d.yaml')?.cluster, 'default');
    assert.deepEqual([...model.topology.clusters.keys()], ['east', 'west', 'default']);
  });

  test('without a topology file every cluster reaches every other, networks default to the cluster name', () => {
    const model = modelFrom(`
      //- clusters/a/s.yaml
      ${service('s')}
      //- clusters/b/s.yaml
      ${service('s')}
    `);
    assert.equal(model.topology.clusters.get('a')?.network, 'a');
    assert.ok(canSend(model.topology, 'a', 'b'));
    assert.ok(canSend(model.topology, 'b', 'a'));
    assert.deepEqual(model.findings, []);
  });
});

describe('topology file', () => {
  test('reads networks, localities, segments and directed links', () => {
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], network: net1, region: us-west, zone: us-west-1a }
        c2: { paths: ["clusters/c2/**"], network: net2, region: us-east, segment: payments }
        c3: { paths: ["clusters/c3/**"] }
      segments:
        payments: { domain: payments.mesh }
      links:
        - { from: c1, to: c2 }
        - { between: [c1, c3] }
    `);
    const c1 = model.topology.clusters.get('c1');
    assert.deepEqual([c1?.network, c1?.region, c1?.zone], ['net1', 'us-west', 'us-west-1a']);
    assert.equal(domainOf(model.topology, 'c2'), 'payments.mesh');
    assert.equal(domainOf(model.topology, 'c1'), 'mesh.internal');
    assert.ok(canSend(model.topology, 'c1', 'c2'));
    assert.ok(!canSend(model.topology, 'c2', 'c1'), 'links are directed');
    assert.ok(canSend(model.topology, 'c3', 'c1'), '`between` links both ways');
    assert.deepEqual(
      model.findings.map((finding) => `${finding.code} ${finding.range.start.line}`),
      ['MESH193 1', 'MESH193 2', 'MESH193 3'],
      'clusters without manifests are reported (SPEC §9), nothing else',
    );
  });

  test('reports invalid entries as MESH191 on the offending node', () => {
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        c1: { paths: "clusters/c1/**", network: net1, colour: blue }
        c2: { segment: nowhere }
      segments:
        bad: { domain: "Not A Domain" }
        nodomain: {}
      links:
        - { from: c1, to: c9 }
        - { from: c1 }
        - { between: [c1] }
        - { from: c2, to: c2 }
      extra: true
    `);
    const messages = model.findings.map(
      (finding) =>
        `${finding.code} ${finding.range.start.line}:${finding.range.start.character} ${finding.message}`,
    );
    const expectLine = (line: number, pattern: RegExp) =>
      assert.ok(
        messages.some((message) => message.startsWith(`MESH191 ${line}:`) && pattern.test(message)),
        `expected a MESH191 on line ${line} matching ${pattern}:\n${messages.join('\n')}`,
      );
    expectLine(1, /Unknown key `colour`/);
    expectLine(2, /Segment `nowhere` is not defined/);
    expectLine(4, /not a valid DNS domain/);
    expectLine(5, /needs a `domain`/);
    expectLine(7, /`c9`, which is not a known cluster/);
    expectLine(8, /needs both `from` and `to`/);
    expectLine(9, /exactly two cluster names/);
    expectLine(10, /to itself/);
    expectLine(11, /Unknown key `extra`/);
    assert.ok(model.findings.every((finding) => finding.file === 'mesh-topology.yaml'));
  });

  test('a modeline naming an undeclared cluster is reported when the topology file lists clusters', () => {
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        east: {}
      //- a.yaml
      # mesh-lens: cluster=eats
      ${service('a')}
    `);
    const finding = model.findings.find((candidate) => candidate.file === 'a.yaml');
    assert.equal(finding?.code, 'MESH191');
    assert.deepEqual(finding?.range.start, { line: 0, character: 21 });
  });
});

describe('a templated topology file', () => {
  test('is reported as skipped and not read, like any templated document', () => {
    // A template action the YAML reads as structure (here a flow map where the network's name goes).
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        east:
          network: {{ .Values.network }}
          paths: ["apps/**"]
      //- apps/a.yaml
      ${service('a')}
    `);
    const skipped = model.findings.filter((finding) => finding.file === 'mesh-topology.yaml');
    assert.deepEqual(
      skipped.map((finding) => finding.code),
      ['MESH195'],
    );
    assert.equal(model.topology.clusters.has('east'), false, 'its clusters are not declared');
  });
});

describe('facts stated by manifests (SPEC §6)', () => {
  test('Segment resources and istio-system labels set segments and networks', () => {
    const model = modelFrom(`
      //- clusters/c1/istio-system.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: istio-system
        labels: { admin.solo.io/segment: retail, topology.istio.io/network: east-net }
      ---
      apiVersion: admin.solo.io/v1alpha1
      kind: Segment
      metadata: { name: retail, namespace: istio-system }
      spec: { domain: retail.mesh }
      //- clusters/c2/s.yaml
      ${service('s')}
    `);
    assert.equal(model.topology.clusters.get('c1')?.segment, 'retail');
    assert.equal(model.topology.clusters.get('c1')?.network, 'east-net');
    assert.equal(domainOf(model.topology, 'c1'), 'retail.mesh');
    assert.equal(domainOf(model.topology, 'c2'), 'mesh.internal');
    assert.deepEqual(model.findings, []);
  });

  test('a contradiction between the topology file and the manifests is MESH191 with a related location', () => {
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], network: net1 }
      segments:
        retail: { domain: retail.mesh }
      //- clusters/c1/istio-system.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: istio-system
        labels: { topology.istio.io/network: other-net }
      ---
      apiVersion: admin.solo.io/v1alpha1
      kind: Segment
      metadata: { name: retail }
      spec: { domain: shop.mesh }
    `);
    const findings = model.findings
      .filter((finding) => finding.file === 'clusters/c1/istio-system.yaml')
      .sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.range.start.line]),
      [
        ['MESH191', 4],
        ['MESH191', 9],
      ],
    );
    assert.ok(findings.every((finding) => finding.related[0]?.file === 'mesh-topology.yaml'));
  });

  test('istio-remote peering gateways become directed links, resolved by name or by network', () => {
    const gateway = (name: string, network: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: istio-eastwest
  labels: { topology.istio.io/network: ${network} }
spec:
  gatewayClassName: istio-remote
  addresses: [{ type: IPAddress, value: 10.0.0.1 }]
`;
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], network: n1 }
        c2: { paths: ["clusters/c2/**"], network: n2 }
        c3: { paths: ["clusters/c3/**"], network: n3 }
      //- clusters/c1/peers.yaml
      ${gateway('istio-remote-peer-c2', 'n2').replaceAll('\n', '\n      ')}---
      ${gateway('peer-to-east', 'n3').replaceAll('\n', '\n      ')}
      //- clusters/c2/peers.yaml
      ${gateway('istio-remote-peer-c1', 'n1').replaceAll('\n', '\n      ')}
    `);
    const links = model.topology.links.map((link) => `${link.from}->${link.to}:${link.via}`).sort();
    assert.deepEqual(links, ['c1->c2:gateway', 'c1->c3:gateway', 'c2->c1:gateway']);
    assert.ok(!canSend(model.topology, 'c3', 'c1'), 'c3 has no gateway back: asymmetric');
    assert.deepEqual(
      model.peeringGateways.map((peering) => peering.peer),
      ['c2', 'c3', 'c1'],
    );
  });
});
