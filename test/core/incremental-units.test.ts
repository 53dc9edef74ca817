import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Analysis, getModel, setFile, type Workspace } from '../../shared/src';
import { analyseWorkspace } from '../../shared/src/analysis/analyse-workspace';
import { tableOf, UnitShard } from '../../shared/src/model/unit-table';
import {
  CLUSTERS,
  codesIn,
  deploymentDoc,
  edit,
  name,
  namespaceDoc,
  routeDoc,
  SERVICES,
  serviceDoc,
  servicePath,
  setup,
  THROW,
} from '../helpers/big-namespace';
import { seededRandom } from '../helpers/seeded-random';

// A big namespace keeps its units (names) in a table (model/unit-table.ts), and an edit rebuilds the
// slices of the names it touches instead of assembling the namespace. Each step below is held to a
// fresh full run — findings with their fixes, the files reported as changed, and every list of the
// model in order (test/helpers/big-namespace.ts) — and, where the edit can be taken by the table,
// checks that it was.

/** Asserts that the last update made the namespace from its table (not by assembling its files). */
function fromTable(workspace: Workspace): void {
  const shard = getModel(workspace).shards.get('shop');
  assert.ok(shard instanceof UnitShard && tableOf(shard), 'the namespace was updated from its table');
}

function withService(text: string, from: string, to: string): string {
  const renamed = text.replace(
    `kind: Service\nmetadata:\n  name: ${from}\n`,
    `kind: Service\nmetadata:\n  name: ${to}\n`,
  );
  assert.notEqual(renamed, text, `no Service ${from}`);
  return renamed;
}

test('units: renaming a Service rebuilds both names, and the services by name follow', () => {
  const { files, workspace, analysis } = setup();
  const path = servicePath('east', 40);
  const original = files.get(path) ?? '';
  const renamed = edit(workspace, files, analysis, {
    [path]: withService(original, 'svc-040', 'svc-040-new'),
  });
  fromTable(workspace);
  const model = getModel(workspace);
  assert.deepEqual(
    model.servicesByName.get('shop/svc-040')?.map((instance) => instance.cluster),
    ['west'],
  );
  assert.deepEqual(
    model.servicesByName.get('shop/svc-040-new')?.map((instance) => instance.cluster),
    ['east'],
  );
  assert.ok(model.globalServices.has('svc-040-new.shop.mesh.internal'));
  assert.ok(renamed.rechecked <= 4, `${renamed.rechecked} cells re-checked`);
  const back = edit(workspace, files, renamed.analysis, { [path]: original });
  fromTable(workspace);
  assert.equal(getModel(workspace).servicesByName.get('shop/svc-040-new'), undefined);
  assert.ok(!getModel(workspace).globalServices.has('svc-040-new.shop.mesh.internal'));
  assert.deepEqual(codesIn(back.analysis, path), []);
});

test('units: a Service moved onto another name becomes its duplicate, and moves back', () => {
  const { files, workspace, analysis } = setup();
  const path = servicePath('east', 50);
  const original = files.get(path) ?? '';
  const moved = edit(workspace, files, analysis, { [path]: withService(original, 'svc-050', 'svc-051') });
  fromTable(workspace);
  assert.ok(
    codesIn(moved.analysis, servicePath('east', 51)).includes('MESH105'),
    'two Services svc-051 in east: the later file has the duplicate',
  );
  assert.equal(
    getModel(workspace)
      .servicesByName.get('shop/svc-051')
      ?.filter((instance) => instance.cluster === 'east').length,
    2,
  );
  const back = edit(workspace, files, moved.analysis, { [path]: original });
  fromTable(workspace);
  assert.deepEqual(codesIn(back.analysis, path), []);
});

