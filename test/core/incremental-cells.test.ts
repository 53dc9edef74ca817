import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyseWorkspace,
  type Finding,
  getModel,
  MeshLens,
  type Workspace,
  withCurrentFixes,
} from '../../shared/src';
import { cellLayout, cellOfUnit } from '../../shared/src/model/cells';
import {
  bigNamespace,
  codesIn,
  deploymentDoc,
  edit,
  name,
  type Step,
  serviceDoc,
  servicePath,
  setup,
  THROW,
  workspaceOf,
} from '../helpers/big-namespace';

// A big namespace is checked cell by cell (model/cells.ts): an edit re-checks the cells of the names
// it touches, not the namespace. Every step below compares the incremental findings (fixes included)
// and model with a fresh full run, checks that every file whose findings changed is reported as
// changed, and counts how many cells were checked again (test/helpers/big-namespace.ts).

test('cells: a Service edit re-checks the cells of its name, and its sibling’s finding follows', () => {
  const { files, workspace, analysis } = setup();
  assert.deepEqual(codesIn(analysis, 'clusters/west/svc-001.yaml'), ['MESH101']);
  const east = 'clusters/east/svc-001.yaml';
  const unexported = (files.get(east) ?? '').replace(
    'solo.io/service-scope: global',
    'solo.io/service-scope: cluster',
  );
  const first = edit(workspace, files, analysis, { [east]: unexported });
  assert.deepEqual(codesIn(first.analysis, 'clusters/west/svc-001.yaml'), []);
  assert.ok(first.rechecked <= 3, `${first.rechecked} cells re-checked`);
  const back = edit(workspace, files, first.analysis, { [east]: bigNamespace().get(east) });
  assert.deepEqual(codesIn(back.analysis, 'clusters/west/svc-001.yaml'), ['MESH101']);
});

test('cells: a workload whose labels start or stop matching another Service’s selector re-checks that Service', () => {
  const { files, workspace, analysis } = setup();
  const path = 'clusters/east/svc-150.yaml';
  const original = files.get(path) ?? '';
  // svc-150's Deployment now carries svc-151's label: svc-150 loses its endpoints in east, svc-151 gains a workload.
  const moved = original.replace(deploymentDoc('svc-150', 'svc-150'), deploymentDoc('svc-150', 'svc-151', 3));
  assert.notEqual(moved, original);
  const first = edit(workspace, files, analysis, { [path]: moved });
  assert.ok(
    first.analysis
      .findings()
      .some((finding) => finding.code === 'MESH170' && finding.message.includes('svc-150')),
    'svc-150 has no ready endpoints in east',
  );
  const model = getModel(workspace);
  const svc151 = model.servicesByName.get('shop/svc-151')?.find((instance) => instance.cluster === 'east');
  assert.deepEqual(
    svc151?.workloads.map((workload) => workload.name),
    ['svc-150', 'svc-151'],
    'svc-151 selects both Deployments, in the order of files',
  );
  // And back: the label stops matching svc-151's selector.
  const back = edit(workspace, files, first.analysis, { [path]: original });
  assert.ok(!back.analysis.findings().some((finding) => finding.code === 'MESH170'));
});

test('cells: a route’s hostname edit re-checks the cells of the names before and after', () => {
  const { files, workspace, analysis } = setup();
  const path = 'clusters/west/svc-020.yaml';
  const original = files.get(path) ?? '';
  const typo = original.replace('svc-021.shop.mesh.internal', 'svc-021x.shop.mesh.internal');
  const first = edit(workspace, files, analysis, { [path]: typo });
  assert.deepEqual(codesIn(first.analysis, path), ['MESH121']);
  assert.ok(first.rechecked <= 4, `${first.rechecked} cells re-checked`);
  const back = edit(workspace, files, first.analysis, { [path]: original });
  assert.deepEqual(codesIn(back.analysis, path), []);
});

test('cells: a Namespace label that Services inherit makes the namespace one cell again, and back', () => {
  const { files, workspace, analysis } = setup();
  const path = 'clusters/west/namespace.yaml';
  const original = files.get(path) ?? '';
  const labelled =
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: { solo.io/service-scope: global }\n';
  const first = edit(workspace, files, analysis, { [path]: labelled });
  assert.deepEqual(
    codesIn(first.analysis, 'clusters/west/svc-001.yaml'),
    [],
    'svc-001 now inherits the export',
  );
  assert.ok(first.analysis.shards.has('shop'), 'the namespace is one cell');
  const back = edit(workspace, files, first.analysis, { [path]: original });
  assert.ok(!back.analysis.shards.has('shop'), 'split again');
  assert.deepEqual(codesIn(back.analysis, 'clusters/west/svc-001.yaml'), ['MESH101']);
});

