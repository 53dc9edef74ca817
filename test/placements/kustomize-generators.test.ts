import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Workspace } from '../../shared/src';
import { runChecks } from '../../shared/src/checks/registry';
import { offsetAt, type Range } from '../../shared/src/text/source';
import { assertAnnotatedFindings } from '../helpers/checks';
import { checkFix, offeredFixesFor } from '../helpers/fixes';
import { modelFrom } from '../helpers/fixture';

function textAt(workspace: Workspace, file: string, range: Range): string {
  const source = workspace.files.get(file)?.facts.parsed.source;
  assert.ok(source, `no file ${file}`);
  return source.text.slice(offsetAt(source, range.start), offsetAt(source, range.end));
}

// SPEC §9: a kustomization's generators, name references and replacements are rendered, and a
// hostname in a generated ConfigMap is checked where it is written (the literal in the kustomization).

const base = `
      //- base/kustomization.yaml
      resources: [reviews.yaml, productpage.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels: { solo.io/service-scope: global }
      spec:
        selector: { app: reviews }
        ports: [{ port: 9080 }]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: reviews
      spec:
        selector: { matchLabels: { app: reviews } }
        template: { metadata: { labels: { app: reviews } } }
      //- base/productpage.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: productpage
      spec:
        selector: { matchLabels: { app: productpage } }
        template:
          metadata: { labels: { app: productpage } }
          spec:
            containers:
              - name: productpage
                image: productpage:1
                envFrom: [{ configMapRef: { name: urls } }]`;

describe('Kustomize generators in the model (SPEC §9)', () => {
  test("a wrong suffix in a generator's literal is MESH120 on the literal's hostname, fixed there only", () => {
    const overlay = (host: string) => `
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      configMapGenerator:
        - name: urls
          literals:
            - REVIEWS_URL=http://${host}:9080`;
    // The hostname starts in column 27 of the literal's line (the fixture's indentation taken off).
    const underline = `      #${' '.repeat(26)}${'^'.repeat('reviews.bookinfo.mesh.internl'.length)}`;
    assertAnnotatedFindings(`${base}
      ${overlay('reviews.bookinfo.mesh.internl').replace(/^\n/, '')}
${underline} error MESH120 \`reviews.bookinfo.mesh.internl\` in data entry REVIEWS_URL resolves to nothing: the suffix \`mesh.internl\` is not a mesh domain
    `);
    const before = `${base}${overlay('reviews.bookinfo.mesh.internl')}`;
    checkFix(before, overlay('reviews.bookinfo.mesh.internal'), { code: 'MESH120' });
    // One edit, of the hostname's characters in the overlay: the base and the rest of the URL stay.
    const { workspace, fixes } = offeredFixesFor(before, { code: 'MESH120' });
    const edits = fixes.flatMap((fix) =>
      fix.changes.flatMap((change) =>
        change.edits.map((edit) => [change.file, textAt(workspace, change.file, edit.range), edit.newText]),
      ),
    );
    assert.deepEqual(edits, [
      ['overlays/east/kustomization.yaml', 'reviews.bookinfo.mesh.internl', 'reviews.bookinfo.mesh.internal'],
    ]);
  });

  test('a generated ConfigMap is placed in its cluster with its hashed name, and the pods refer to it', () => {
    const model = modelFrom(`${base}
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      configMapGenerator:
        - name: urls
          literals: [REVIEWS_URL=http://reviews.bookinfo.mesh.internal:9080]
    `);
    const placements = model.files.get('overlays/east/kustomization.yaml')?.placements ?? [];
    const generated = placements.flatMap((placement) =>
      placement.resources.map((resource) => [
        placement.cluster,
        resource.kind,
        resource.namespace?.value,
        resource.name?.value,
      ]),
    );
    assert.equal(generated.length, 1);
    const [cluster, kind, namespace, name] = generated[0] as string[];
    assert.deepEqual([cluster, kind, namespace], ['east', 'ConfigMap', 'bookinfo']);
    assert.match(name as string, /^urls-[a-z0-9]{10}$/);
    const productpage = model.files
      .get('base/productpage.yaml')
      ?.placements[0]?.resources[0]?.node.toJSON() as {
      spec: { template: { spec: { containers: { envFrom: { configMapRef: { name: string } }[] }[] } } };
    };
    assert.equal(productpage.spec.template.spec.containers[0]?.envFrom[0]?.configMapRef.name, name);
    assert.equal(
      model.findings.filter((finding) => finding.code === 'MESH192').length,
      0,
      'a generator is rendered, not noted',
    );
  });
});

describe('Name references and MESH104 (SPEC §9)', () => {
  test("a prefix renames a Service and the fields kustomize rewrites, not a route's hosts: MESH104 stays", () => {
    const model = modelFrom(`
      //- base/kustomization.yaml
      namespace: bookinfo
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels: { solo.io/service-scope: global }
      spec:
        selector: { app: reviews }
        ports: [{ port: 9080 }]
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: reviews
      spec:
        serviceName: reviews
        selector: { matchLabels: { app: reviews } }
        template: { metadata: { labels: { app: reviews } } }
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http: [{ route: [{ destination: { host: reviews } }] }]
      //- overlays/east/kustomization.yaml
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      resources: [../../base]
      namePrefix: west-
    `);
    const west = (model.files.get('base/reviews.yaml')?.placements ?? []).find(
      (placement) => placement.cluster === 'west',
    );
    const byKind = new Map(west?.resources.map((resource) => [resource.kind, resource.node.toJSON()]));
    assert.equal(byKind.get('StatefulSet')?.spec.serviceName, 'west-reviews');
    assert.deepEqual(byKind.get('VirtualService')?.spec.hosts, ['reviews']);
    assert.deepEqual(
      runChecks(model)
        .filter((finding) => finding.code === 'MESH104')
        .map((finding) => finding.file),
      ['overlays/west/kustomization.yaml'],
    );
  });
});
