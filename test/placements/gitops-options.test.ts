import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, runChecks } from '../../shared/src';
import { assertAnnotatedFindings } from '../helpers/checks';
import { offeredFixesFor } from '../helpers/fixes';
import { workspaceFrom } from '../helpers/fixture';

// SPEC §9 (issue #16): what Argo CD and Flux apply on top of a path. Labels, annotations, names and
// namespaces they set are applied, written at the controller's nodes; directory include/exclude
// choose the files; anything else they would change is MESH192 on that option, the rest followed.

const analysed = (fixture: string) => {
  const { workspace } = workspaceFrom(fixture);
  const model = getModel(workspace);
  return { model, findings: runChecks(model) };
};

const notes = (findings: ReturnType<typeof runChecks>) =>
  findings
    .filter((finding) => finding.code === 'MESH192')
    .map(
      (finding) =>
        `${finding.file}:${finding.range.start.line} ${finding.message.replace(/^Not followed: /, '').replace(/\. What it would.*$/, '')}`,
    );

const instances = (model: ReturnType<typeof getModel>) =>
  model.services.map(
    (service) =>
      `${service.cluster} ${service.hostname ?? `${service.namespace}/${service.name} (not exported)`}`,
  );

const podinfo = `
  //- apps/svc.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: podinfo }
  spec: { selector: { app: podinfo }, ports: [{ port: 9898 }] }`;

describe('Flux Kustomization options', () => {
  test('commonMetadata labels export the Service, written at the Flux object; targetNamespace its namespace', () => {
    const { model, findings } = analysed(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps, namespace: flux-system }
      spec:
        interval: 10m
        sourceRef: { kind: GitRepository, name: flux-system }
        path: ./apps
        prune: true
        targetNamespace: podinfo
        commonMetadata: { labels: { solo.io/service-scope: global } }
      ${podinfo.replace(/^\n/, '')}
    `);
    assert.deepEqual(instances(model), ['east podinfo.podinfo.mesh.internal']);
    const [service] = model.services;
    assert.equal(service?.scope.raw?.file, 'clusters/east/apps.yaml');
    assert.equal(service?.scope.raw?.range.start.line, 9);
    assert.deepEqual(
      [...(service?.selector?.keys() ?? [])],
      ['app'],
      'commonMetadata is metadata only: no selector changes',
    );
    assert.deepEqual(notes(findings), []);
  });

  test('targetNamespace sets the namespace of every namespaced object, a written one included', () => {
    const { model } = analysed(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec: { path: ./apps, targetNamespace: shop }
      //- apps/kustomization.yaml
      namespace: bookinfo
      resources: [svc.yaml, other.yaml]
      //- apps/svc.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart }
      //- apps/other.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: orders, namespace: orders }
    `);
    assert.deepEqual(
      model.services.map((service) => `${service.namespace}/${service.name}`),
      ['shop/cart', 'shop/orders'],
    );
    const [cart] = model.services;
    assert.equal(cart?.resource.namespace?.file, 'clusters/east/apps.yaml');
  });

  test('targetNamespace on a plain folder: a written namespace is replaced, a Namespace renamed', () => {
    const { model } = analysed(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec: { path: ./deploy, targetNamespace: shop }
      //- deploy/cart.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart }
      //- deploy/orders.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: orders, namespace: orders }
      ---
      apiVersion: v1
      kind: Namespace
      metadata: { name: orders, labels: { solo.io/service-scope: global } }
    `);
    assert.deepEqual(
      model.services.map((service) => `${service.namespace}/${service.name} ${service.hostname ?? ''}`),
      ['shop/cart cart.shop.mesh.internal', 'shop/orders orders.shop.mesh.internal'],
      'the Namespace, renamed to shop, exports both',
    );
    const placements = (path: string) => model.files.get(path)?.placements ?? [];
    assert.equal(
      placements('deploy/cart.yaml')[0]?.rendered,
      undefined,
      'nothing to change: placed as written',
    );
    assert.equal(placements('deploy/orders.yaml')[0]?.rendered?.length, 2);
  });

  test('namePrefix and nameSuffix rename what it deploys', () => {
    const { model } = analysed(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec:
        path: ./apps
        targetNamespace: podinfo
        namePrefix: east-
        nameSuffix: -v2
        commonMetadata: { labels: { solo.io/service-scope: global } }
      ${podinfo.replace(/^\n/, '')}
    `);
    assert.deepEqual(instances(model), ['east east-podinfo-v2.podinfo.mesh.internal']);
  });

  test('patches, components, postBuild substitution and kubeConfig are MESH192 on their key; the rest is followed', () => {
    const { model, findings } = analysed(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec:
        path: ./apps
        targetNamespace: podinfo
        commonMetadata: { labels: { solo.io/service-scope: global } }
        patches:
          - patch: '[{"op": "add", "path": "/metadata/labels/x", "value": "y"}]'
            target: { kind: Service }
        components: [../components/istio]
        postBuild:
          substitute: { cluster_name: east }
        images: [{ name: podinfo, newTag: 6.0.0 }]
      ---
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: remote }
      spec:
        path: ./apps
        kubeConfig: { secretRef: { name: west-kubeconfig } }
      ${podinfo.replace(/^\n/, '')}
    `);
    assert.deepEqual(notes(findings), [
      'clusters/east/apps.yaml:7 the Flux Kustomization apps `patches`',
      'clusters/east/apps.yaml:10 the Flux Kustomization apps `components`',
      'clusters/east/apps.yaml:12 the Flux Kustomization apps `postBuild.substitute` (variables are not substituted)',
      'clusters/east/apps.yaml:20 the Flux Kustomization remote `kubeConfig`: it applies to a remote cluster Mesh Lens cannot name (nothing of it is placed)',
    ]);
    assert.deepEqual(instances(model), ['east podinfo.podinfo.mesh.internal']);
  });

  test('silent twin: options that change nothing the mesh sees, and no options, add nothing', () => {
    const { model, findings } = analysed(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec:
        path: ./apps
        interval: 10m
        prune: true
        wait: true
        timeout: 2m
        dependsOn: [{ name: infra }]
        images: [{ name: podinfo, newTag: 6.0.0 }]
        healthChecks: [{ kind: Deployment, name: podinfo }]
      ${podinfo.replace(/^\n/, '')}
    `);
    assert.deepEqual(notes(findings), []);
    assert.deepEqual(instances(model), ['east default/podinfo (not exported)']);
    assert.equal(model.files.get('apps/svc.yaml')?.placements[0]?.rendered, undefined, 'placed as written');
  });

  test('an invalid scope set by commonMetadata is reported, and fixed, at the Flux object', () => {
    const fixture = `
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec:
        path: ./apps
        commonMetadata: { labels: { solo.io/service-scope: globl } }
      #                                                    ^^^^^ error MESH110
      //- apps/svc.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: podinfo }
      spec: { selector: { app: podinfo }, ports: [{ port: 9898 }] }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: podinfo }
      spec:
        selector: { matchLabels: { app: podinfo } }
        template: { metadata: { labels: { app: podinfo } }, spec: { containers: [{ name: c, image: x }] } }
    `;
    assert.equal(assertAnnotatedFindings(fixture).findings.length, 1);
    const { fixes } = offeredFixesFor(fixture.replace(/^ *#.*MESH110\n/m, ''), { code: 'MESH110' });
    assert.deepEqual(
      fixes.filter((fix) => fix.preferred).map((fix) => fix.changes.map((change) => change.file)),
      [['clusters/east/apps.yaml']],
    );
  });
});