test('cells: a file holding several Services, added, edited, then deleted', () => {
  const { files, workspace, analysis } = setup();
  const path = 'clusters/east/extra.yaml';
  const several = [
    serviceDoc('extra-a', 'global'),
    serviceDoc('extra-b', 'globl'),
    serviceDoc('svc-001', 'global', 'other'),
    deploymentDoc('extra-a', 'extra-a'),
  ].join('---\n');
  const added = edit(workspace, files, analysis, { [path]: several }, false);
  assert.ok(codesIn(added.analysis, path).includes('MESH110'));
  assert.ok(codesIn(added.analysis, path).includes('MESH105'), 'svc-001 is now placed twice in east');
  const edited = edit(workspace, files, added.analysis, {
    [path]: several.replace('solo.io/service-scope: globl', 'solo.io/service-scope: global'),
  });
  assert.ok(!codesIn(edited.analysis, path).includes('MESH110'));
  assert.ok(edited.rechecked <= 6, `${edited.rechecked} cells re-checked`);
  const deleted = edit(
    workspace,
    files,
    edited.analysis,
    { [path]: undefined, 'clusters/west/svc-001.yaml': undefined },
    false,
  );
  assert.deepEqual(codesIn(deleted.analysis, path), []);
  assert.ok(
    !deleted.analysis.findings().some((finding) => finding.code === 'MESH101'),
    'svc-001 has no unlabeled sibling once west’s file is gone',
  );
});

test('cells: a run of edits across the namespace keeps equal to a fresh run', () => {
  const { files, workspace } = setup();
  let analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
  for (const index of [5, 77, 150, 299, 2, 3, 150]) {
    const path = `clusters/${index % 2 === 0 ? 'east' : 'west'}/${name(index)}.yaml`;
    const text = files.get(path) ?? '';
    const next = text.includes('solo.io/service-scope: global')
      ? text.replace('solo.io/service-scope: global', 'solo.io/service-scope: globl')
      : `${text}---\n${serviceDoc(`${name(index)}-b`, undefined, name(index + 1))}`;
    analysis = edit(workspace, files, analysis, { [path]: next }).analysis;
  }
});

test('cells: an unexported sibling’s cell is not checked again for an edit elsewhere in its namespace; its Namespace fix names what the label now also exports', () => {
  const { files, workspace, analysis } = setup();
  const model = getModel(workspace);
  const layout = cellLayout(model.shards.get('shop') ?? assert.fail('no shop shard'), model);
  const siblingCell = cellOfUnit(layout, name(1));
  // A Service of another cell, unlabeled in west: svc-001's Namespace fix would now export it too.
  const other = [...Array(300).keys()]
    .map((index) => index + 2)
    .find((index) => cellOfUnit(layout, name(index)) !== siblingCell) as number;
  const path = servicePath('west', other);
  const unlabeled = (files.get(path) ?? '').replace('\n  labels:\n    solo.io/service-scope: global', '');
  assert.notEqual(unlabeled, files.get(path));
  const namespaceFixOf = (findings: readonly Finding[]) =>
    findings
      .find((finding) => finding.code === 'MESH101' && finding.file === servicePath('west', 1))
      ?.fixes()
      .find((fix) => fix.title.startsWith('Label Namespace shop'))?.title;
  assert.equal(
    namespaceFixOf(analysis.findings()),
    'Label Namespace shop in west with solo.io/service-scope=global',
  );

  // `edit` holds the findings, with their fixes as offered, to a fresh run.
  const step = edit(workspace, files, analysis, { [path]: unlabeled });
  assert.equal(step.analysis.shards.get(siblingCell), analysis.shards.get(siblingCell), 'not checked again');
  assert.equal(
    namespaceFixOf(step.analysis.findings()),
    'Label Namespace shop in west with solo.io/service-scope=global',
    'the finding kept from before still has the fixes built then',
  );
  assert.equal(
    namespaceFixOf(withCurrentFixes(step.analysis, step.analysis.findings())),
    `Label Namespace shop in west with solo.io/service-scope=global (also exports ${name(other)})`,
  );
});

