import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';
import { markedRange, plainRange } from '../helpers/fixture';

const reviews = (cluster: string, labels: string) => `
  //- clusters/${cluster}/reviews.yaml
  # reviews in ${cluster}
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
    namespace: bookinfo
    labels: { ${labels} }
  spec:
    selector: { app: reviews }
    ports:
      - name: http
        port: 9080
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: reviews-v1, namespace: bookinfo }, spec: { template: { metadata: { labels: { app: reviews, version: v1 } } } } }
`;
const rule = (host: string, extra = '') => `
  //- clusters/east/dr.yaml
  # the old way
  apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: { name: reviews, namespace: bookinfo }
  spec:
    host: ${host}
    $0subsets$0:
      - name: v1
        labels: { version: v1 }
      - name: v2
        labels: { version: v2 }${extra}
`;

describe('MESH130 subset-routing-unsupported', () => {
  test('a DestinationRule with subsets on a global host: warning on the subsets key', () => {
    const checked = check(
      reviews('east', 'solo.io/service-scope: global') +
        reviews('west', 'solo.io/service-scope: global') +
        rule('reviews.bookinfo.mesh.internal'),
      'MESH130',
    );
    const finding = only(checked);
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(plainRange(finding.range), markedRange(checked.files, 'clusters/east/dr.yaml'));
    assert.match(finding.message, /endpoints in east and west/);
    assert.deepEqual(
      finding.related.map((related) => related.file),
      ['clusters/east/reviews.yaml', 'clusters/west/reviews.yaml'],
    );
  });

  test('the split fix creates a Service per subset next to every instance and replaces the rule by an HTTPRoute', () => {
    const checked = check(
      reviews('east', 'solo.io/service-scope: global') +
        reviews('west', 'solo.io/service-scope: global') +
        rule('reviews.bookinfo.mesh.internal'),
      'MESH130',
    );
    const finding = only(checked);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? assert.fail('no fix'));
    const east = texts.get('clusters/east/reviews.yaml') ?? '';
    assert.match(
      east,
      /---\napiVersion: v1\nkind: Service\nmetadata:\n {2}name: reviews-v1\n {2}namespace: bookinfo\n {2}labels:\n {4}solo\.io\/service-scope: global\nspec:\n {2}selector:\n {4}app: reviews\n {4}version: v1\n {2}ports:\n {4}- name: http\n {6}port: 9080\n/,
    );
    assert.match(east, /name: reviews-v2/);
    assert.match(texts.get('clusters/west/reviews.yaml') ?? '', /name: reviews-v1[\s\S]*name: reviews-v2/);
    const dr = texts.get('clusters/east/dr.yaml') ?? '';
    assert.match(dr, /^# the old way\napiVersion: gateway\.networking\.k8s\.io\/v1\nkind: HTTPRoute\n/);
    assert.match(
      dr,
      /name: reviews-v1\.bookinfo\.mesh\.internal\n {10}port: 9080\n {8}- group: networking\.istio\.io\n {10}kind: Hostname\n {10}name: reviews-v2\.bookinfo\.mesh\.internal/,
    );
    assert.doesNotMatch(dr, /DestinationRule/);
  });

  test('keeps a rule that has more than subsets and only removes them', () => {
    const checked = check(
      reviews('east', 'solo.io/service-scope: global') +
        rule(
          'reviews.bookinfo.mesh.internal',
          '\n    trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }  # keep mTLS',
        ),
      'MESH130',
    );
    const finding = only(checked);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? assert.fail('no fix'));
    const dr = texts.get('clusters/east/dr.yaml') ?? '';
    assert.match(
      dr,
      /kind: DestinationRule[\s\S]*host: reviews\.bookinfo\.mesh\.internal\n {2}trafficPolicy: \{ tls: \{ mode: ISTIO_MUTUAL \} \} {2}# keep mTLS\n---\napiVersion: gateway/,
    );
    assert.doesNotMatch(dr, /subsets:/);
  });

  test('info on the local hostname of an exported service without takeover; warning with takeover', () => {
    const local = only(check(reviews('east', 'solo.io/service-scope: global') + rule('reviews'), 'MESH130'));
    assert.equal(local.severity, 'info');
    assert.match(local.message, /only reaches local endpoints/);
    const takeover = only(
      check(
        reviews('east', 'solo.io/service-scope: global, solo.io/service-takeover: "true"') + rule('reviews'),
        'MESH130',
      ),
    );
    assert.equal(takeover.severity, 'warning');
  });

  test('a VirtualService destination with a subset on a global host', () => {
    const checked = check(
      `${reviews('east', 'solo.io/service-scope: global')}
      //- clusters/east/vs.yaml
      { apiVersion: networking.istio.io/v1, kind: VirtualService, metadata: { name: v, namespace: bookinfo }, spec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews.bookinfo.mesh.internal, subset: $0v1 } }] }] } }
    `,
      'MESH130',
    );
    const finding = only(checked);
    assert.deepEqual(finding.range.start, checked.files[1]?.cursors[0]);
  });

  test('is silent for subsets of a service that is not exported', () => {
    assert.deepEqual(check(reviews('east', 'app: reviews') + rule('reviews'), 'MESH130').findings, []);
  });
});
