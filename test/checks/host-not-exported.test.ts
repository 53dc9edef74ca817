import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';

describe('MESH122 host-not-exported', () => {
  const fixture = `
    //- clusters/east/details.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: details # east
      namespace: bookinfo
    //- clusters/west/details.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: details, namespace: bookinfo }
    //- clusters/west/route.yaml
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: { name: r, namespace: bookinfo }
    spec:
      rules:
        - backendRefs:
            - { group: networking.istio.io, kind: Hostname, name: $0details.bookinfo.mesh.internal, port: 9080 }
  `;

  test('flags a global hostname whose service is exported nowhere, related to every instance', () => {
    const checked = check(fixture, 'MESH122');
    const finding = only(checked);
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.range.start, checked.files[2]?.cursors[0]);
    assert.match(finding.message, /exists in east and west but is exported in no cluster/);
    assert.deepEqual(
      finding.related.map((related) => related.file),
      ['clusters/east/details.yaml', 'clusters/west/details.yaml'],
    );
  });

  test('the fix exports every instance', () => {
    const checked = check(fixture, 'MESH122');
    const finding = only(checked);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? assert.fail('no fix'));
    assert.match(
      texts.get('clusters/east/details.yaml') ?? '',
      /namespace: bookinfo\n {2}labels:\n {4}solo\.io\/service-scope: global\n/,
    );
    assert.match(
      texts.get('clusters/west/details.yaml') ?? '',
      /labels: \{ solo\.io\/service-scope: global \}/,
    );
  });

  test('is silent once any instance is exported', () => {
    const checked = check(
      fixture.replace(
        'metadata: { name: details, namespace: bookinfo }',
        'metadata: { name: details, namespace: bookinfo, labels: { solo.io/service-scope: global } }',
      ),
      'MESH122',
    );
    assert.deepEqual(checked.findings, []);
  });
});
