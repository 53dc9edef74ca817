import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Fix } from '../../shared/src';
import { applyFix } from '../helpers/checks';
import { checkFix, offeredFixesFor } from '../helpers/fixes';

// SPEC §9, "Fixes respect layers", for every check whose fix can edit a document several clusters
// share: with one base and two overlays of which one cluster is at fault, the preferred fix edits only
// that cluster's overlay (a patch, or the overlay's patch that wrote the value), and the base's edit is
// offered but not preferred, titled with the clusters it also changes. `kubectl kustomize` checks the
// result: the fixed overlay renders the change, the other overlay renders as before. When every
// cluster placing the base is at fault, the base is the place to fix.

const hasKubectl = !spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error;
const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

interface Rendered {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { ports?: Record<string, unknown>[] };
}

/** `kubectl kustomize` of one folder of a workspace's texts, as objects. */
function kubectlRender(texts: ReadonlyMap<string, string>, folder: string): Rendered[] {
  const root = mkdtempSync(join(tmpdir(), 'mesh-lens-layers-'));
  roots.push(root);
  for (const [path, text] of texts) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = spawnSync('kubectl', ['kustomize', join(root, folder)], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJSON() as Rendered);
}

function titles(fixes: readonly Fix[]): string[] {
  return fixes.map((fix) => `${fix.title}${fix.preferred ? ' (preferred)' : ''}`);
}

/**
 * The preferred fix of the one finding of `code`: it edits only `file`; with kubectl, the `fixed`
 * folder's rendering passes `expect` after the fix and not before, and every folder of `unchanged`
 * renders the same before and after.
 */
function assertOverlayFix(
  t: test.TestContext,
  before: string,
  code: string,
  layers: { file: string; fixed: string; unchanged: string[]; expect: (objects: Rendered[]) => boolean },
): Fix {
  const { workspace, fixes } = offeredFixesFor(before, { code });
  const preferred = fixes.filter((fix) => fix.preferred);
  assert.equal(preferred.length, 1, titles(fixes).join('\n'));
  const fix = preferred[0] as Fix;
  assert.deepEqual(
    fix.changes.map((change) => change.file),
    [layers.file],
    'the preferred fix edits only that overlay',
  );
  if (!hasKubectl) {
    if (process.env.CI === 'true') assert.fail('kubectl is missing');
    t.diagnostic('kubectl is not installed: the renderings were not compared');
    return fix;
  }
  const beforeTexts = new Map([...workspace.files].map(([path, file]) => [path, file.text]));
  const afterTexts = applyFix(workspace, fix);
  assert.equal(layers.expect(kubectlRender(beforeTexts, layers.fixed)), false, 'wrong before the fix');
  assert.equal(layers.expect(kubectlRender(afterTexts, layers.fixed)), true, 'right after the fix');
  for (const folder of layers.unchanged)
    assert.deepEqual(
      kubectlRender(afterTexts, folder),
      kubectlRender(beforeTexts, folder),
      `${folder} changed`,
    );
  return fix;
}

const service = (objects: Rendered[], name: string) =>
  objects.find((object) => object.kind === 'Service' && object.metadata.name === name);
const label = (objects: Rendered[], name: string, key: string) =>
  service(objects, name)?.metadata.labels?.[key];

describe('MESH160 takeover-unexported on a shared base', () => {
  const base = `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels:
          solo.io/service-takeover: "true"
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
        template: { metadata: { labels: { app: reviews } } }`;

  test("exports the service in the cluster at fault through that cluster's overlay", (t) => {
    const before = `${base}
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      labels:
        - pairs: { solo.io/service-scope: global }
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
    `;
    assertOverlayFix(t, before, 'MESH160', {
      file: 'overlays/west/kustomization.yaml',
      fixed: 'overlays/west',
      unchanged: ['overlays/east'],
      expect: (objects) => label(objects, 'reviews', 'solo.io/service-scope') === 'global',
    });
    checkFix(
      before,
      `
      //- overlays/west/kustomization.yaml
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
        labels:
          solo.io/service-takeover: "true"
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
    `,
      { code: 'MESH160' },
    );
    assert.deepEqual(titles(offeredFixesFor(before, { code: 'MESH160' }).fixes), [
      'Export Service bookinfo/reviews in west (solo.io/service-scope: global) (patch in overlays/west/kustomization.yaml) (preferred)',
      'Export Service bookinfo/reviews in west (solo.io/service-scope: global) (shared: also changes it in east)',
    ]);
  });

  test('when every cluster placing the base is at fault, the base is the preferred fix', () => {
    const { fixes } = offeredFixesFor(
      `${base}
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
    `,
      { code: 'MESH160' },
    );
    const preferred = fixes.filter((fix) => fix.preferred);
    assert.deepEqual(
      preferred.map((fix) => fix.changes.map((change) => change.file)),
      [['base/reviews.yaml']],
      'one finding naming both clusters, preferring the base',
    );
    assert.ok(
      fixes.every((fix) => !fix.title.includes('shared')),
      titles(fixes).join('\n'),
    );
  });
});