test('cells: the host offers an unexported sibling’s Namespace fix as the namespace is now', () => {
  const files = bigNamespace();
  const host = new MeshLens();
  host.applyChange({ set: [...files] });
  const path = servicePath('west', 1);
  const titles = () => {
    const snapshot = host.snapshot();
    const finding = snapshot
      .findingsOf([path])
      .get(path)
      ?.find((found) => found.code === 'MESH101');
    return snapshot.fixes(finding ?? assert.fail('no MESH101')).map((fix) => fix.title);
  };
  assert.ok(titles().includes('Label Namespace shop in west with solo.io/service-scope=global'));
  // Six Services of other cells than svc-001's, unlabeled in west at once.
  const model = getModel(workspaceOf(files));
  const layout = cellLayout(model.shards.get('shop') ?? assert.fail('no shop shard'), model);
  const indexes = [...Array(298).keys()]
    .map((index) => index + 3)
    .filter((index) => cellOfUnit(layout, name(index)) !== cellOfUnit(layout, name(1)))
    .slice(0, 6);
  const others = indexes.map((index) => servicePath('west', index));
  host.applyChange({
    set: others.map((other) => [
      other,
      (files.get(other) ?? '').replace('\n  labels:\n    solo.io/service-scope: global', ''),
    ]),
  });
  assert.ok(
    titles().includes(
      `Label Namespace shop in west with solo.io/service-scope=global (also exports ${indexes
        .slice(0, 4)
        .map(name)
        .join(', ')} and 2 more)`,
    ),
    titles().join('\n'),
  );
});

test('cells: an edit that touches most cells checks the namespace whole, and the next small edit splits it again', () => {
  const { files, workspace, analysis } = setup();
  // A file holding an object named after every Service: each name is a unit (model/shards.ts), so an
  // edit of that file touches every cell of the namespace.
  const path = EVERY_NAME;
  const added = edit(workspace, files, analysis, { [path]: configMapsOfEveryName('info') }, false);
  const shop = getModel(workspace).shards.get('shop');
  assert.ok(shop && cellLayout(shop, added.analysis.model).buckets > 1, 'the namespace is split');
  assert.ok(!added.analysis.busyShards.has('shop'));

  const wide = edit(workspace, files, added.analysis, { [path]: configMapsOfEveryName('debug') });
  assert.ok(wide.analysis.busyShards.has('shop'), 'checked whole');
  assert.ok(wide.analysis.wholeShards.has('shop'));
  assert.deepEqual(
    [...wide.analysis.shards.keys()].filter((key) => key.startsWith('shop')),
    ['shop'],
    'its findings are the whole namespace’s',
  );

  const east = servicePath('east', 10);
  const narrow = edit(workspace, files, wide.analysis, {
    [east]: (files.get(east) ?? '').replace('solo.io/service-scope: global', 'solo.io/service-scope: globl'),
  });
  assert.ok(!narrow.analysis.busyShards.has('shop'), 'split again');
  assert.ok(!narrow.analysis.wholeShards.has('shop'));
  assert.deepEqual(codesIn(narrow.analysis, east), ['MESH110']);

  const again = edit(workspace, files, narrow.analysis, { [east]: bigNamespace().get(east) });
  assert.ok(again.rechecked <= 3, `${again.rechecked} cells re-checked`);
});

test('cells: a differing second copy of a Service (MESH105) is found in its cell and checked whole, kept by edits elsewhere, and goes when the copies agree', () => {
  const { files, workspace, analysis } = setup();
  const copies = (step: Step) => codesIn(step.analysis, legacy).filter((code) => code === 'MESH105').length;
  const legacy = 'clusters/east/legacy/svc-042.yaml';
  const copyOf = (scope: string | undefined) =>
    [serviceDoc(name(42), scope), deploymentDoc(name(42), name(42))].join('---\n');
  // The copy lacks the scope label the first copy has: the Services differ, the Deployments do not.
  const added = edit(workspace, files, analysis, { [legacy]: copyOf(undefined) }, false);
  assert.equal(copies(added), 1);
  const wider = throughEditsElsewhere(workspace, files, added, copies, 1);

  // The copies agree: no finding, in the whole check and split again.
  const agreed = edit(workspace, files, wider.analysis, { [legacy]: copyOf('global') });
  assert.equal(copies(agreed), 0);
  const differs = edit(workspace, files, agreed.analysis, { [legacy]: copyOf('segment') });
  assert.equal(copies(differs), 1);
});

test('cells: a scope label on a Deployment (MESH112) is found in its cell and checked whole, kept by edits elsewhere, and goes when it is removed', () => {
  const { files, workspace, analysis } = setup();
  const path = servicePath('east', 77);
  const original = files.get(path) ?? '';
  const misplaced = (step: Step) => codesIn(step.analysis, path).filter((code) => code === 'MESH112').length;
  const labelled = withDeployment(original, 77, scopeLabelledDeployment(77));
  assert.notEqual(labelled, original);
  const first = edit(workspace, files, analysis, { [path]: labelled });
  assert.equal(misplaced(first), 1);
  const wider = throughEditsElsewhere(workspace, files, first, misplaced, 1);

  const removed = edit(workspace, files, wider.analysis, { [path]: original });
  assert.equal(misplaced(removed), 0);
});

