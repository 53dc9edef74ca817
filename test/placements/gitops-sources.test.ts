import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel, runChecks } from '../../shared/src';
import { workspaceFrom } from '../helpers/fixture';

// SPEC §9 (issues #15, #16): what an Argo CD source is (a Helm chart is not rendered, and its
// templates are no manifests of any cluster), and ApplicationSet parameters: the clusters
// generator's `values`, `nameNormalized`; a field still templated after them is MESH192 on that
// field, and nothing is placed with a guessed value.

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
        `${finding.file}:${finding.range.start.line}:${finding.range.start.character} ${finding.message.replace(/^Not followed: /, '').replace(/\. What it would.*$/, '')}`,
    );

const instances = (model: ReturnType<typeof getModel>) =>
  model.services.map(
    (service) => `${service.cluster} ${service.hostname ?? `${service.namespace}/${service.name}`}`,
  );

const chart = `
  //- chart/Chart.yaml
  apiVersion: v2
  name: chart
  version: 0.1.0
  //- chart/templates/svc.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: gb, labels: { solo.io/service-scope: global } }
  spec: { selector: { app: gb }, ports: [{ port: 80 }] }`;

describe('an Argo CD source that is a Helm chart', () => {
  test("is MESH192 on its path, and the chart's templates are placed nowhere", () => {
    const { model, findings } = analysed(`
      //- app.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: gb, namespace: argocd }
      spec:
        source: { repoURL: https://example.com/r.git, path: chart }
        destination: { name: east, namespace: guestbook }
      ${chart.replace(/^\n/, '')}
    `);
    assert.deepEqual(notes(findings), [
      'app.yaml:4:54 path chart, a Helm chart, which Mesh Lens does not render; add its `helm template` output or a `render:` command',
    ]);
    assert.deepEqual(instances(model), []);
    assert.deepEqual(model.files.get('chart/templates/svc.yaml')?.placements, []);
    assert.deepEqual(
      findings.filter((finding) => finding.code !== 'MESH192'),
      [],
    );
    // The destination is a cluster of the mesh all the same: `topology` shows it, empty, beside the note.
    assert.equal(model.topology.clusters.get('east')?.via, 'convention');
  });

  test('an explicit `helm:` block is a chart too; a folder with a kustomization and a Chart.yaml is Kustomize', () => {
    const { model, findings } = analysed(`
      //- argocd/apps.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: gb }
      spec:
        source: { path: chart, helm: { valueFiles: [values-east.yaml] } }
        destination: { name: east, namespace: guestbook }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: { name: both }
      spec:
        source: { path: both }
        destination: { name: east, namespace: shop }
      ${chart.replace(/^\n/, '')}
      //- both/Chart.yaml
      apiVersion: v2
      name: both
      version: 0.1.0
      //- both/kustomization.yaml
      resources: [cart.yaml]
      //- both/cart.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart }
    `);
    assert.deepEqual(
      notes(findings).map((line) => line.replace(/, which Mesh Lens.*$/, '')),
      ['argocd/apps.yaml:4:18 path chart, a Helm chart'],
    );
    assert.deepEqual(instances(model), ['east shop/cart']);
  });

  test("silent twin: a chart's templates are placed nowhere without a controller; a `templates/` folder of no chart is", () => {
    const { model } = analysed(`
      ${chart.replace(/^\n/, '')}
      //- clusters/east/templates/cart.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: cart, namespace: shop }
    `);
    assert.deepEqual(instances(model), ['east shop/cart']);
  });
});

const eastSecret = `
  //- argocd/secrets.yaml
  apiVersion: v1
  kind: Secret
  metadata: { name: east, namespace: argocd, labels: { argocd.argoproj.io/secret-type: cluster } }
  stringData: { name: East_1, server: https://east.example.com }`;

const reviews = `
  //- app/svc.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: reviews, labels: { solo.io/service-scope: global } }
  spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }`;

describe('ApplicationSet parameters', () => {
  test("the clusters generator's values fill `{{.values.ns}}`", () => {
    const { model, findings } = analysed(`
      //- argocd/secrets.yaml
      apiVersion: v1
      kind: Secret
      metadata: { name: east, namespace: argocd, labels: { argocd.argoproj.io/secret-type: cluster } }
      stringData: { name: east, server: https://east.example.com }
      //- argocd/appset.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: reviews, namespace: argocd }
      spec:
        goTemplate: true
        generators: [{ clusters: { values: { ns: bookinfo } } }]
        template:
          metadata: { name: 'reviews-{{.name}}' }
          spec:
            project: default
            source: { repoURL: https://example.com/r.git, path: app }
            destination: { server: '{{.server}}', namespace: '{{.values.ns}}' }
      ${reviews.replace(/^\n/, '')}
    `);
    assert.deepEqual(instances(model), ['east reviews.bookinfo.mesh.internal']);
    assert.deepEqual(notes(findings), []);
  });

  test('values are templates over the cluster (`{{name}}`), and `{{nameNormalized}}` is the DNS-safe name', () => {
    const { model } = analysed(`
      ${eastSecret.replace(/^\n/, '')}
      //- argocd/appset.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: reviews }
      spec:
        generators: [{ clusters: { values: { ns: '{{nameNormalized}}-bookinfo' } } }]
        template:
          spec:
            source: { path: app }
            destination: { name: '{{nameNormalized}}', namespace: '{{values.ns}}' }
      ${reviews.replace(/^\n/, '')}
    `);
    assert.deepEqual(instances(model), ['east-1 reviews.east-1-bookinfo.mesh.internal']);
  });

  test('a placement field still templated is MESH192 on that field, naming the expression; nothing is placed', () => {
    const { model, findings } = analysed(`
      ${eastSecret.replace(/^\n/, '')}
      //- argocd/appset.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: reviews }
      spec:
        goTemplate: true
        generators: [{ clusters: {} }]
        template:
          spec:
            source: { path: app }
            destination: { server: '{{.server}}', namespace: '{{.values.ns}}' }
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: ratings }
      spec:
        goTemplate: true
        generators: [{ list: { elements: [{ env: prod }] } }]
        template:
          spec:
            source: { path: app }
            destination: { name: '{{ index .metadata.labels "region" }}', namespace: bookinfo }
      ${reviews.replace(/^\n/, '')}
    `);
    assert.deepEqual(notes(findings), [
      'argocd/appset.yaml:9:55 `destination.namespace` {{.values.ns}} of the ApplicationSet reviews: no generator parameter gives `{{.values.ns}}`, so it is not placed',
      'argocd/appset.yaml:20:27 `destination.name` {{ index .metadata.labels "region" }} of the ApplicationSet ratings: no generator parameter gives `{{ index .metadata.labels "region" }}`, so it is not placed',
    ]);
    assert.deepEqual(
      instances(model),
      [],
      'not in east with a guessed namespace, nor in the implicit default',
    );
  });

  test('silent twin: every field resolved, nothing noted', () => {
    const { findings } = analysed(`
      ${eastSecret.replace(/^\n/, '')}
      //- argocd/appset.yaml
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: { name: reviews }
      spec:
        goTemplate: true
        generators: [{ clusters: { values: { ns: bookinfo } } }]
        template:
          metadata: { name: '{{.name}}-reviews', labels: { cluster: '{{.nameNormalized}}' } }
          spec:
            source: { path: app }
            destination: { name: '{{.name}}', namespace: '{{.values.ns}}' }
      ${reviews.replace(/^\n/, '')}
    `);
    assert.deepEqual(notes(findings), []);
  });
});
