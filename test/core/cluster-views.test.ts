import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MeshLens } from '../../shared/src';
import { parseFixture } from '../../shared/src/text/inline-workspace';
import { exampleHost } from '../helpers/example-host';
import { exampleWorkspace, kustomizeExample } from '../helpers/paths';

// The Clusters and Problems-by-cluster views (issue #19) read the model's placements: every way a
// file reaches a cluster (SPEC §6, §9) is an entry point, and a problem is listed under the clusters
// its file lands in.

const entries = (root: string) =>
  exampleHost(root)
    .snapshot()
    .clusters()
    .map((cluster) => [cluster.name, cluster.entries.map((entry) => [entry.via, entry.label, entry.files])]);

describe('the clusters view', () => {
  test('bookinfo: each cluster entered through its topology path entry', () => {
    assert.deepEqual(entries(exampleWorkspace), [
      [
        'cluster0',
        [
          [
            'topology',
            'mesh-topology.yaml:3',
            [
              'clusters/cluster0/namespace.yaml',
              'clusters/cluster0/productpage.yaml',
              'clusters/cluster0/ratings.yaml',
              'clusters/cluster0/reviews-route.yaml',
            ],
          ],
        ],
      ],
      [
        'cluster1',
        [
          [
            'topology',
            'mesh-topology.yaml:4',
            ['clusters/cluster1/ratings.yaml', 'clusters/cluster1/reviews-v1.yaml'],
          ],
        ],
      ],
      [
        'cluster2',
        [
          [
            'topology',
            'mesh-topology.yaml:5',
            ['clusters/cluster2/namespace.yaml', 'clusters/cluster2/reviews.yaml'],
          ],
        ],
      ],
    ]);
  });

  test('kustomize: the shared base is listed under each overlay that places it', () => {
    assert.deepEqual(entries(kustomizeExample), [
      [
        'cluster1',
        [
          [
            'kustomize',
            'overlays/cluster1/kustomization.yaml',
            ['base/ratings.yaml', 'base/reviews.yaml', 'overlays/cluster1/route.yaml'],
          ],
        ],
      ],
      [
        'cluster2',
        [['kustomize', 'overlays/cluster2/kustomization.yaml', ['base/ratings.yaml', 'base/reviews.yaml']]],
      ],
      [
        'cluster3',
        [['kustomize', 'overlays/cluster3/kustomization.yaml', ['base/ratings.yaml', 'base/reviews.yaml']]],
      ],
    ]);
  });

  test('without a topology file: the clusters/<name>/ convention, a modeline and the default cluster', () => {
    const host = new MeshLens();
    const files = parseFixture(`
      //- clusters/east/a.yaml
      { apiVersion: v1, kind: ConfigMap, metadata: { name: a } }
      //- apps/b.yaml
      # mesh-lens: cluster=west
      { apiVersion: v1, kind: ConfigMap, metadata: { name: b } }
      //- apps/c.yaml
      { apiVersion: v1, kind: ConfigMap, metadata: { name: c } }
    `);
    host.applyChange({ set: files.map((file) => [file.path, file.text] as const) });
    const rows = host.snapshot().clusters();
    const byName = new Map(
      rows.map((row) => [row.name, row.entries.map((entry) => [entry.label, entry.files])]),
    );
    assert.deepEqual(byName.get('east'), [['clusters/east/', ['clusters/east/a.yaml']]]);
    assert.deepEqual(byName.get('west'), [['modeline (# mesh-lens: cluster=…)', ['apps/b.yaml']]]);
    assert.deepEqual(byName.get('default'), [['default', ['apps/c.yaml']]]);
  });
});

describe('one grouping for the clusters view and mesh-lens topology', () => {
  test('two controllers in one file are two entry points in both, told apart by their line', () => {
    const host = new MeshLens();
    const files = parseFixture(`
      //- clusters/east/apps.yaml
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: apps }
      spec: { path: ./deploy, targetNamespace: shop }
      ---
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: { name: jobs }
      spec: { path: ./jobs, targetNamespace: shop }
      //- deploy/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart } }
      //- deploy/values.yaml
      replicas: 2
      //- jobs/report.yaml
      { apiVersion: batch/v1, kind: Job, metadata: { name: report } }
    `);
    host.applyChange({ set: files.map((file) => [file.path, file.text] as const) });
    const snapshot = host.snapshot();
    const viewed = (snapshot.clusters().find((row) => row.name === 'east')?.entries ?? [])
      .filter((entry) => entry.via === 'gitops')
      .map((entry) => [entry.label, entry.files]);
    const printed = (snapshot.placements().find((row) => row.cluster === 'east')?.entries ?? [])
      .filter((entry) => entry.kind === 'flux')
      .map((entry) => [`${entry.file}:${(entry.range?.start.line ?? -1) + 1}`, entry.files, entry.kinds]);
    assert.deepEqual(viewed, [
      ['clusters/east/apps.yaml:3', ['deploy/cart.yaml', 'deploy/values.yaml']],
      ['clusters/east/apps.yaml:8', ['jobs/report.yaml']],
    ]);
    // The same entry points; `mesh-lens topology` leaves out the file that places no object.
    assert.deepEqual(printed, [
      ['clusters/east/apps.yaml:3', ['deploy/cart.yaml'], { Service: 1 }],
      ['clusters/east/apps.yaml:8', ['jobs/report.yaml'], { Job: 1 }],
    ]);
  });
});

describe('problems by cluster', () => {
  const problems = (root: string) =>
    exampleHost(root)
      .snapshot()
      .problemsByCluster()
      .map((row) => [
        row.cluster,
        row.files.flatMap((file) => file.problems.map((problem) => `${file.file} ${problem.code}`)),
      ]);

  test("bookinfo: each finding under its file's cluster", () => {
    assert.deepEqual(problems(exampleWorkspace), [
      [
        'cluster0',
        ['clusters/cluster0/reviews-route.yaml MESH120', 'clusters/cluster0/reviews-route.yaml MESH140'],
      ],
      ['cluster1', ['clusters/cluster1/ratings.yaml MESH101']],
      ['cluster2', ['clusters/cluster2/reviews.yaml MESH130']],
    ]);
  });

  test("kustomize: a base's finding under every cluster it lands in, an overlay's under its own", () => {
    assert.deepEqual(problems(kustomizeExample), [
      [
        'cluster1',
        ['base/ratings.yaml MESH101', 'base/reviews.yaml MESH101', 'overlays/cluster1/route.yaml MESH120'],
      ],
      ['cluster2', ['base/ratings.yaml MESH101', 'base/reviews.yaml MESH101']],
      [
        'cluster3',
        [
          'base/ratings.yaml MESH101',
          'base/reviews.yaml MESH101',
          'overlays/cluster3/kustomization.yaml MESH104',
          'overlays/cluster3/kustomization.yaml MESH104',
        ],
      ],
    ]);
  });

  test('a finding in a file placed nowhere (the topology file) is listed without a cluster', () => {
    const host = new MeshLens();
    const files = parseFixture(`
      //- mesh-topology.yaml
      clusters:
        - name: east
          paths: [east/**]
          network: [oops]
    `);
    host.applyChange({ set: files.map((file) => [file.path, file.text] as const) });
    const rows = host.snapshot().problemsByCluster();
    assert.ok(rows.length > 0, 'the malformed topology file has a finding');
    const last = rows.at(-1);
    assert.equal(last?.cluster, undefined);
    assert.deepEqual(
      last?.files.map((file) => file.file),
      ['mesh-topology.yaml'],
    );
  });
});
