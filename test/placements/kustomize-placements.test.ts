import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runChecks } from '../../shared/src';
import { assertAnnotatedFindings } from '../helpers/checks';
import { checkFix, offeredFixesFor } from '../helpers/fixes';
import { modelFrom } from '../helpers/fixture';

// SPEC §9: kustomizations are rendered natively; what an entry point renders is placed in its
// cluster, and findings and fixes respect the layers (base, overlay).

const base = `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
      spec:
        selector: { app: reviews }
        ports: [{ port: 9080 }]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: reviews
      spec:
        replicas: 2
        selector: { matchLabels: { app: reviews } }
        template: { metadata: { labels: { app: reviews } } }`;

const exportedOverlays = `
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      labels:
        - pairs: { solo.io/service-scope: global }
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      patches:
        - path: export.yaml
      //- overlays/west/export.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels: { solo.io/service-scope: global }`;

describe('Kustomize placements (SPEC §9)', () => {
  test("Istio's helloworld per cluster: the kustomization's namespace decides the hostname", () => {
    const model = modelFrom(`
      //- samples/helloworld/helloworld.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: helloworld
        labels: { app: helloworld }
      spec:
        selector: { app: helloworld }
        ports: [{ port: 5000, name: http }]
      //- samples/helloworld/helloworld-v1.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: helloworld-v1
      spec:
        selector: { matchLabels: { app: helloworld } }
        template: { metadata: { labels: { app: helloworld, version: v1 } } }
      //- clusters/cluster1/kustomization.yaml
      namespace: sample
      resources: [../../samples/helloworld/helloworld.yaml, ../../samples/helloworld/helloworld-v1.yaml]
      labels:
        - pairs: { solo.io/service-scope: global }
      //- clusters/cluster2/kustomization.yaml
      namespace: sample
      resources: [../../samples/helloworld/helloworld.yaml]
    `);
    assert.deepEqual([...model.topology.clusters.keys()], ['cluster1', 'cluster2']);
    assert.deepEqual(
      model.services.map((service) => [service.cluster, service.namespace, service.name, service.endpoints]),
      [
        ['cluster1', 'sample', 'helloworld', 1],
        ['cluster2', 'sample', 'helloworld', 0],
      ],
    );
    assert.deepEqual([...model.globalServices.keys()], ['helloworld.sample.mesh.internal']);
    assert.equal(model.resourceCount, 2, 'kustomization files are no resources');
  });

  test('the overlay that forgot the label is named, on the base, with its overlay related', () => {
    const { findings } = assertAnnotatedFindings(`
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
      #       ^^^^^^^ warning MESH101 Service bookinfo/reviews is not exported in north
      spec:
        selector: { app: reviews }
        ports: [{ port: 9080 }]
      ${exportedOverlays.replace(/^\n/, '')}
      //- overlays/north/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      //- clusters/east/route.yaml
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: r, namespace: bookinfo }
      spec:
        hosts: [reviews.bookinfo.mesh.internal]
        http: [{ route: [{ destination: { host: reviews.bookinfo.mesh.internal } }] }]
    `);
    const related = findings[0]?.related.map((location) => `${location.file}: ${location.message}`);
    assert.ok(
      related?.includes('overlays/north/kustomization.yaml: places it in north'),
      related?.join('\n'),
    );
    assert.ok(related?.some((location) => location.startsWith('overlays/east/kustomization.yaml')));
    assert.ok(related?.some((location) => location.startsWith('overlays/west/export.yaml')));
  });

  test("the preferred fix patches that cluster's overlay; the base's fix names what else it changes", () => {
    const before = `${base}
      ${exportedOverlays.replace(/^\n/, '')}
      //- overlays/north/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
    `;
    checkFix(
      before,
      `
      //- overlays/north/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      patches:
        - target:
            kind: Service
            name: reviews
          patch: |-
            apiVersion: v1
            kind: Service
            metadata:
              name: reviews
              labels:
                solo.io/service-scope: global
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
      spec:
        selector: { app: reviews }
        ports: [{ port: 9080 }]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: reviews
      spec:
        replicas: 2
        selector: { matchLabels: { app: reviews } }
        template: { metadata: { labels: { app: reviews } } }
    `,
      { code: 'MESH101' },
    );
    const titles = offeredFixesFor(before, { code: 'MESH101' }).fixes.map(
      (fix) => `${fix.title}${fix.preferred ? ' (preferred)' : ''}`,
    );
    assert.deepEqual(titles, [
      'Label Service bookinfo/reviews in north with solo.io/service-scope=global (patch in overlays/north/kustomization.yaml) (preferred)',
      'Label Service bookinfo/reviews in base/reviews.yaml with solo.io/service-scope=global (shared: also changes it in east and west)',
    ]);
  });

  test('an overlay with patches already gets one more, in its own indentation', () => {
    checkFix(
      `${base}
      ${exportedOverlays.replace(/^\n/, '')}
      //- overlays/north/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      patches:
      - path: replicas.yaml
      //- overlays/north/replicas.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: reviews }
      spec: { replicas: 3 }
    `,
      `
      //- overlays/north/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      patches:
      - path: replicas.yaml
      - target:
          kind: Service
          name: reviews
        patch: |-
          apiVersion: v1
          kind: Service
          metadata:
            name: reviews
            labels:
              solo.io/service-scope: global
    `,
      { code: 'MESH101' },
    );
  });

  test('when every cluster placing the base is at fault, the base is the place to fix', () => {
    const { fixes } = offeredFixesFor(
      `${base}
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      //- clusters/south/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      spec:
        ports: [{ port: 9080 }]
    `,
      { code: 'MESH101' },
    );
    const preferred = fixes.filter((fix) => fix.preferred);
    assert.deepEqual(
      preferred.map((fix) => fix.changes.map((change) => change.file)),
      [['base/reviews.yaml']],
      'one finding naming both clusters, preferring the shared base',
    );
  });

  test("a transformer's configuration file is read by the build, not placed (no MESH105 per overlay)", () => {
    const overlay = (name: string) => `
      //- overlays/${name}/kustomization.yaml
      resources: [../../base]
      transformers: [labels.yaml]
      //- overlays/${name}/labels.yaml
      apiVersion: builtin
      kind: LabelTransformer
      metadata: { name: labels }
      labels: { env: ${name} }
      fieldSpecs: [{ path: metadata/labels, create: true }]
    `;
    const model = modelFrom(`${base}${overlay('east')}${overlay('west')}`);
    assert.deepEqual(
      [...model.files.values()]
        .filter((file) => file.placements.length > 0)
        .map((file) => file.parsed.source.path),
      ['base/reviews.yaml'],
    );
    const found = runChecks(model).map((finding) => `${finding.code} ${finding.file}`);
    assert.ok(!found.some((entry) => entry.startsWith('MESH105')), found.join('\n'));
    assert.ok(found.includes('MESH192 overlays/east/kustomization.yaml'), found.join('\n'));
  });

  test('patch files and kustomization files are no resources of their own', () => {
    const model = modelFrom(`${base}
      ${exportedOverlays.replace(/^\n/, '')}
    `);
    assert.deepEqual(
      [...model.files.values()]
        .filter((file) => file.placements.length > 0)
        .map((file) => file.parsed.source.path),
      ['base/reviews.yaml'],
    );
    assert.equal(model.services.length, 2);
  });
});

describe('hostnames in values an overlay writes (SPEC §9 with the string-value scan)', () => {
  test('a hostname a patch writes into a rendered object is found, in the patch file', () => {
    const { findings } = assertAnnotatedFindings(`
      //- base/kustomization.yaml
      resources: [app.yaml]
      //- base/app.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: app }
      spec:
        template:
          spec:
            containers:
              - name: app
                env:
                  - { name: PLAIN, value: plain }
      //- overlays/east/kustomization.yaml
      namespace: shop
      resources: [../../base]
      patches:
        - path: env.yaml
      //- overlays/east/env.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: app }
      spec:
        template:
          spec:
            containers:
              - name: app
                env:
                  - { name: CART, value: "http://cart.shop.internal.mesh:80/" }
      #                                          ^^^^^^^^^^^^^^^^^^^^^^^ warning MESH121 in env CART of container app
    `);
    assert.equal(findings.length, 1);
  });
});
