import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import picomatch from 'picomatch';
import { createWorkspace, getModel, runChecks, setFile } from '../../shared/src';
import { globTest, placeFile } from '../../shared/src/topology/placement';
import { readTopologyFile } from '../../shared/src/topology/topology-file';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { assertAnnotatedFindings } from '../helpers/checks';
import { modelFrom } from '../helpers/fixture';

// SPEC §9 (1): the topology file's paths may overlap, a path entry may give a default namespace,
// and a file matched by several clusters is placed in each.

const service = (name: string, labels = '') => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}${labels}
spec:
  selector: { app: ${name} }
  ports: [{ port: 80 }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector: { matchLabels: { app: ${name} } }
  template: { metadata: { labels: { app: ${name} } } }
`;

describe('placements from the topology file (SPEC §9)', () => {
  test('a file matched by two clusters is placed in both, each with its own instance', () => {
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["shared/**", "east/**"] }
        west: { paths: ["shared/**", "west/**"] }
      //- shared/web.yaml
      ${service('web', '\n  labels: { solo.io/service-scope: global }')}
    `);
    const instances = model.servicesByName.get('default/web') ?? [];
    assert.deepEqual(
      instances.map((instance) => [instance.cluster, instance.endpoints, instance.hostname]),
      [
        ['east', 1, 'web.default.mesh.internal'],
        ['west', 1, 'web.default.mesh.internal'],
      ],
    );
    assert.deepEqual(instances[0]?.placement.clusters, ['east', 'west'], 'each instance knows it is shared');
    assert.equal(model.globalServices.get('web.default.mesh.internal')?.instances.length, 2);
  });

  test("a path entry's namespace is where manifests without one land (kubectl apply -n)", () => {
    const model = modelFrom(`
      //- mesh-topology.yaml
      clusters:
        east: { paths: [{ glob: "apps/**", namespace: sample }] }
        west: { paths: [{ glob: "apps/**" }] }
      //- apps/helloworld.yaml
      ${service('helloworld', '\n  labels: { solo.io/service-scope: global }')}
      //- apps/namespace.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: sample
    `);
    const clusters = (key: string) =>
      (model.servicesByName.get(key) ?? []).map((instance) => instance.cluster);
    assert.deepEqual(clusters('sample/helloworld'), ['east']);
    assert.deepEqual(
      clusters('default/helloworld'),
      ['west'],
      'an entry without a namespace keeps `default`',
    );
    assert.ok(model.globalServices.has('helloworld.sample.mesh.internal'));
    const [east] = model.servicesByName.get('sample/helloworld') ?? [];
    assert.equal(east?.endpoints, 1, 'the Deployment lands in the same namespace and backs the Service');
    assert.equal(east?.resource.namespace?.file, 'mesh-topology.yaml', 'the namespace says where it was set');
    assert.ok(
      model.namespaces.some((namespace) => namespace.name === 'sample' && namespace.cluster === 'east'),
      'a Namespace is cluster-scoped: no default namespace applies to it',
    );
  });

  test('a finding about a file placed in two clusters names the cluster at fault', () => {
    assertAnnotatedFindings(`
      //- mesh-topology.yaml
      clusters:
        east: { paths: [{ glob: "apps/**", namespace: shop }, "east/**"] }
        west: { paths: [{ glob: "apps/**", namespace: shop }] }
      //- apps/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
      #       ^^^^ warning MESH101 cart is not exported in west
      spec:
        selector: { app: cart }
      //- east/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: { solo.io/service-scope: global }
    `);
  });
});

describe('placements kept across topology edits', () => {
  const topology = (prefix: string, glob = 'east/**', links = '') =>
    readTopologyFile(
      parseFile(
        'mesh-topology.yaml',
        `${prefix}clusters:\n  east: { paths: [{ glob: "${glob}", namespace: shop }] }\n  west: { paths: ["west/**"] }\n${links}`,
      ),
    );

  test('an edit that leaves the clusters and their paths as they were keeps every placement', () => {
    const file = parseFile('east/web.yaml', service('web'));
    const before = placeFile(file, topology(''));
    assert.equal(placeFile(file, topology('', 'east/**', 'links:\n  - { between: [east, west] }\n')), before);
    // Moved down a line: the entry a placement points at moved.
    const moved = placeFile(file, topology('# the mesh\n'));
    assert.notEqual(moved, before);
    assert.equal(moved[0]?.entry?.range.start.line, 2);
    assert.equal(moved[0]?.namespace?.range.start.line, 2);
    // Another glob: no path entry matches and there is no `clusters/<name>/` folder: the implicit default.
    const elsewhere = placeFile(file, topology('', 'other/**'));
    assert.deepEqual(
      elsewhere.map((placement) => [placement.cluster, placement.via]),
      [['default', 'default']],
    );
  });

  test('after a links-only edit the findings are those of a fresh workspace', () => {
    const files: Record<string, string> = {
      'mesh-topology.yaml': 'clusters:\n  east: { paths: ["east/**"] }\n  west: { paths: ["west/**"] }\n',
      'east/web.yaml': service('web', '\n  labels: { solo.io/service-scope: global }'),
      'west/web.yaml': service('web'),
    };
    const workspace = createWorkspace();
    for (const [path, text] of Object.entries(files)) setFile(workspace, path, text);
    runChecks(getModel(workspace));
    files['mesh-topology.yaml'] += 'links:\n  - { between: [east, nowhere] }\n';
    setFile(workspace, 'mesh-topology.yaml', files['mesh-topology.yaml']);
    const fresh = createWorkspace();
    for (const [path, text] of Object.entries(files)) setFile(fresh, path, text);
    const described = (workspace: ReturnType<typeof createWorkspace>) =>
      JSON.parse(
        JSON.stringify(runChecks(getModel(workspace)).map(({ fixes: _fixes, ...finding }) => finding)),
      );
    const findings = described(workspace);
    assert.ok(findings.some((finding: { code: string }) => finding.code === 'MESH191'));
    assert.deepEqual(findings, described(fresh));
  });
});

describe('path globs', () => {
  test("a path entry's glob matches exactly what picomatch's matcher matches", () => {
    const globs = [
      'clusters/east/**',
      'apps/*.yaml',
      'shared',
      '**/base/**',
      'a/{b,c}/d.yml',
      '.hidden/**',
      'x/[ab]*',
      '*',
    ];
    const paths = [
      'clusters/east/web.yaml',
      'clusters/east',
      'clusters/eastern/a.yaml',
      'apps/web.yaml',
      'apps/a/b.yaml',
      'shared',
      'shared/x.yaml',
      'a/base/b/c.yaml',
      'base/k.yaml',
      'a/b/d.yml',
      'a/c/d.yml',
      'a/e/d.yml',
      '.hidden/.x/y.yaml',
      'x/ab',
      'x/c',
      'top.yaml',
      '',
      '.dot.yaml',
    ];
    for (const glob of globs) {
      const matcher = picomatch(glob, { dot: true });
      const test = globTest(glob);
      for (const path of paths) assert.equal(test(path), matcher(path), `${glob} on ${JSON.stringify(path)}`);
    }
  });
});