test('cells: a seeded run of edits of every kind, split and checked whole, keeps equal to a fresh run', () => {
  const { files, workspace, analysis: first } = setup();
  let analysis = first;
  // A small linear congruential generator: the same run every time, and a failure names its step.
  let seed = 20261205;
  const random = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  const edits: ((index: number, cluster: string) => Record<string, string | undefined>)[] = [
    // A second, differing copy of a Service in its cluster (MESH105), and gone again.
    (index, cluster) => ({
      [`clusters/${cluster}/legacy/${name(index)}.yaml`]: serviceDoc(name(index), undefined),
    }),
    (index, cluster) => ({ [`clusters/${cluster}/legacy/${name(index)}.yaml`]: undefined }),
    // A scope label on a Deployment (MESH112).
    (index, cluster) => {
      const path = servicePath(cluster, index);
      return { [path]: withDeployment(files.get(path) ?? '', index, scopeLabelledDeployment(index)) };
    },
    // A Deployment that now carries the next Service's pod label.
    (index, cluster) => {
      const path = servicePath(cluster, index);
      return {
        [path]: withDeployment(files.get(path) ?? '', index, deploymentDoc(name(index), name(index + 1), 2)),
      };
    },
    // The file as generated.
    (index, cluster) => ({ [servicePath(cluster, index)]: bigNamespace().get(servicePath(cluster, index)) }),
    // Every name's ConfigMap: most cells touched, the namespace checked whole.
    () => ({ [EVERY_NAME]: configMapsOfEveryName(`level-${random(1000)}`) }),
    // A document moved down a line: every later object's range changes.
    (index, cluster) => ({
      [servicePath(cluster, index)]: `# moved\n${files.get(servicePath(cluster, index)) ?? ''}`,
    }),
  ];
  const seen = new Set<string>();
  for (let step = 0; step < 24; step++) {
    const kind = random(edits.length);
    const index = 1 + random(300);
    const cluster = random(2) === 0 ? 'east' : 'west';
    const changes = (edits[kind] as (typeof edits)[number])(index, cluster);
    const incremental = Object.entries(changes).every(
      ([path, text]) => files.has(path) && text !== undefined,
    );
    analysis = edit(workspace, files, analysis, changes, incremental).analysis;
    seen.add(analysis.busyShards.has('shop') ? 'whole' : 'split');
    for (const code of ['MESH105', 'MESH112'])
      if (analysis.findings().some((finding) => finding.code === code)) seen.add(code);
  }
  assert.deepEqual(
    [...seen].sort(),
    ['MESH105', 'MESH112', 'split', 'whole'],
    'the run went through each case',
  );
});

/** A file naming every Service of the namespace: each name is a unit, so an edit of it touches every cell. */
const EVERY_NAME = 'clusters/east/settings.yaml';

function configMapsOfEveryName(value: string): string {
  return Array.from(
    { length: 300 },
    (_, index) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name(index + 1)}, namespace: shop }\ndata: { level: ${value} }\n`,
  ).join('---\n');
}

/**
 * A finding (`count` of them) kept through an edit of another name, which does not re-check its cell,
 * and through a whole check of the namespace (a file naming every name, written, then changed).
 */
function throughEditsElsewhere(
  workspace: Workspace,
  files: Map<string, string>,
  step: Step,
  count: (step: Step) => number,
  expected: number,
): Step {
  const other = servicePath('west', 5);
  const elsewhere = edit(workspace, files, step.analysis, {
    [other]: (files.get(other) ?? '').replace('replicas: 1', 'replicas: 2'),
  });
  assert.equal(count(elsewhere), expected, 'after an edit of another name');
  const wide = edit(
    workspace,
    files,
    elsewhere.analysis,
    { [EVERY_NAME]: configMapsOfEveryName('info') },
    false,
  );
  const wider = edit(workspace, files, wide.analysis, { [EVERY_NAME]: configMapsOfEveryName('debug') });
  assert.ok(wider.analysis.busyShards.has('shop'), 'checked whole');
  assert.equal(count(wider), expected, 'checked whole');
  return wider;
}

/** A Service's file (`servicePath`) with its Deployment written as `deployment`. */
function withDeployment(text: string, index: number, deployment: string): string {
  return text.replace(deploymentDoc(name(index), name(index)), deployment);
}

/** The Service's Deployment carrying the scope label, which the mesh reads only on a Service (MESH112). */
function scopeLabelledDeployment(index: number): string {
  return deploymentDoc(name(index), name(index)).replace(
    'namespace: shop }',
    'namespace: shop, labels: { solo.io/service-scope: global } }',
  );
}
