import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type GraphGroup, MeshLens, meshGraphToDot, meshGraphToMermaid } from '../../shared/src';
import { parseFixture } from '../../shared/src/text/inline-workspace';

// The map's content (issue #19): what `mesh-lens graph` and the editor's map draw, as plain data.
// Four clusters: two in one region's two zones, one in a segment, one with no locality at all.
const WORKSPACE = `
  //- mesh-topology.yaml
  clusters:
    west-a: { paths: ["clusters/west-a/**"], network: n1, region: west, zone: west-1 }
    west-b: { paths: ["clusters/west-b/**"], network: n2, region: west, zone: west-2 }
    pay: { paths: ["clusters/pay/**"], network: n3, region: west, segment: payments }
    lab: { paths: ["clusters/lab/**"] }
  segments:
    payments: { domain: pay.mesh }
  links:
    - { between: [west-a, west-b] }
    - { from: west-a, to: lab }
  //- clusters/west-a/cart.yaml
  { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }, spec: { selector: { app: cart } } }
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: cart, namespace: shop }, spec: { replicas: 2, template: { metadata: { labels: { app: cart } } } } }
  //- clusters/west-b/cart.yaml
  { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop }, spec: { selector: { app: cart } } }
  //- clusters/lab/cart.yaml
  { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }, spec: { selector: { app: cart } } }
`;

function snapshotOf(fixture: string) {
  const host = new MeshLens();
  return host.applyChange({ set: parseFixture(fixture).map((file) => [file.path, file.text] as const) });
}

/** The group tree as indented lines: `kind name: clusters`. */
function outline(group: GraphGroup, depth = 0): string[] {
  const own = `${'  '.repeat(depth)}${group.kind}${group.name ? ` ${group.name}` : ''}: ${group.clusters.join(', ')}`;
  return [own, ...group.groups.flatMap((child) => outline(child, depth + 1))];
}

describe('mesh graph', () => {
  test('groups clusters by segment, then region, then zone, adding only the levels a cluster states', () => {
    const graph = snapshotOf(WORKSPACE).meshGraph();
    assert.deepEqual(outline(graph.root), [
      'mesh: lab',
      '  segment payments: ',
      '    region west: pay',
      '  region west: ',
      '    zone west-1: west-a',
      '    zone west-2: west-b',
    ]);
    assert.deepEqual(
      graph.clusters.map((cluster) => `${cluster.name} ${cluster.network}`),
      ['west-a n1', 'west-b n2', 'pay n3', 'lab lab'],
    );
  });

  test('folds a link and its reverse into one two-way link; a lone direction stays one-way', () => {
    const { links } = snapshotOf(WORKSPACE).meshGraph();
    assert.deepEqual(
      links.map((link) => `${link.from} ${link.twoWay ? '<->' : '->'} ${link.to}`),
      ['west-a <-> west-b', 'west-a -> lab'],
    );
  });

  test('marks the unexported sibling, the instance without endpoints, and the clusters that reach nothing', () => {
    const [cart] = snapshotOf(WORKSPACE).meshGraph().services;
    assert.equal(cart?.hostname, 'cart.shop.mesh.internal');
    assert.deepEqual(
      cart?.instances.map((instance) => `${instance.cluster} ${instance.state} ${instance.endpoints}`),
      ['lab no-endpoints 0', 'west-a exported 2', 'west-b not-exported 0'],
    );
    // west-b reaches west-a's two endpoints; lab and pay have no link to west-a.
    assert.deepEqual(cart?.unreachableFrom, ['pay', 'lab']);
  });

  test('with a service and a source cluster: the route from the reach computation, and only that service', () => {
    const snapshot = snapshotOf(WORKSPACE);
    const graph = snapshot.meshGraph({ service: 'cart.shop.mesh.internal', from: 'west-b' });
    const reach = snapshot.reach('cart.shop.mesh.internal', 'west-b');
    assert.equal(graph.route?.explanation, reach.explanation);
    assert.deepEqual(graph.route?.chosen, [{ cluster: 'west-a', endpoints: 2 }]);
    assert.deepEqual(
      graph.services[0]?.instances.filter((instance) => instance.onRoute).map((instance) => instance.cluster),
      ['west-a'],
    );
    assert.deepEqual(
      graph.clusters.filter((cluster) => cluster.isRouteSource).map((cluster) => cluster.name),
      ['west-b'],
    );
    assert.deepEqual(
      graph.links.filter((link) => link.onRoute).map((link) => `${link.from}-${link.to}`),
      ['west-a-west-b'],
    );
  });

  test('a service filter without a source draws that service and no route', () => {
    const graph = snapshotOf(WORKSPACE).meshGraph({ service: 'nothing.shop.mesh.internal' });
    assert.deepEqual(graph.services, []);
    assert.equal(graph.route, undefined);
  });

  test('renderers escape what their syntax reserves', () => {
    const graph = snapshotOf(WORKSPACE).meshGraph({ service: 'cart.shop.mesh.internal', from: 'west-b' });
    const quoted = {
      ...graph,
      route: graph.route && { ...graph.route, explanation: 'say "hi" <b> & \\ done' },
    };
    const dot = meshGraphToDot(quoted);
    assert.match(dot, /say \\"hi\\" <b> & \\\\ done/);
    const mermaid = meshGraphToMermaid(quoted);
    assert.match(mermaid, /say #quot;hi#quot; #lt;b#gt; #amp; \\ done/);
  });
});