test('units: selector and label changes move endpoints between Services', () => {
  const { files, workspace, analysis } = setup();
  let previous: Analysis = analysis;
  // svc-060 in east now selects svc-061's pods; its own Deployment is selected by nothing.
  const selectorPath = servicePath('east', 60);
  const selectorText = (files.get(selectorPath) ?? '').replace(
    'selector: { app: svc-060 }',
    'selector: { app: svc-061 }',
  );
  previous = edit(workspace, files, previous, { [selectorPath]: selectorText }).analysis;
  fromTable(workspace);
  const svc060 = getModel(workspace)
    .servicesByName.get('shop/svc-060')
    ?.find((instance) => instance.cluster === 'east');
  assert.deepEqual(
    svc060?.workloads.map((workload) => workload.name),
    ['svc-061'],
  );
  // svc-062's Deployment in east is labelled for svc-063: svc-062 loses its endpoints there.
  const labelPath = servicePath('east', 62);
  const labelText = (files.get(labelPath) ?? '').replace(
    deploymentDoc('svc-062', 'svc-062'),
    deploymentDoc('svc-062', 'svc-063', 2),
  );
  previous = edit(workspace, files, previous, { [labelPath]: labelText }).analysis;
  fromTable(workspace);
  assert.ok(
    previous.findings().some((finding) => finding.code === 'MESH170' && finding.message.includes('svc-062')),
    'svc-062 has no ready endpoints in east',
  );
  // A second Deployment for svc-071, added to svc-070's file (which comes first).
  const addedPath = servicePath('west', 70);
  const added = `${files.get(addedPath) ?? ''}---\n${deploymentDoc('extra', 'svc-071', 3)}`;
  previous = edit(workspace, files, previous, { [addedPath]: added }).analysis;
  fromTable(workspace);
  const svc071 = getModel(workspace)
    .servicesByName.get('shop/svc-071')
    ?.find((instance) => instance.cluster === 'west');
  assert.deepEqual(
    svc071?.workloads.map((workload) => workload.name),
    ['extra', 'svc-071'],
    'in the order of files (svc-070.yaml first)',
  );
  // Every edit undone at once: one update of three files.
  const original = setup().files;
  edit(workspace, files, previous, {
    [selectorPath]: original.get(selectorPath),
    [labelPath]: original.get(labelPath),
    [addedPath]: original.get(addedPath),
  });
  fromTable(workspace);
});

test('units: a file deleted and added back, then edited from the rebuilt namespace', () => {
  const { files, workspace, analysis } = setup();
  const path = servicePath('west', 80);
  const original = files.get(path) ?? '';
  // A file added or deleted rebuilds the model (it may make or unmake a cluster).
  const deleted = edit(workspace, files, analysis, { [path]: undefined }, false);
  assert.ok(
    !getModel(workspace)
      .servicesByName.get('shop/svc-080')
      ?.some((instance) => instance.cluster === 'west'),
  );
  const added = edit(workspace, files, deleted.analysis, { [path]: original }, false);
  // The rebuilt namespace keeps a table again: the next edit is taken by it.
  const edited = edit(workspace, files, added.analysis, {
    [path]: original.replace('solo.io/service-scope: global', 'solo.io/service-scope: globl'),
  });
  fromTable(workspace);
  assert.ok(codesIn(edited.analysis, path).includes('MESH110'));
});

