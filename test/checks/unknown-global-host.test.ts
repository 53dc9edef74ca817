import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';

const services = `
  //- clusters/east/services.yaml
  { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } } }
  ---
  { apiVersion: v1, kind: Service, metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } } }
`;

describe('MESH121 unknown-global-host', () => {
  test('flags a global hostname that matches no service, suggesting the nearest known one', () => {
    const checked = check(
      `${services}
      //- clusters/east/dr.yaml
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: { name: r, namespace: bookinfo }
      spec:
        host: $0ratngs.bookinfo.mesh.internal # note
    `,
      'MESH121',
    );
    const finding = only(checked);
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.range.start, checked.files[1]?.cursors[0]);
    assert.match(
      finding.message,
      /no Service bookinfo\/ratngs in any cluster.*Did you mean `ratings\.bookinfo\.mesh\.internal`\?/,
    );
    const fix = finding.fixes()[0];
    assert.equal(fix?.title, 'Change to ratings.bookinfo.mesh.internal');
    assert.equal(fix?.preferred, true);
    const texts = assertFixResolves(checked, finding, fix ?? assert.fail('no fix'));
    assert.match(texts.get('clusters/east/dr.yaml') ?? '', /host: ratings\.bookinfo\.mesh\.internal # note/);
  });

  test('near-miss suffixes for unknown services are flagged too, without a fix when nothing is close', () => {
    const finding = only(
      check(
        `${services}
        //- clusters/east/vs.yaml
        { apiVersion: networking.istio.io/v1, kind: VirtualService, metadata: { name: v, namespace: x }, spec: { hosts: [payments.billing.internal.mesh] } }
      `,
        'MESH121',
      ),
    );
    assert.deepEqual(finding.fixes(), []);
  });

  test('is silent for known hostnames, external names and ServiceEntry declarations', () => {
    const checked = check(
      `${services}
      //- clusters/east/vs.yaml
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: v, namespace: bookinfo }
      spec:
        hosts: [reviews.bookinfo.mesh.internal, api.example.com, reviews]
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: { name: se, namespace: bookinfo }
      spec:
        hosts: [legacy.bookinfo.mesh.internal]
    `,
      'MESH121',
    );
    assert.deepEqual(checked.findings, []);
  });
});
