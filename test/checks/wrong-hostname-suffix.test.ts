import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';

const topology = `
  //- mesh-topology.yaml
  clusters:
    east: { paths: ["clusters/east/**"] }
    west: { paths: ["clusters/west/**"] }
    pay: { paths: ["clusters/pay/**"], segment: payments }
  segments:
    payments: { domain: payments.mesh }
  //- clusters/east/reviews.yaml
  { apiVersion: v1, kind: Service, metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } } }
  //- clusters/pay/ledger.yaml
  { apiVersion: v1, kind: Service, metadata: { name: ledger, namespace: money, labels: { solo.io/service-scope: segment } } }
`;

describe('MESH120 wrong-hostname-suffix', () => {
  test('flags internal.mesh on an HTTPRoute Hostname backend, and the fix writes the real hostname', () => {
    const checked = check(
      `${topology}
      //- clusters/west/route.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: { name: r, namespace: bookinfo }
      spec:
        rules:
          - backendRefs:
              # the reviews backend
              - kind: Hostname
                group: networking.istio.io
                name: $0reviews.bookinfo.internal.mesh   # typo'd suffix
                port: 9080
    `,
      'MESH120',
    );
    const finding = only(checked);
    assert.equal(finding.severity, 'error');
    assert.deepEqual(
      finding.range.start,
      checked.files.find((file) => file.path === 'clusters/west/route.yaml')?.cursors[0],
    );
    assert.equal(
      finding.range.end.character - finding.range.start.character,
      'reviews.bookinfo.internal.mesh'.length,
    );
    assert.match(
      finding.message,
      /`internal\.mesh` is not a mesh domain.*exported from east as `reviews\.bookinfo\.mesh\.internal`/,
    );
    assert.equal(finding.related[0]?.file, 'clusters/east/reviews.yaml');
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? assert.fail('no fix'));
    assert.match(
      texts.get('clusters/west/route.yaml') ?? '',
      /name: reviews\.bookinfo\.mesh\.internal {3}# typo'd suffix/,
    );
  });

  test('mesh.internal for a service exported only under its segment domain, keeping quotes', () => {
    const checked = check(
      `${topology}
      //- clusters/pay/vs.yaml
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: v, namespace: money }
      spec:
        hosts: ["ledger.money.mesh.internal"]
    `,
      'MESH120',
    );
    const finding = only(checked);
    assert.match(finding.message, /not exported under `mesh\.internal`.*`ledger\.money\.payments\.mesh`/);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? assert.fail('no fix'));
    assert.match(texts.get('clusters/pay/vs.yaml') ?? '', /hosts: \["ledger\.money\.payments\.mesh"\]/);
  });

  test('is silent on correct global, local and external hostnames', () => {
    const checked = check(
      `${topology}
      //- clusters/west/vs.yaml
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: v, namespace: bookinfo }
      spec:
        hosts: [reviews.bookinfo.mesh.internal, reviews, reviews.bookinfo.svc.cluster.local, shop.example.com]
        http:
          - route:
              - destination: { host: ledger.money.payments.mesh }
    `,
      'MESH120',
    );
    assert.deepEqual(checked.findings, []);
  });
});
