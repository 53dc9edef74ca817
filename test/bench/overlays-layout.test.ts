import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type GenOptions, generateWorkspace, type Layout } from '../../bench/generate';
import { createWorkspace, getModel, type MeshModel, setFile } from '../../shared/src';

// Issue #15: the benchmark compares the cold start of one mesh written two ways, plain per-cluster
// folders and Kustomize base + overlays. The comparison means something only if Mesh Lens sees the
// same mesh in both: the same services in the same clusters, exported alike, with the same endpoints,
// and every cluster receiving as many objects.

function modelOf(options: GenOptions, layout: Layout): MeshModel {
  const generated = generateWorkspace(options, layout);
  const workspace = createWorkspace();
  for (const [path, text] of generated.files) setFile(workspace, path, text);
  return getModel(workspace);
}

/** Each Service instance as the mesh sees it, sorted: where it runs, whether and how it is exported, its endpoints. */
function services(model: MeshModel): string[] {
  return model.services
    .map(
      (service) =>
        `${service.cluster} ${service.namespace}/${service.name} ${service.exportScope ?? 'not exported'} ${service.hostname ?? '-'} endpoints=${service.endpoints}`,
    )
    .sort();
}

/** How many objects each cluster receives, over every file's placements. */
function objectsPerCluster(model: MeshModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of model.files.values())
    for (const placement of file.placements)
      counts[placement.cluster] = (counts[placement.cluster] ?? 0) + placement.resources.length;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const viaKustomize = (model: MeshModel) =>
  [...model.files.values()].flatMap((file) => file.placements).filter((p) => p.via === 'kustomize').length;

describe('the generator’s overlays layout (bench/generate-overlays.ts)', () => {
  // Six clusters: two segments, one-way links; enough services that every per-cluster difference
  // the overlays patch (replicas, own scope, takeover, distribution, ports, selector typos, service
  // accounts, namespace labels forgotten in one cluster) occurs at least once across the seeds.
  const cases: GenOptions[] = [
    { clusters: 6, namespaces: 6, services: 10, seed: 1 },
    { clusters: 3, namespaces: 8, services: 12, seed: 7 },
  ];
  for (const options of cases) {
    const label = `${options.clusters} clusters × ${options.namespaces} namespaces × ${options.services} services, seed ${options.seed}`;
    test(`the same services per cluster as the plain layout (${label})`, () => {
      const plain = modelOf(options, 'plain');
      const overlays = modelOf(options, 'overlays');
      assert.equal(viaKustomize(plain), 0);
      // Not vacuous: the overlays' objects come through their kustomizations, none left unrendered.
      assert.ok(viaKustomize(overlays) > options.clusters);
      assert.deepEqual(
        overlays.findings.filter((finding) => finding.code === 'MESH192').map((f) => f.message),
        [],
      );
      assert.ok(plain.services.some((service) => service.exportScope !== undefined));
      assert.ok(plain.services.some((service) => service.exportScope === undefined));
      assert.deepEqual(services(overlays), services(plain));
      assert.deepEqual(objectsPerCluster(overlays), objectsPerCluster(plain));
      assert.deepEqual([...overlays.topology.clusters.keys()], [...plain.topology.clusters.keys()]);
    });
  }

  test('the plain layout is the default, and each layout is deterministic', () => {
    const options = { clusters: 3, namespaces: 2, services: 3, seed: 2 };
    const plain = generateWorkspace(options);
    assert.equal(plain.layout, 'plain');
    assert.ok([...plain.files.keys()].every((path) => !path.startsWith('overlays/')));
    const overlays = generateWorkspace(options, 'overlays');
    assert.ok(overlays.files.has('overlays/cluster-01/kustomization.yaml'));
    assert.ok([...overlays.files.keys()].every((path) => !path.startsWith('clusters/')));
    assert.equal(overlays.resources, plain.resources);
    assert.deepEqual(generateWorkspace(options, 'overlays').files, overlays.files);
  });
});