describe('a document shared without an overlay (overlapping topology paths)', () => {
  test('the edit says no overlay places it in that cluster alone, and is not preferred', () => {
    const { fixes } = offeredFixesFor(
      `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["apps/**", "clusters/east/**"] }
        west: { paths: ["apps/**"] }
      //- apps/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-takeover: "true"
      spec:
        selector: { app: reviews }
        ports: [{ port: 9080 }]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        selector: { matchLabels: { app: reviews } }
        template: { metadata: { labels: { app: reviews } } }
      //- clusters/east/bookinfo.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: bookinfo
        labels: { solo.io/service-scope: global }
    `,
      { code: 'MESH160' },
    );
    assert.deepEqual(titles(fixes), [
      'Export Service bookinfo/reviews in west (solo.io/service-scope: global) (shared: also changes it in east; no overlay places it in west alone)',
    ]);
  });
});

describe('MESH151 traffic-distribution-unexported on a shared base', () => {
  test("removing the annotation in one cluster is a null in that overlay's patch", (t) => {
    const before = `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels:
          solo.io/service-scope: cluster
        annotations:
          networking.istio.io/traffic-distribution: PreferClose
      spec:
        ports: [{ port: 9080 }]
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      labels:
        - pairs: { solo.io/service-scope: global }
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
    `;
    const fix = assertOverlayFix(t, before, 'MESH151', {
      file: 'overlays/west/kustomization.yaml',
      fixed: 'overlays/west',
      unchanged: ['overlays/east'],
      expect: (objects) =>
        service(objects, 'reviews')?.metadata.annotations?.['networking.istio.io/traffic-distribution'] ===
        undefined,
    });
    assert.equal(
      fix.title,
      'Remove the networking.istio.io/traffic-distribution annotation (patch in overlays/west/kustomization.yaml)',
    );
  });
});

describe('MESH102 scope-mismatch on a shared base', () => {
  const topology = `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["overlays/east"], segment: payments }
        west: { paths: ["overlays/west"], segment: payments }
        south: { paths: ["clusters/south/**"], segment: payments }
      segments:
        payments: { domain: payments.mesh }
      //- clusters/south/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        namespace: finance
        labels:
          solo.io/service-scope: global
      spec:
        ports: [{ port: 80 }]
      //- base/kustomization.yaml
      resources: [ledger.yaml]`;

  test("the base's scope, wrong in one cluster only, is overridden by a patch in its overlay", (t) => {
    const before = `${topology}
      //- base/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        labels:
          solo.io/service-scope: segment
      spec:
        ports: [{ port: 80 }]
      //- overlays/east/kustomization.yaml
      namespace: finance
      resources: [../../base]
      patches:
        - path: scope.yaml
      //- overlays/east/scope.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        labels:
          solo.io/service-scope: global
      //- overlays/west/kustomization.yaml
      namespace: finance
      resources: [../../base]
    `;
    assertOverlayFix(t, before, 'MESH102', {
      file: 'overlays/west/kustomization.yaml',
      fixed: 'overlays/west',
      unchanged: ['overlays/east'],
      expect: (objects) => label(objects, 'ledger', 'solo.io/service-scope') === 'global',
    });
  });

  test("a scope one overlay's patch wrote is changed in that patch", (t) => {
    const before = `${topology}
      //- base/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        labels:
          solo.io/service-scope: global
      spec:
        ports: [{ port: 80 }]
      //- overlays/east/kustomization.yaml
      namespace: finance
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      namespace: finance
      resources: [../../base]
      patches:
        - path: scope.yaml
      //- overlays/west/scope.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        labels:
          solo.io/service-scope: segment # kept in the segment
    `;
    assertOverlayFix(t, before, 'MESH102', {
      file: 'overlays/west/scope.yaml',
      fixed: 'overlays/west',
      unchanged: ['overlays/east'],
      expect: (objects) => label(objects, 'ledger', 'solo.io/service-scope') === 'global',
    });
    checkFix(
      before,
      `
      //- overlays/west/scope.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        labels:
          solo.io/service-scope: global # kept in the segment
    `,
      { code: 'MESH102' },
    );
  });
});

