import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check } from '../helpers/checks';

const service = `
  //- clusters/east/reviews.yaml
  { apiVersion: v1, kind: Service, metadata: { name: reviews-v1, namespace: bookinfo, labels: { solo.io/service-scope: global } }, spec: { ports: [{ port: 9080 }] } }
`;
const route = (backend: string) => `
  //- clusters/east/route.yaml
  # route for reviews
  apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: { name: r, namespace: bookinfo }
  spec:
    rules:
      - backendRefs:
${backend}
`;

describe('MESH140 backendref-hostname-kind', () => {
  test('a hostname without kind Hostname: add kind and group in one edit', () => {
    const checked = check(
      service +
        route(`            - name: $0reviews-v1.bookinfo.mesh.internal   # v1
              port: 9080`),
      'MESH140',
    );
    const [finding] = checked.findings;
    assert.equal(checked.findings.length, 1);
    assert.equal(finding?.severity, 'error');
    assert.deepEqual(finding?.range.start, checked.files[1]?.cursors[0]);
    assert.match(finding?.message ?? '', /has no kind \(so kind Service\)/);
    const texts = assertFixResolves(
      checked,
      finding ?? assert.fail(),
      finding.fixes()[0] ?? assert.fail('no fix'),
    );
    assert.match(
      texts.get('clusters/east/route.yaml') ?? '',
      /- name: reviews-v1\.bookinfo\.mesh\.internal {3}# v1\n {12}port: 9080\n {12}kind: Hostname\n {12}group: networking\.istio\.io\n/,
    );
  });

  test('kind Service with the wrong group in flow style: both replaced in place, keeping quotes', () => {
    const checked = check(
      service +
        route(
          '          - { kind: Service, group: "", name: reviews-v1.bookinfo.mesh.internal, port: 9080 }',
        ),
      'MESH140',
    );
    const [finding] = checked.findings;
    const texts = assertFixResolves(
      checked,
      finding ?? assert.fail(),
      finding.fixes()[0] ?? assert.fail('no fix'),
    );
    assert.match(
      texts.get('clusters/east/route.yaml') ?? '',
      /\{ kind: Hostname, group: "networking\.istio\.io", name: reviews-v1/,
    );
  });

  test('a Hostname backend with a namespace: remove it', () => {
    const checked = check(
      service +
        route(`            - kind: Hostname
              group: networking.istio.io
              namespace: $0bookinfo
              name: reviews-v1.bookinfo.mesh.internal
              port: 9080`),
      'MESH140',
    );
    const [finding] = checked.findings;
    assert.equal(checked.findings.length, 1);
    assert.deepEqual(finding?.range.start, checked.files[1]?.cursors[0]);
    const texts = assertFixResolves(
      checked,
      finding ?? assert.fail(),
      finding.fixes()[0] ?? assert.fail('no fix'),
    );
    assert.doesNotMatch(texts.get('clusters/east/route.yaml') ?? '', /namespace: bookinfo\n/);
  });

  test("a Hostname backend without a port: add the service's port", () => {
    const checked = check(
      service +
        route(
          '          - { kind: Hostname, group: networking.istio.io, name: reviews-v1.bookinfo.mesh.internal }',
        ),
      'MESH140',
    );
    const [finding] = checked.findings;
    assert.equal(finding?.fixes()[0]?.title, 'Add port: 9080');
    const texts = assertFixResolves(
      checked,
      finding ?? assert.fail(),
      finding.fixes()[0] ?? assert.fail('no fix'),
    );
    assert.match(
      texts.get('clusters/east/route.yaml') ?? '',
      /name: reviews-v1\.bookinfo\.mesh\.internal, port: 9080 \}/,
    );
  });

  test('is silent on a correct Hostname backend and on plain Service backends', () => {
    const checked = check(
      service +
        route(`            - { group: networking.istio.io, kind: Hostname, name: reviews-v1.bookinfo.mesh.internal, port: 9080 }
            - { name: reviews-v1, port: 9080 }`),
      'MESH140',
    );
    assert.deepEqual(checked.findings, []);
  });
});