describe('Argo CD source options', () => {
  test('kustomize.commonLabels export the Service (selectors too), written at the Application', () => {
    const { model, findings } = analysed(`
      //- argocd/podinfo.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: podinfo, namespace: argocd }
      spec:
        source:
          repoURL: https://example.com/r.git
          path: apps
          kustomize:
            commonLabels: { solo.io/service-scope: global }
        destination: { name: east, namespace: podinfo }
      //- apps/kustomization.yaml
      resources: [svc.yaml]
      ${podinfo.replace(/^\n/, '')}
    `);
    assert.deepEqual(instances(model), ['east podinfo.podinfo.mesh.internal']);
    const [service] = model.services;
    assert.equal(service?.scope.raw?.file, 'argocd/podinfo.yaml');
    assert.deepEqual([...(service?.selector?.keys() ?? [])].sort(), ['app', 'solo.io/service-scope']);
    assert.deepEqual(notes(findings), []);
  });

  test('labelWithoutSelector leaves selectors; namespace, namePrefix, nameSuffix and replicas are applied', () => {
    const { model } = analysed(`
      //- argocd/reviews.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: reviews }
      spec:
        source:
          path: apps/reviews
          kustomize:
            commonLabels: { solo.io/service-scope: global }
            labelWithoutSelector: true
            namespace: bookinfo
            namePrefix: east-
            nameSuffix: -v1
            replicas: [{ name: reviews, count: 3 }]
            images: [reviews=reviews:v2]
        destination: { name: east, namespace: other }
      //- apps/reviews/kustomization.yaml
      namespace: shop
      resources: [reviews.yaml]
      //- apps/reviews/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews }
      spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: reviews }
      spec:
        selector: { matchLabels: { app: reviews } }
        template: { metadata: { labels: { app: reviews } }, spec: { containers: [{ name: c, image: x }] } }
    `);
    assert.deepEqual(instances(model), ['east east-reviews-v1.bookinfo.mesh.internal']);
    const [service] = model.services;
    assert.deepEqual([...(service?.selector?.keys() ?? [])], ['app']);
    assert.deepEqual(
      model.workloads.map((workload) => `${workload.namespace}/${workload.name} ${workload.pods}`),
      ['bookinfo/east-reviews-v1 3'],
    );
  });

  test('directory include and exclude choose files by globs on their path under the source path', () => {
    const { model } = analysed(`
      //- argocd/apps.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: apps }
      spec:
        source:
          path: apps
          directory: { recurse: true, include: '{*.yaml,*.yml}', exclude: '{legacy.yaml,old/*}' }
        destination: { name: east, namespace: shop }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: nested }
      spec:
        source:
          path: apps
          directory: { recurse: true, include: 'nested*' }
        destination: { name: west, namespace: shop }
      //- apps/cart.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart }
      //- apps/legacy.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: legacy }
      //- apps/old/orders.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: orders }
      //- apps/nested/deep/payments.yml
      apiVersion: v1
      kind: Service
      metadata: { name: payments }
    `);
    const deployed = model.services.filter((service) => service.cluster !== 'default');
    assert.deepEqual(deployed.map((service) => `${service.cluster} ${service.name}`).sort(), [
      'east cart',
      'east payments',
      'west payments',
    ]);
  });

  test('patches, components and jsonnet are MESH192 on their key; the rest is followed', () => {
    const { model, findings } = analysed(`
      //- argocd/apps.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: podinfo }
      spec:
        source:
          path: apps
          kustomize:
            commonLabels: { solo.io/service-scope: global }
            patches: [{ target: { kind: Service }, patch: '[]' }]
            components: [../components/istio]
        destination: { name: east, namespace: podinfo }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: jsonnet }
      spec:
        source:
          path: plain
          directory: { jsonnet: { tlas: [{ name: ns, value: shop }] } }
        destination: { name: east, namespace: shop }
      //- apps/kustomization.yaml
      resources: [svc.yaml]
      ${podinfo.replace(/^\n/, '')}
      //- plain/cart.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart }
    `);
    assert.deepEqual(notes(findings), [
      'argocd/apps.yaml:8 the Application podinfo `kustomize.patches`',
      'argocd/apps.yaml:9 the Application podinfo `kustomize.components`',
      'argocd/apps.yaml:18 the Application jsonnet `directory.jsonnet` (Jsonnet files are not rendered)',
    ]);
    assert.deepEqual(instances(model), [
      'east podinfo.podinfo.mesh.internal',
      'east shop/cart (not exported)',
    ]);
  });

  test("a namePrefix over the kustomization's own replaces it: MESH192, the kustomization's kept", () => {
    const { model, findings } = analysed(`
      //- argocd/apps.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: podinfo }
      spec:
        source: { path: apps, kustomize: { namePrefix: argo- } }
        destination: { name: east, namespace: podinfo }
      //- apps/kustomization.yaml
      namePrefix: own-
      resources: [svc.yaml]
      ${podinfo.replace(/^\n/, '')}
    `);
    assert.deepEqual(notes(findings), [
      "argocd/apps.yaml:4 the Application podinfo `kustomize.namePrefix`, which replaces the kustomization's own (apps/kustomization.yaml)",
    ]);
    assert.deepEqual(instances(model), ['east podinfo/own-podinfo (not exported)']);
  });

  test('kustomize options on a path without a kustomization: Argo CD cannot build it, MESH192', () => {
    const { model, findings } = analysed(`
      //- argocd/apps.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: podinfo }
      spec:
        source: { path: apps, kustomize: { commonLabels: { solo.io/service-scope: global } } }
        destination: { name: east, namespace: podinfo }
      ${podinfo.replace(/^\n/, '')}
    `);
    assert.deepEqual(notes(findings), [
      'argocd/apps.yaml:4 the Application podinfo `kustomize` options on path apps, which holds no kustomization (Argo CD cannot build it; nothing of it is placed)',
    ]);
    assert.deepEqual(
      model.services.filter((service) => service.cluster === 'east'),
      [],
    );
  });
});
