import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, runChecks } from '../../shared/src';
import { workspaceFrom } from '../helpers/fixture';

// SPEC §9 (issue #15): the same file placed in the same cluster, with the same default namespace and
// the same rendering, by two entry points (a cluster folder's convention and a controller, or two
// controllers) is applied once: one placement. Copies that differ stay separate (MESH105).

const analysed = (fixture: string) => {
  const { workspace } = workspaceFrom(fixture);
  const model = getModel(workspace);
  return { model, findings: runChecks(model) };
};

const placementsOf = (model: ReturnType<typeof getModel>, path: string) =>
  (model.files.get(path)?.placements ?? []).map(
    (placement) => `${placement.cluster} ${placement.via}${placement.controller ? ' (controller)' : ''}`,
  );

const reviews = `
  //- clusters/east/reviews/kustomization.yaml
  namespace: bookinfo
  resources: [reviews.yaml]
  //- clusters/east/reviews/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: reviews, labels: { solo.io/service-scope: global } }
  spec: { selector: { app: reviews }, ports: [{ port: 9080, name: http }] }
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: reviews }
  spec:
    replicas: 2
    selector: { matchLabels: { app: reviews } }
    template: { metadata: { labels: { app: reviews } }, spec: { containers: [{ name: c, image: x }] } }`;

describe('one placement per file, cluster, namespace and rendering (SPEC §9)', () => {
  test("Flux bootstrap's Kustomization of its own cluster folder places each file once", () => {
    const { model, findings } = analysed(`
      //- clusters/east/flux-system/gotk-sync.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: flux-system, namespace: flux-system }
      spec:
        interval: 10m
        path: ./clusters/east
        prune: true
        sourceRef: { kind: GitRepository, name: flux-system }
      ${reviews.replace(/^\n/, '')}
    `);
    assert.deepEqual(
      model.services.map(
        (service) => `${service.cluster} ${service.namespace}/${service.name} ${service.endpoints}`,
      ),
      ['east bookinfo/reviews 2'],
      'kubectl kustomize clusters/east/reviews gives one Service and one Deployment of 2 replicas',
    );
    assert.deepEqual(
      model.workloads.map((workload) => `${workload.cluster} ${workload.pods}`),
      ['east 2'],
    );
    assert.deepEqual(placementsOf(model, 'clusters/east/reviews/reviews.yaml'), [
      'east kustomize (controller)',
    ]);
    assert.deepEqual(placementsOf(model, 'clusters/east/flux-system/gotk-sync.yaml'), [
      'east gitops (controller)',
    ]);
    assert.deepEqual(
      findings.map((finding) => finding.code),
      [],
    );
  });

  test('two controllers deploying one folder to one cluster and namespace place it once, by the first', () => {
    const { model } = analysed(`
      //- argocd/reviews.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: reviews }
      spec:
        source: { path: apps/reviews }
        destination: { name: east, namespace: bookinfo }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: reviews-again }
      spec:
        source: { path: apps/reviews }
        destination: { name: east, namespace: bookinfo }
      //- apps/reviews/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
    `);
    const placements = model.files.get('apps/reviews/reviews.yaml')?.placements ?? [];
    assert.deepEqual(
      placements.map((placement) => `${placement.cluster} ${placement.namespace?.value}`),
      ['east bookinfo'],
    );
    assert.equal(placements[0]?.controller?.range.start.line, 2, 'the first Application (its name)');
  });

  test('silent twin: the same folder in two namespaces, or in two clusters, stays two placements', () => {
    const { model, findings } = analysed(`
      //- argocd/reviews.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: reviews }
      spec:
        source: { path: apps/reviews }
        destination: { name: east, namespace: bookinfo }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: reviews-staging }
      spec:
        source: { path: apps/reviews }
        destination: { name: east, namespace: staging }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: reviews-west }
      spec:
        source: { path: apps/reviews }
        destination: { name: west, namespace: bookinfo }
      //- apps/reviews/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
    `);
    assert.deepEqual(model.services.map((service) => `${service.cluster} ${service.namespace}`).sort(), [
      'east bookinfo',
      'east staging',
      'west bookinfo',
    ]);
    assert.deepEqual(
      findings.filter((finding) => finding.code === 'MESH105'),
      [],
    );
  });

  test('copies that differ stay two placements, and MESH105 reports them', () => {
    const { model, findings } = analysed(`
      //- clusters/east/flux-system/gotk-sync.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: flux-system, namespace: flux-system }
      spec: { path: ./clusters/east, sourceRef: { kind: GitRepository, name: flux-system } }
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps, namespace: flux-system }
      spec:
        path: ./clusters/east/reviews
        sourceRef: { kind: GitRepository, name: flux-system }
        commonMetadata: { labels: { team: reviews } }
      ${reviews.replace(/^\n/, '')}
    `);
    assert.equal(model.files.get('clusters/east/reviews/reviews.yaml')?.placements.length, 2);
    assert.deepEqual(
      findings.filter((finding) => finding.code === 'MESH105').map((finding) => finding.file),
      ['clusters/east/reviews/reviews.yaml', 'clusters/east/reviews/reviews.yaml'],
    );
  });
});
