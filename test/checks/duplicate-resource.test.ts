import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAnnotatedFindings, check } from '../helpers/checks';

// MESH105: the same object placed twice in one cluster, the copies differing.

const service = (labels: string) => `
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
    namespace: bookinfo${labels}
  spec:
    ports: [{ port: 9080 }]
`;

describe('MESH105 duplicate-resource', () => {
  test('two differing copies in one cluster folder: reported on the later, pointing at the earlier', () => {
    const checked = assertAnnotatedFindings(
      `
      //- clusters/east/reviews.yaml
      ${service('\n    labels: { solo.io/service-scope: global }')}
      //- clusters/east/legacy/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
      #       ^^^^^^^ warning MESH105 Service bookinfo/reviews is placed twice in cluster east, and the copies differ
        namespace: bookinfo
      spec:
        ports: [{ port: 9080 }]
    `,
      { codes: ['MESH105'] },
    );
    assert.deepEqual(
      checked.findings[0]?.related.map((related) => `${related.file}:${related.range.start.line}`),
      ['clusters/east/reviews.yaml:4'],
    );
  });

  test('identical copies: silent (applying one twice changes nothing)', () => {
    const checked = check(
      `
      //- clusters/east/reviews.yaml
      ${service('')}
      //- clusters/east/copy/reviews.yaml
      ${service('')}
    `,
      'MESH105',
    );
    assert.deepEqual(checked.findings, []);
  });

  test('without a topology file or cluster folders: silent (the implicit cluster holds alternatives)', () => {
    const checked = check(
      `
      //- examples/a/reviews.yaml
      ${service('\n    labels: { app: a }')}
      //- examples/b/reviews.yaml
      ${service('\n    labels: { app: b }')}
    `,
      'MESH105',
    );
    assert.deepEqual(checked.findings, []);
  });

  test('one base rendered twice into one cluster: related locations are the two kustomizations that place it', () => {
    const checked = check(
      `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["apps/staging", "apps/production"] }
      //- apps/base/kustomization.yaml
      resources: [reviews.yaml]
      //- apps/base/reviews.yaml
      ${service('')}
      //- apps/staging/kustomization.yaml
      resources: [../base]
      labels: [{ pairs: { env: staging } }]
      //- apps/production/kustomization.yaml
      resources: [../base]
      labels: [{ pairs: { env: production } }]
    `,
      'MESH105',
    );
    assert.equal(checked.findings.length, 1);
    assert.equal(checked.findings[0]?.file, 'apps/base/reviews.yaml');
    assert.deepEqual(
      checked.findings[0]?.related.map((related) => `${related.file}: ${related.message}`).sort(),
      [
        'apps/production/kustomization.yaml: places a copy in east',
        'apps/staging/kustomization.yaml: places a copy in east',
      ],
    );
  });
});
