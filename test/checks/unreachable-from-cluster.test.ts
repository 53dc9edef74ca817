import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, only } from '../helpers/checks';
import { asJson, markedRange } from '../helpers/fixture';

const topology = `
  //- mesh-topology.yaml
  clusters:
    east: { paths: ["clusters/east/**"] }
    west: { paths: ["clusters/west/**"] }
    pay: { paths: ["clusters/pay/**"], segment: payments }
  segments:
    payments: { domain: payments.mesh }
  links:
    - { from: east, to: west }
    - { between: [east, pay] }
`;
const app = (cluster: string, replicas: number, scope = 'global') => `
  //- clusters/${cluster}/ratings.yaml
  { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: ${scope} } }, spec: { selector: { app: ratings } } }
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: ratings, namespace: bookinfo }, spec: { replicas: ${replicas}, template: { metadata: { labels: { app: ratings } } } } }
`;
const route = (cluster: string, host: string) => `
  //- clusters/${cluster}/route.yaml
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: { name: v, namespace: bookinfo }
  spec:
    hosts: [ratings]
    http:
      - route:
          - destination: { host: $0${host} }
`;

describe('MESH123 unreachable-from-cluster', () => {
  test('an asymmetric link: west cannot send to east', () => {
    const checked = check(
      topology +
        app('east', 2).replace(
          'name: ratings, namespace: bookinfo, labels',
          'name: $0ratings$0, namespace: bookinfo, labels',
        ) +
        route('west', 'ratings.bookinfo.mesh.internal'),
      'MESH123',
    );
    const finding = only(checked);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.file, 'clusters/west/route.yaml');
    assert.deepEqual(
      finding.range.start,
      checked.files.find((file) => file.path === 'clusters/west/route.yaml')?.cursors[0],
    );
    assert.match(finding.message, /From west, .* \(east: no link from west to east\)/);
    assert.deepEqual(asJson(finding.related), [
      {
        file: 'clusters/east/ratings.yaml',
        range: markedRange(checked.files, 'clusters/east/ratings.yaml'),
        message: 'instance in east: no link from west to east',
      },
    ]);
  });

  test('zero ready replicas everywhere reachable', () => {
    const finding = only(
      check(topology + app('east', 0) + route('east', 'ratings.bookinfo.mesh.internal'), 'MESH123'),
    );
    assert.match(finding.message, /east: no ready endpoint/);
  });

  test('segment scope from outside the segment', () => {
    const finding = only(
      check(topology + app('pay', 1, 'segment') + route('east', 'ratings.bookinfo.payments.mesh'), 'MESH123'),
    );
    assert.match(finding.message, /scope segment/);
  });

  test('is silent when a ready endpoint is reachable, and for hosts that only match traffic', () => {
    const checked = check(
      `${topology}${app('west', 1)}${route('east', 'ratings.bookinfo.mesh.internal')}
      //- clusters/west/dr.yaml
      { apiVersion: networking.istio.io/v1, kind: DestinationRule, metadata: { name: d, namespace: bookinfo }, spec: { host: ratings.bookinfo.mesh.internal } }
    `,
      'MESH123',
    );
    assert.deepEqual(checked.findings, []);
  });
});