describe('MESH103 inconsistent-instances on a shared base', () => {
  const base = `
      //- base/kustomization.yaml
      resources: [ratings.yaml]
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      //- clusters/north/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: bookinfo, labels: { solo.io/service-scope: global } }
      spec:
        ports:
          - { name: http, port: 9080 }`;

  test("ports one overlay's patch changed are changed in that patch", (t) => {
    const before = `${base}
      //- base/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, labels: { solo.io/service-scope: global } }
      spec:
        ports:
          - { name: http, port: 9080 }
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      patches:
        - path: ports.yaml
      //- overlays/west/ports.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
      spec:
        ports:
          - { name: grpc, port: 9080 }
    `;
    assertOverlayFix(t, before, 'MESH103', {
      file: 'overlays/west/ports.yaml',
      fixed: 'overlays/west',
      unchanged: ['overlays/east'],
      expect: (objects) => service(objects, 'ratings')?.spec?.ports?.[0]?.name === 'http',
    });
  });

  test("the base's ports, wrong in one cluster only, are replaced by a patch in its overlay", (t) => {
    const before = `${base}
      //- base/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, labels: { solo.io/service-scope: global } }
      spec:
        ports:
          - { name: grpc, port: 9080, appProtocol: grpc }
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      patches:
        - path: ports.yaml
      //- overlays/east/ports.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
      spec:
        ports:
          - $patch: replace
          - { name: http, port: 9080 }
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
    `;
    const fix = assertOverlayFix(t, before, 'MESH103', {
      file: 'overlays/west/kustomization.yaml',
      fixed: 'overlays/west',
      unchanged: ['overlays/east'],
      expect: (objects) =>
        JSON.stringify(service(objects, 'ratings')?.spec?.ports) ===
        JSON.stringify([{ name: 'http', port: 9080 }]),
    });
    assert.match(fix.title, /\(patch in overlays\/west\/kustomization\.yaml\)$/);
    const shared = offeredFixesFor(before, { code: 'MESH103' }).fixes.filter((offered) =>
      offered.changes.some((change) => change.file === 'base/ratings.yaml'),
    );
    assert.ok(
      shared.every((offered) => !offered.preferred && /shared: also changes it in east/.test(offered.title)),
      titles(shared).join('\n'),
    );
  });
});

describe('MESH111 segment-scope-without-segment on a shared base', () => {
  test("`global` for the cluster outside the segment goes through its overlay; the base's edit names the other cluster", () => {
    const before = `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["overlays/east"], segment: payments }
        west: { paths: ["overlays/west"] }
      segments:
        payments: { domain: payments.mesh }
      //- base/kustomization.yaml
      resources: [ledger.yaml]
      //- base/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        labels:
          solo.io/service-scope: segment
      spec:
        ports: [{ port: 80 }]
      //- overlays/east/kustomization.yaml
      namespace: finance
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      namespace: finance
      resources: [../../base]
    `;
    const { fixes } = offeredFixesFor(before, { code: 'MESH111' });
    assert.deepEqual(
      fixes.map((fix) => [
        fix.title.replace(/ \(raises [^)]*\)$/, ''),
        fix.changes.map((change) => change.file),
      ]),
      [
        [
          'Change the scope to `global` (patch in overlays/west/kustomization.yaml)',
          ['overlays/west/kustomization.yaml'],
        ],
        ['Change the scope to `global` (shared: also changes it in east)', ['base/ledger.yaml']],
      ],
    );
    assert.ok(!fixes[1]?.preferred, 'the shared base is never the preferred fix');
  });
});

describe('values an overlay wrote are fixed where they are written', () => {
  test("MESH110: an invalid scope in an overlay's labels is replaced there", () => {
    checkFix(
      `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
      spec:
        ports: [{ port: 9080 }]
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      labels:
        - pairs: { solo.io/service-scope: globl }
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      labels:
        - pairs: { solo.io/service-scope: global }
    `,
      `
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      labels:
        - pairs: { solo.io/service-scope: global }
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
      spec:
        ports: [{ port: 9080 }]
    `,
      { code: 'MESH110' },
    );
  });

  test("MESH161: an invalid takeover in one overlay's patch is set, or removed, in that patch", () => {
    const before = `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels: { solo.io/service-scope: global }
      spec:
        ports: [{ port: 9080 }]
      //- overlays/east/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      namespace: bookinfo
      resources: [../../base]
      patches:
        - path: takeover.yaml
      //- overlays/west/takeover.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels:
          solo.io/service-takeover: "yes please"
    `;
    checkFix(
      before,
      `
      //- overlays/west/takeover.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels:
          solo.io/service-takeover: "true"
    `,
      { code: 'MESH161' },
    );
    const removal = offeredFixesFor(before, { code: 'MESH161' }).fixes.find((fix) =>
      fix.title.startsWith('Remove solo.io/service-takeover'),
    );
    assert.deepEqual(
      removal?.changes.map((change) => change.file),
      ['overlays/west/takeover.yaml'],
    );
  });
});

describe('MESH104 name-transform-splits-service', () => {
  test('removing a prefix that renames more than the split Services is a suggestion naming them', () => {
    const { fixes } = offeredFixesFor(
      `
      //- base/kustomization.yaml
      resources: [reviews.yaml]
      //- base/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: reviews-config
        namespace: bookinfo
      //- overlays/east/kustomization.yaml
      resources: [../../base]
      //- overlays/west/kustomization.yaml
      namePrefix: west-
      resources: [../../base]
    `,
      { code: 'MESH104' },
    );
    assert.deepEqual(
      fixes.map((fix) => [fix.title, fix.preferred, fix.suggestion]),
      [
        [
          'Remove namePrefix `west-` from overlays/west/kustomization.yaml (also renames ConfigMap bookinfo/west-reviews-config)',
          false,
          true,
        ],
      ],
    );
  });
});
