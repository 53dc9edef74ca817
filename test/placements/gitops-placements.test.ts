import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, runChecks } from '../../shared/src';
import { assertAnnotatedFindings } from '../helpers/checks';
import { workspaceFrom } from '../helpers/fixture';

// SPEC §9 (3): GitOps controllers found in the workspace place what they deploy: an Argo CD
// Application or ApplicationSet (list and clusters generators), a Flux Kustomization.

const analysed = (fixture: string) => {
  const { workspace } = workspaceFrom(fixture);
  const model = getModel(workspace);
  return { model, findings: runChecks(model) };
};

const clusterSecrets = `
  //- argocd/clusters.yaml
  apiVersion: v1
  kind: Secret
  metadata: { name: east, namespace: argocd, labels: { argocd.argoproj.io/secret-type: cluster, tier: prod } }
  stringData: { name: east, server: https://east.example.com }
  ---
  apiVersion: v1
  kind: Secret
  metadata: { name: west, namespace: argocd, labels: { argocd.argoproj.io/secret-type: cluster, tier: prod } }
  stringData: { name: west, server: https://west.example.com }`;

describe('GitOps placements (SPEC §9)', () => {
  test('an ApplicationSet with a clusters generator places each path in its cluster and namespace', () => {
    const { findings } = assertAnnotatedFindings(`
      //- argocd/bookinfo.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: bookinfo, namespace: argocd }
      spec:
        generators:
          - clusters: { selector: { matchLabels: { tier: prod } } }
        template:
          metadata: { name: '{{name}}-bookinfo' }
          spec:
            project: default
            source:
              repoURL: https://example.com/repo.git
              path: apps/bookinfo/{{.name}}
            destination:
              server: {{.server}}
              namespace: bookinfo
      ${clusterSecrets.replace(/^\n/, '')}
      //- apps/bookinfo/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, labels: { solo.io/service-scope: global, solo.io/service-takeover: "true" } }
      spec: { selector: { app: reviews } }
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: { name: reviews }
      spec:
        host: reviews
        subsets: [{ name: v1, labels: { version: v1 } }]
      # ^^^^^^^ warning MESH130 its endpoints in east and west
      //- apps/bookinfo/west/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, labels: { solo.io/service-scope: global, solo.io/service-takeover: "true" } }
      spec: { selector: { app: reviews } }
    `);
    assert.equal(findings.length, 1);
  });

  test('the instances of an ApplicationSet are in the named clusters, in its destination namespace', () => {
    const { model, findings } = analysed(`
      //- argocd/apps.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: ratings }
      spec:
        generators:
          - list:
              elements:
                - { cluster: east, env: { tier: prod } }
                - { cluster: west, env: { tier: prod } }
        template:
          metadata: { name: ratings }
          spec:
            source: { path: 'apps/ratings/{{.env.tier}}' }
            destination: { name: '{{cluster}}', namespace: shop }
      //- apps/ratings/prod/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings }
      spec: { selector: { app: ratings } }
    `);
    assert.deepEqual(
      model.services.map((service) => [service.cluster, service.namespace, service.placement.via]),
      [
        ['east', 'shop', 'gitops'],
        ['west', 'shop', 'gitops'],
      ],
    );
    assert.deepEqual(
      findings.map((finding) => finding.code),
      [],
      'the ApplicationSet is a manifest, not a template (no MESH195)',
    );
  });

  test("Flux: each cluster's Kustomization deploys its overlay into the cluster it is in", () => {
    assertAnnotatedFindings(
      `
      //- clusters/staging/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps, namespace: flux-system }
      spec: { interval: 10m, path: ./apps/staging, sourceRef: { kind: GitRepository, name: flux-system } }
      //- clusters/production/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps, namespace: flux-system }
      spec: { interval: 10m, path: ./apps/production, sourceRef: { kind: GitRepository, name: flux-system } }
      //- apps/base/podinfo/kustomization.yaml
      resources: [service.yaml]
      //- apps/base/podinfo/service.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: podinfo, namespace: podinfo }
      #                 ^^^^^^^ warning MESH101 not exported in production
      spec: { selector: { app: podinfo } }
      //- apps/staging/kustomization.yaml
      resources: [../base/podinfo]
      labels: [{ pairs: { solo.io/service-scope: global } }]
      //- apps/production/kustomization.yaml
      resources: [../base/podinfo]
    `,
      { codes: ['MESH101'] },
    );
  });

  test('Flux targetNamespace and a plain folder of manifests, read recursively', () => {
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
      //- deploy/nested/orders.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: orders }
    `);
    assert.deepEqual(
      model.services.map((service) => `${service.cluster} ${service.namespace}/${service.name}`),
      ['east shop/cart', 'east shop/orders'],
    );
  });

  test('what cannot be followed is MESH192 on the node that asks for it; the rest is followed', () => {
    const { findings } = analysed(`
      //- argocd/apps.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: many }
      spec:
        generators:
          - git: { repoURL: https://example.com/repo.git, directories: [{ path: apps/* }] }
          - list: { elements: [{ cluster: east }] }
        template:
          spec:
            source: { path: 'apps/{{path.basename}}' }
            destination: { name: '{{cluster}}' }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: chart }
      spec:
        source: { repoURL: https://charts.example.com, chart: reviews, targetRevision: 1.0.0 }
        destination: { name: east, namespace: shop }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: missing }
      spec:
        source: { path: apps/nowhere }
        destination: { name: east }
      ---
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata: { name: podinfo }
      spec: { chart: { spec: { chart: podinfo } } }
      //- apps/cart/cart.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart }
    `);
    assert.deepEqual(
      findings
        .filter((finding) => finding.code === 'MESH192')
        .map((finding) => finding.message.replace(/\. What it would.*$/, '')),
      [
        'Not followed: the ApplicationSet git generator (list and clusters generators are followed)',
        'Not followed: `source.path` apps/{{path.basename}} of the ApplicationSet many: no generator parameter gives `{{path.basename}}`, so it is not placed',
        'Not followed: a Helm chart source (place its `helm template` output instead)',
        'Not followed: path apps/nowhere, which the workspace does not have',
        'Not followed: Flux HelmRelease podinfo: its chart is not rendered (place its `helm template` output instead)',
      ],
    );
  });
});
