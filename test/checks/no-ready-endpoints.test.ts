import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, only } from '../helpers/checks';
import { asJson, markedRange, plainRange } from '../helpers/fixture';

const service = (cluster: string, spec = 'spec: { selector: { app: reviews } }') => `
  //- clusters/${cluster}/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
    namespace: shop
    labels: { solo.io/service-scope: global }
  ${spec}
`;

const deployment = (replicas: string) => `
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: reviews-v1, namespace: shop }
  spec:
    ${replicas}
    template: { metadata: { labels: { app: reviews, version: v1 } } }
`;

describe('MESH170 no-ready-endpoints', () => {
  test('warns on every instance when no cluster has a ready endpoint, pointing at the causes', () => {
    // The Service names, the replicas and the selector are marked `$0…$0` in the order they come.
    const named = (cluster: string, spec?: string) =>
      service(cluster, spec).replace('name: reviews', 'name: $0reviews$0');
    const checked = check(
      `${named('c1')}${deployment('replicas: $00$0')}${named('c2', 'spec: { selector: { $0app: reviewz$0 } }')}`,
      'MESH170',
    );
    const c1File = 'clusters/c1/reviews.yaml';
    const c2File = 'clusters/c2/reviews.yaml';
    assert.equal(checked.findings.length, 2);
    const [c1, c2] = checked.findings;
    assert.equal(c1?.file, 'clusters/c1/reviews.yaml');
    assert.equal(c1?.severity, 'warning');
    assert.deepEqual(plainRange(c1?.range), markedRange(checked.files, c1File));
    assert.equal(
      c1?.message,
      'Service shop/reviews (reviews.shop.mesh.internal) has no ready endpoint in any cluster (c1 and c2): in c1, the workload it selects (Deployment shop/reviews-v1) has 0 replicas. Every request to the global hostname fails with no healthy upstream.',
    );
    assert.deepEqual(asJson(c1?.related), [
      {
        file: 'clusters/c1/reviews.yaml',
        range: markedRange(checked.files, c1File, 1),
        message: 'Deployment shop/reviews-v1: 0 replicas',
      },
      {
        file: 'clusters/c2/reviews.yaml',
        range: markedRange(checked.files, c2File),
        message: 'no ready endpoint in c2 either',
      },
    ]);
    assert.match(
      c2?.message ?? '',
      /in c2, its selector app=reviewz matches no workload in namespace shop\./,
    );
    assert.deepEqual(asJson(c2?.related[0]), {
      file: 'clusters/c2/reviews.yaml',
      range: markedRange(checked.files, c2File, 1),
      message: 'matches no workload in c2',
    });
    assert.deepEqual(c2?.fixes(), []);
  });

  test('is info on the one cluster that lacks endpoints while others have some', () => {
    const checked = check(
      `${service('c1')}${deployment('replicas: 3')}${service('c2')}${deployment('replicas: 0')}`,
      'MESH170',
    );
    const finding = only(checked);
    assert.equal(finding.file, 'clusters/c2/reviews.yaml');
    assert.equal(finding.severity, 'info');
    assert.match(
      finding.message,
      /^Service shop\/reviews \(reviews\.shop\.mesh\.internal\) is missing in cluster c2: the workload it selects .* has 0 replicas\. Clients everywhere, c2 included, are served only by the endpoints in c1 \(3 endpoints\)\.$/,
    );
    assert.deepEqual(
      finding.related.map((related) => [related.file, related.range.start.line, related.message]),
      [
        ['clusters/c2/reviews.yaml', 13, 'Deployment shop/reviews-v1: 0 replicas'],
        ['clusters/c1/reviews.yaml', 3, '3 ready endpoints in c1'],
      ],
    );
  });

  test('counts EndpointSlices for a Service without a selector', () => {
    const slice = (ready: string) => `
  ---
  apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: { name: reviews-abc, namespace: shop, labels: { kubernetes.io/service-name: reviews } }
  endpoints:
    - { addresses: [10.0.0.1], conditions: { ready: ${ready} } }
`;
    const checked = check(`${service('c1', '')}${slice('false')}`, 'MESH170');
    const finding = only(checked);
    assert.match(
      finding.message,
      /it has no selector and its EndpointSlice shop\/reviews-abc list no ready endpoint/,
    );
    assert.deepEqual(
      finding.related.map((related) => [related.range.start.line, related.message]),
      [[11, 'EndpointSlice shop/reviews-abc: no ready endpoint']],
    );
    assert.deepEqual(check(`${service('c1', '')}${slice('true')}`, 'MESH170').findings, []);
  });

  test('is silent when every instance has ready endpoints, and for unexported services', () => {
    const checked = check(
      `${service('c1')}${deployment('# default: 1 replica')}
      //- clusters/c2/reviews.yaml
      { apiVersion: v1, kind: Service, metadata: { name: reviews, namespace: shop, labels: { solo.io/service-scope: global } }, spec: { selector: { app: reviews } } }
      ---
      { apiVersion: apps/v1, kind: DaemonSet, metadata: { name: reviews, namespace: shop }, spec: { template: { metadata: { labels: { app: reviews } } } } }
      //- clusters/c3/local.yaml
      # not exported: its missing pods are nobody's global concern
      { apiVersion: v1, kind: Service, metadata: { name: local, namespace: shop }, spec: { selector: { app: nothing } } }
    `,
      'MESH170',
    );
    assert.deepEqual(checked.findings, []);
  });
});
