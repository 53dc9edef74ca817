import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reachFrom } from '../../shared/src';
import { modelFrom } from '../helpers/fixture';

// Four clusters: c1 and c2 share a region (different zones), c3 shares c1's network, c4 is far away.
const topology = `
  //- mesh-topology.yaml
  clusters:
    c1: { paths: ["clusters/c1/**"], network: n1, region: west, zone: west-a }
    c2: { paths: ["clusters/c2/**"], network: n2, region: west, zone: west-b }
    c3: { paths: ["clusters/c3/**"], network: n1, region: east, zone: east-a }
    c4: { paths: ["clusters/c4/**"], network: n4, region: east, zone: east-b }
    c5: { paths: ["clusters/c5/**"], network: n5, segment: pay }
    c6: { paths: ["clusters/c6/**"], network: n6, segment: pay }
  segments:
    pay: { domain: pay.mesh }
  links:
    - { between: [c1, c2] }
    - { between: [c1, c3] }
    - { from: c1, to: c4 }
    - { between: [c5, c6] }
    - { from: c1, to: c5 }
`;

function app(cluster: string, replicas: number, options: { distribution?: string; scope?: string } = {}) {
  const annotation = options.distribution
    ? `, annotations: { networking.istio.io/traffic-distribution: ${options.distribution} }`
    : '';
  return `
  //- clusters/${cluster}/cart.yaml
  { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: ${options.scope ?? 'global'} }${annotation} }, spec: { selector: { app: cart } } }
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: cart, namespace: shop }, spec: { replicas: ${replicas}, template: { metadata: { labels: { app: cart } } } } }
`;
}

const host = 'cart.shop.mesh.internal';
const chosen = (reach: ReturnType<typeof reachFrom>) =>
  reach.chosen.map((entry) => `${entry.cluster}:${entry.endpoints}`);

describe('reachFrom (SPEC §3)', () => {
  test('PreferNetwork (the default) keeps traffic on the client network when it has ready endpoints', () => {
    const model = modelFrom(topology + app('c1', 0) + app('c2', 2) + app('c3', 1) + app('c4', 4));
    const reach = reachFrom(model, host, 'c1');
    assert.equal(reach.mode, 'PreferNetwork');
    assert.deepEqual(chosen(reach), ['c3:1']);
    assert.match(reach.explanation, /same network \(n1\)/);
  });

  test('PreferNetwork falls back to every candidate when the network has none ready', () => {
    const model = modelFrom(topology + app('c1', 0) + app('c2', 2) + app('c3', 0) + app('c4', 4));
    assert.deepEqual(chosen(reachFrom(model, host, 'c1')), ['c2:2', 'c4:4']);
  });

  test('PreferClose goes zone, then region, then network', () => {
    const base = (c1: number, c2: number) =>
      modelFrom(
        topology +
          app('c1', c1, { distribution: 'PreferClose' }) +
          app('c2', c2) +
          app('c3', 1) +
          app('c4', 1),
      );
    assert.deepEqual(chosen(reachFrom(base(2, 3), host, 'c1')), ['c1:2'], 'same zone first');
    const regional = reachFrom(base(0, 3), host, 'c1');
    assert.deepEqual(chosen(regional), ['c2:3'], 'then the same region');
    assert.match(
      regional.explanation,
      /No ready endpoint in the same zone \(west-a\); chose the same region \(west\)/,
    );
    assert.deepEqual(chosen(reachFrom(base(0, 0), host, 'c1')), ['c3:1'], 'then the same network');
  });

  test('PreferRegion skips the zone level', () => {
    const model = modelFrom(
      topology + app('c1', 2, { distribution: 'PreferRegion' }) + app('c2', 3) + app('c4', 1),
    );
    assert.deepEqual(chosen(reachFrom(model, host, 'c1')), ['c1:2', 'c2:3']);
  });

  test('Any uses every ready candidate', () => {
    const model = modelFrom(
      topology + app('c1', 1, { distribution: 'Any' }) + app('c2', 1) + app('c3', 1) + app('c4', 1),
    );
    assert.deepEqual(chosen(reachFrom(model, host, 'c1')), ['c1:1', 'c2:1', 'c3:1', 'c4:1']);
  });

  test('asymmetric links: c4 cannot send back to c1', () => {
    const model = modelFrom(topology + app('c1', 2) + app('c4', 0));
    const reach = reachFrom(model, host, 'c4');
    assert.deepEqual(chosen(reach), []);
    assert.deepEqual(
      reach.excluded.map((entry) => `${entry.cluster}: ${entry.reason}`),
      ['c1: no link from c4 to c1'],
    );
    assert.match(reach.explanation, /No candidate has a ready endpoint/);
  });

  test('segment scope reaches only clusters of the same segment', () => {
    const segmentApp = (cluster: string) => app(cluster, 1, { scope: 'segment', distribution: 'Any' });
    const model = modelFrom(topology + segmentApp('c5') + segmentApp('c6'));
    assert.deepEqual(chosen(reachFrom(model, 'cart.shop.pay.mesh', 'c5')), ['c5:1', 'c6:1']);
    const outsider = reachFrom(model, 'cart.shop.pay.mesh', 'c1');
    assert.deepEqual(chosen(outsider), []);
    assert.match(outsider.excluded[0]?.reason ?? '', /scope segment/);
  });

  test('zero-replica clusters are candidates but never chosen', () => {
    const model = modelFrom(topology + app('c1', 0, { distribution: 'Any' }) + app('c2', 3));
    const reach = reachFrom(model, host, 'c1');
    assert.deepEqual(
      reach.candidates.map((candidate) => candidate.cluster),
      ['c1', 'c2'],
    );
    assert.deepEqual(chosen(reach), ['c2:3']);
  });

  test('a local hostname reaches only the local instance without takeover, the global service with it', () => {
    const local = modelFrom(topology + app('c1', 1) + app('c2', 2));
    const plain = reachFrom(local, 'cart.shop.svc.cluster.local', 'c1');
    assert.equal(plain.mode, 'local');
    assert.deepEqual(chosen(plain), ['c1:1']);
    const takeover = modelFrom(
      topology + app('c1', 1, { scope: 'global-only', distribution: 'Any' }) + app('c2', 2),
    );
    const reach = reachFrom(takeover, 'cart', 'c1', 'shop');
    assert.deepEqual(chosen(reach), ['c1:1', 'c2:2']);
    assert.match(reach.explanation, /Takeover/);
  });

  test('an unknown hostname resolves to nothing and says so', () => {
    const model = modelFrom(topology + app('c1', 1));
    const reach = reachFrom(model, 'nope.shop.mesh.internal', 'c1');
    assert.equal(reach.resolved, false);
    assert.match(reach.explanation, /matches no service/);
  });
});