test('units: namespace-wide settings assemble the namespace, and edits after them use its table again', () => {
  const { files, workspace, analysis } = setup();
  const namespacePath = 'clusters/east/namespace.yaml';
  let previous: Analysis = analysis;
  // A label no Service inherits: the namespace stays split, assembled once from its files.
  previous = edit(workspace, files, previous, { [namespacePath]: namespaceDoc('team: shop') }).analysis;
  assert.ok(!previous.shards.has('shop'), 'still checked in cells');
  const path = servicePath('east', 90);
  previous = edit(workspace, files, previous, {
    [path]: (files.get(path) ?? '').replace(
      'solo.io/service-scope: global',
      'solo.io/service-scope: cluster',
    ),
  }).analysis;
  fromTable(workspace);
  // Settings every Service inherits make it one cell; a Service edit then re-checks all of it.
  for (const labels of ['solo.io/service-takeover: "true"', 'solo.io/service-scope: global']) {
    previous = edit(workspace, files, previous, { [namespacePath]: namespaceDoc(labels) }).analysis;
    assert.ok(previous.shards.has('shop'), `one cell with ${labels}`);
    previous = edit(workspace, files, previous, {
      [path]: (files.get(path) ?? '').replace(/service-scope: \w+/, 'service-scope: global'),
    }).analysis;
  }
  const annotated = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: { networking.istio.io/traffic-distribution: PreferNetwork }\n`;
  previous = edit(workspace, files, previous, { [namespacePath]: annotated }).analysis;
  assert.ok(previous.shards.has('shop'), 'one cell with a traffic distribution');
  previous = edit(workspace, files, previous, { [namespacePath]: namespaceDoc() }).analysis;
  assert.ok(!previous.shards.has('shop'), 'split again');
  edit(workspace, files, previous, {
    [path]: (files.get(path) ?? '').replace(/service-scope: \w+/, 'service-scope: cluster'),
  });
  fromTable(workspace);
});

/** One random edit of one Service file: what it does to the text. */
const EDITS: ((text: string, index: number, pick: (count: number) => number) => string)[] = [
  (text) =>
    text.replace(/service-scope: \w+/, (label) =>
      label.endsWith('global') ? 'service-scope: cluster' : 'service-scope: global',
    ),
  (text, index) => text.replace(`name: ${name(index)}\n`, `name: ${name(index)}-r\n`),
  (text, _index, pick) =>
    text.replace(/selector: \{ app: [\w-]+ \}/, `selector: { app: ${name(pick(SERVICES) + 1)} }`),
  (text, _index, pick) =>
    text.replace(/labels: \{ app: [\w-]+ \}/, `labels: { app: ${name(pick(SERVICES) + 1)} }`),
  (text, _index, pick) => text.replace(/replicas: \d+/, `replicas: ${pick(3)}`),
  (text, index, pick) =>
    `${text}---\n${routeDoc(`${name(index)}-r${pick(100)}`, `${name(pick(SERVICES) + 1)}${pick(2) ? 'x' : ''}.shop.mesh.internal`)}`,
  (text, _index, pick) =>
    `${text}---\n${serviceDoc(name(pick(SERVICES) + 1), pick(2) ? 'global' : undefined)}`,
  (text) => text.split('---\n').slice(0, 2).join('---\n'),
];

test('units: a random run of edits keeps every step equal to a fresh run', () => {
  const { files, workspace, analysis } = setup();
  const next = seededRandom(18);
  const pick = (count: number) => Math.floor(next() * count);
  let previous: Analysis = analysis;
  for (let step = 0; step < 12; step++) {
    const changes: Record<string, string> = {};
    // One file, sometimes two at once.
    for (let count = pick(3) === 0 ? 2 : 1; count > 0; count--) {
      const index = pick(SERVICES) + 1;
      const path = servicePath(CLUSTERS[pick(2)] as string, index);
      const text = changes[path] ?? files.get(path) ?? '';
      const edited = (EDITS[pick(EDITS.length)] as (typeof EDITS)[number])(text, index, pick);
      changes[path] = edited;
    }
    previous = edit(workspace, files, previous, changes).analysis;
  }
  fromTable(workspace);
});

test('units: MESH121’s suggestions follow the hostnames that come and go', () => {
  const { files, workspace, analysis } = setup();
  const typo = servicePath('east', 3);
  const suggestion = (step: Analysis) =>
    step
      .findings()
      .find((finding) => finding.code === 'MESH121' && finding.file === typo)
      ?.message.split('Did you mean ')[1];
  assert.match(suggestion(analysis) ?? '', /^`svc-004\.shop\.mesh\.internal`/);
  const unexport = (index: number) =>
    Object.fromEntries(
      CLUSTERS.map((cluster) => [
        servicePath(cluster, index),
        (files.get(servicePath(cluster, index)) ?? '').replace(
          /service-scope: \w+/,
          'service-scope: cluster',
        ),
      ]),
    );
  const version = getModel(workspace).hostnameVersion;
  const gone = edit(workspace, files, analysis, unexport(4)).analysis;
  assert.notEqual(getModel(workspace).hostnameVersion, version, 'a hostname went away');
  assert.doesNotMatch(suggestion(gone) ?? '', /svc-004\.shop/);
  // A closer name appears elsewhere in the namespace.
  const other = servicePath('west', 5);
  const closer = edit(workspace, files, gone, {
    [other]: `${files.get(other)}---\n${serviceDoc('svc-004y', 'global')}`,
  }).analysis;
  assert.match(suggestion(closer) ?? '', /^`svc-004y\.shop\.mesh\.internal`/);
  // An edit that changes no hostname keeps the version.
  const kept = getModel(workspace).hostnameVersion;
  const replicas = servicePath('west', 6);
  edit(workspace, files, closer, {
    [replicas]: (files.get(replicas) ?? '').replace('replicas: 1', 'replicas: 2'),
  });
  assert.equal(getModel(workspace).hostnameVersion, kept);
  fromTable(workspace);
});

test('units: a rebuild that leaves the hostnames as they were keeps their version, and so MESH121’s suggestions', () => {
  const { files, workspace, analysis } = setup();
  const version = getModel(workspace).hostnameVersion;
  const topology = files.get('mesh-topology.yaml') ?? '';
  // A topology edit that moves the clusters' paths builds the model again from nothing (the old one
  // is let go first); one that leaves them would keep every shard (test/core/topology-edits.test.ts).
  setFile(workspace, 'mesh-topology.yaml', `# a comment\n${topology}`);
  const rebuilt = analyseWorkspace(workspace, analysis, THROW);
  assert.equal(rebuilt.changedFiles, 'all', 'the topology edit rebuilt the model');
  assert.equal(getModel(workspace).hostnameVersion, version);
  assert.deepEqual(
    rebuilt.analysis.findings().map((finding) => finding.message),
    analysis.findings().map((finding) => finding.message),
  );
  // One that changes them gets another: the Service unexported in every cluster.
  for (const cluster of CLUSTERS) {
    const path = servicePath(cluster, 7);
    setFile(workspace, path, (files.get(path) ?? '').replace(/service-scope: \w+/, 'service-scope: cluster'));
  }
  setFile(workspace, 'mesh-topology.yaml', topology);
  analyseWorkspace(workspace, rebuilt.analysis, THROW);
  assert.notEqual(getModel(workspace).hostnameVersion.id, version.id);
});
