import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Analysis } from '../../shared/src';
import { analyseWorkspace } from '../../shared/src/analysis/analyse-workspace';
import { cellLayout } from '../../shared/src/model/cells';
import { edit, THROW, workspaceOf } from '../helpers/big-namespace';
import { seededRandom } from '../helpers/seeded-random';

// A namespace rendered by kustomize from one base read by many overlays is checked in cells
// (model/cells.ts) when no object is renamed: each document's copies keep one name, so they are in
// one cell. Findings of several names at one line of an overlay (a label every object gets, a patch
// on several Services) are merged by a whole check; the analysis checks such a namespace whole.
// Each step below is held to a fresh full run — findings with their fixes, the files reported as
// changed, the model's lists in order (test/helpers/big-namespace.ts).

const OVERLAYS = Array.from({ length: 16 }, (_, index) => `c${String(index + 1).padStart(2, '0')}`);
const SERVICES = 70;

function name(index: number): string {
  return `svc-${String(index).padStart(3, '0')}`;
}

function serviceFile(service: string, scope: string | undefined, extraLabels = ''): string {
  const label = scope === undefined ? '' : `\n    solo.io/service-scope: ${scope}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${service}
  labels:
    app: ${service}${label}${extraLabels}
spec:
  selector:
    app: ${service}
  ports:
    - name: http
      port: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${service}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${service}
  template:
    metadata:
      labels:
        app: ${service}
`;
}

/** What an overlay's kustomization adds to its base, each an independent switch. */
interface OverlaySwitches {
  teamLabel?: boolean;
  /** A scope label every object gets: a finding per Service at one line when invalid. */
  scopeLabel?: string;
  namePrefix?: boolean;
  nameSuffix?: boolean;
  /** A patch of one Service by name (its scope). */
  namedPatch?: boolean;
  /** A patch of the Services labelled tier=edge (their ports). */
  edgePatch?: boolean;
  /** A patch of every Service writing the base's port: MESH104 at its line for each Service whose base port differs. */
  portsPatch?: boolean;
  /** A patch of every Service setting an invalid scope: a MESH110 at its line for each. */
  scopePatch?: boolean;
  replicasZero?: boolean;
  /** A traffic distribution every object gets: a finding at its line for each unexported Service. */
  distribution?: boolean;
}

function kustomization(overlay: string, switches: OverlaySwitches): string {
  const lines = ['resources:', '  - ../../base/shop'];
  const labels: string[] = [];
  if (switches.teamLabel) labels.push('      team: shop');
  if (switches.scopeLabel) labels.push(`      solo.io/service-scope: ${switches.scopeLabel}`);
  if (labels.length > 0) lines.push('labels:', '  - pairs:', ...labels);
  if (switches.namePrefix) lines.push(`namePrefix: ${overlay}-`);
  if (switches.nameSuffix) lines.push('nameSuffix: -x');
  const patches: string[] = [];
  if (switches.namedPatch) patches.push('  - path: scope-patch.yaml');
  if (switches.edgePatch)
    patches.push(
      '  - path: ports-patch.yaml',
      '    target:',
      '      kind: Service',
      '      labelSelector: tier=edge',
    );
  if (switches.portsPatch)
    patches.push('  - path: all-ports-patch.yaml', '    target:', '      kind: Service');
  if (switches.scopePatch)
    patches.push('  - path: all-scope-patch.yaml', '    target:', '      kind: Service');
  if (patches.length > 0) lines.push('patches:', ...patches);
  if (switches.distribution)
    lines.push('commonAnnotations:', '  networking.istio.io/traffic-distribution: PreferNetwork');
  if (switches.replicasZero) lines.push('replicas:', `  - name: ${name(3)}`, '    count: 0');
  return `${lines.join('\n')}\n`;
}

const SCOPE_PATCH = `apiVersion: v1
kind: Service
metadata:
  name: ${name(9)}
  namespace: shop
  labels:
    solo.io/service-scope: cluster
`;

const PORTS_PATCH = `apiVersion: v1
kind: Service
metadata:
  name: any
spec:
  ports:
    - name: http
      port: 9090
`;

/**
 * An overlay's files: its kustomization and the patches it reads (absent when it reads none: a patch
 * in the overlay's folder that is not read is a file of its own placed in the cluster).
 */
function overlayFiles(overlay: string, switches: OverlaySwitches): Record<string, string | undefined> {
  return {
    [`overlays/${overlay}/kustomization.yaml`]: kustomization(overlay, switches),
    [`overlays/${overlay}/scope-patch.yaml`]: switches.namedPatch ? SCOPE_PATCH : undefined,
    [`overlays/${overlay}/ports-patch.yaml`]: switches.edgePatch ? PORTS_PATCH : undefined,
    [`overlays/${overlay}/all-ports-patch.yaml`]: switches.portsPatch ? ALL_PORTS_PATCH : undefined,
    [`overlays/${overlay}/all-scope-patch.yaml`]: switches.scopePatch ? ALL_SCOPE_PATCH : undefined,
  };
}

const ALL_PORTS_PATCH = PORTS_PATCH.replace('9090', '8080');

const ALL_SCOPE_PATCH = `apiVersion: v1
kind: Service
metadata:
  name: any
  labels:
    solo.io/service-scope: globl
`;

function namespaceFile(labels = ''): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n${labels ? `  labels: { ${labels} }\n` : ''}`;
}

function basePath(index: number): string {
  return `base/shop/${name(index)}.yaml`;
}

/**
 * Sixteen overlays of one base of 70 Services in namespace `shop` (1,120 instances: split in cells).
 * svc-002 has an invalid scope (MESH110), svc-004 none (never exported), svc-010 is tier=edge (the
 * edge patch's one Service), overlay c02 patches svc-009's scope (MESH101 against the others).
 */
function sharedBase(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'mesh-topology.yaml',
    `clusters:\n${OVERLAYS.map((overlay) => `  ${overlay}: { paths: ["overlays/${overlay}/**"] }`).join('\n')}\n`,
  );
  files.set('base/shop/namespace.yaml', namespaceFile());
  for (let index = 1; index <= SERVICES; index++) {
    const scope = index === 2 ? 'globl' : index === 4 ? undefined : 'global';
    files.set(basePath(index), serviceFile(name(index), scope, index === 10 ? '\n    tier: edge' : ''));
  }
  const resources = ['namespace.yaml', ...Array.from({ length: SERVICES }, (_, i) => `${name(i + 1)}.yaml`)];
  files.set(
    'base/shop/kustomization.yaml',
    `namespace: shop\nresources:\n${resources.map((file) => `  - ${file}\n`).join('')}`,
  );
  for (const overlay of OVERLAYS) {
    const switches = { namedPatch: overlay === 'c02' };
    for (const [path, text] of Object.entries(overlayFiles(overlay, switches)))
      if (text) files.set(path, text);
  }
  return files;
}

/** How many cells namespace `shop` is checked in. */
function cellsOf(analysis: Analysis): number {
  const shard = analysis.model.shards.get('shop') ?? assert.fail('no shard shop');
  return cellLayout(shard, analysis.model, analysis.wholeShards.has('shop')).keys.length;
}

function setup() {
  const files = sharedBase();
  const workspace = workspaceOf(files);
  const analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
  return { files, workspace, analysis };
}

function replaced(text: string, from: string | RegExp, to: string): string {
  const result = text.replace(from, to);
  assert.notEqual(result, text, `no ${from}`);
  return result;
}

test('rendered cells: a shared base without renames is checked in cells, and a base edit re-checks a few', () => {
  const { files, workspace, analysis } = setup();
  assert.ok(cellsOf(analysis) > 2, 'the rendered namespace is checked in cells');
  assert.ok(!analysis.wholeShards.has('shop'));
  const path = basePath(20);
  const step = edit(workspace, files, analysis, {
    [path]: replaced(files.get(path) ?? '', 'service-scope: global', 'service-scope: globl'),
  });
  assert.ok(step.rechecked < cellsOf(step.analysis), 'only some cells are checked again');
  const scratch = `${files.get(path)}---\n${serviceFile('bench-scratch', 'globl')}`;
  edit(workspace, files, step.analysis, { [path]: scratch });
});

test('rendered cells: findings of several names at one overlay line make the namespace one cell', () => {
  const { files, workspace, analysis } = setup();
  let previous = analysis;
  // Every Service of c05 gets an invalid scope from one line: a finding per Service there.
  previous = edit(workspace, files, previous, overlayFiles('c05', { scopePatch: true }), false).analysis;
  assert.ok(previous.wholeShards.has('shop'), 'checked whole: its cells found something at one place');
  assert.equal(cellsOf(previous), 1);
  const path = basePath(30);
  previous = edit(workspace, files, previous, {
    [path]: replaced(files.get(path) ?? '', 'service-scope: global', 'service-scope: cluster'),
  }).analysis;
  assert.ok(previous.wholeShards.has('shop'), 'stays whole after an edit');
  previous = edit(workspace, files, previous, overlayFiles('c05', {}), false).analysis;
  assert.ok(!previous.wholeShards.has('shop'), 'split again after a full analysis');
});

test('rendered cells: an edit that makes two cells find something at one place checks the namespace whole', () => {
  const { files, workspace, analysis } = setup();
  let previous = analysis;
  // Without a Namespace object, c07's traffic distribution is on its Services only, and is a finding
  // at c07's line for each unexported one (svc-004 to begin with).
  const kustomizationPath = 'base/shop/kustomization.yaml';
  const baseKustomization = replaced(files.get(kustomizationPath) ?? '', '  - namespace.yaml\n', '');
  previous = edit(
    workspace,
    files,
    previous,
    { 'base/shop/namespace.yaml': undefined, [kustomizationPath]: baseKustomization },
    false,
  ).analysis;
  previous = edit(workspace, files, previous, overlayFiles('c07', { distribution: true }), false).analysis;
  assert.ok(cellsOf(previous) > 2, 'one finding at the line: still in cells');
  // Each Service unexported in the base adds a finding at c07's line, one Service at a time: an
  // incremental edit finds the second in another cell.
  for (let index = 11; index <= 40 && !previous.wholeShards.has('shop'); index++) {
    const path = basePath(index);
    previous = edit(workspace, files, previous, {
      [path]: replaced(files.get(path) ?? '', 'service-scope: global', 'service-scope: cluster'),
    }).analysis;
  }
  assert.ok(previous.wholeShards.has('shop'), 'an edit made the namespace whole');
  const atLine = previous.findings().filter((finding) => finding.file === 'overlays/c07/kustomization.yaml');
  assert.ok(atLine.length >= 2, 'findings of several Services at the line');
});

test('rendered cells: renamed copies make the namespace one cell', () => {
  const { files, workspace, analysis } = setup();
  // No finding at a base line to begin with: what the renamed copies change is MESH107's alone.
  const path = basePath(2);
  let previous = edit(workspace, files, analysis, {
    [path]: replaced(files.get(path) ?? '', 'service-scope: globl', 'service-scope: global'),
  }).analysis;
  assert.equal(previous.findings().length, 0);
  for (const switches of [{ namePrefix: true }, { nameSuffix: true }, {}]) {
    previous = edit(workspace, files, previous, overlayFiles('c03', switches), false).analysis;
    const renamed = 'namePrefix' in switches || 'nameSuffix' in switches;
    assert.equal(cellsOf(previous) === 1, renamed, renamed ? 'one cell when renamed' : 'cells again');
  }
});

/** One random edit of a base Service file. */
const BASE_EDITS: ((text: string, index: number, pick: (count: number) => number) => string)[] = [
  (text, _index, pick) =>
    text.replace(
      /service-scope: \w+/,
      `service-scope: ${['global', 'cluster', 'globl', 'segment'][pick(4)]}`,
    ),
  (text, index) => text.replaceAll(`name: ${name(index)}\n`, `name: ${name(index)}-r\n`),
  (text) => text.replace(/port: \d+/, (port) => (port === 'port: 8080' ? 'port: 8081' : 'port: 8080')),
  (text, index) =>
    text.includes('tier: edge')
      ? text.replace('\n    tier: edge', '')
      : text.replace(`app: ${name(index)}\n`, `app: ${name(index)}\n    tier: edge\n`),
  (text, _index, pick) => `${text}---\n${serviceFile(`scratch-${pick(3)}`, pick(2) ? 'globl' : 'global')}`,
  (text) => text.split('---\n').slice(0, 2).join('---\n'),
  (text, _index, pick) => text.replace(/replicas: \d+/, `replicas: ${pick(3)}`),
];

test('rendered cells: a random run of base, overlay and namespace edits keeps every step equal to a fresh run', () => {
  const { files, workspace, analysis } = setup();
  const next = seededRandom(2026);
  const pick = (count: number) => Math.floor(next() * count);
  const switches = new Map(
    OVERLAYS.map((overlay) => [overlay, { namedPatch: overlay === 'c02' } as OverlaySwitches]),
  );
  const keys: (keyof OverlaySwitches)[] = [
    'teamLabel',
    'scopeLabel',
    'namePrefix',
    'nameSuffix',
    'namedPatch',
    'edgePatch',
    'portsPatch',
    'scopePatch',
    'replicasZero',
    'distribution',
  ];
  let previous: Analysis = analysis;
  let split = 0;
  let whole = 0;
  for (let step = 0; step < 40; step++) {
    const kind = pick(10);
    const changes: Record<string, string | undefined> = {};
    if (kind < 7) {
      // A base file, the edit of a shared base.
      const index = pick(SERVICES) + 1;
      const path = basePath(index);
      changes[path] = (BASE_EDITS[pick(BASE_EDITS.length)] as (typeof BASE_EDITS)[number])(
        files.get(path) ?? '',
        index,
        pick,
      );
    } else if (kind < 9) {
      const overlay = OVERLAYS[pick(4)] as string;
      const key = keys[pick(keys.length)] as keyof OverlaySwitches;
      const now = { ...switches.get(overlay) } as OverlaySwitches;
      if (key === 'scopeLabel') now.scopeLabel = now.scopeLabel ? undefined : ['globl', 'cluster'][pick(2)];
      else now[key] = !now[key];
      switches.set(overlay, now);
      Object.assign(changes, overlayFiles(overlay, now));
    } else {
      changes['base/shop/namespace.yaml'] = namespaceFile(
        ['', 'team: shop', 'solo.io/service-scope: cluster'][pick(3)],
      );
    }
    previous = edit(workspace, files, previous, changes, false).analysis;
    if (cellsOf(previous) > 1) split++;
    else whole++;
  }
  // The run went through both layouts.
  assert.ok(split > 5 && whole > 5, `split ${split} times, whole ${whole} times`);
});

test('rendered cells: topology edits that keep the model re-check a split or whole namespace as a fresh run does', () => {
  const { files, workspace, analysis } = setup();
  const topology = files.get('mesh-topology.yaml') ?? '';
  const withLinks = `${topology}links:\n  - { from: c01, to: c02 }\n  - { between: [c02, c03] }\n`;
  let previous = analysis;
  for (const text of [
    withLinks,
    replaced(withLinks, '"overlays/c03/**"] }', '"overlays/c03/**"], network: far }'),
    topology,
  ]) {
    const step = edit(workspace, files, previous, { 'mesh-topology.yaml': text });
    assert.equal(
      step.analysis.model.shards.get('shop'),
      previous.model.shards.get('shop'),
      'the model is kept',
    );
    previous = step.analysis;
  }
  // Made whole by a patch, the namespace is one cell: the topology edit re-runs its readers there.
  previous = edit(workspace, files, previous, overlayFiles('c05', { scopePatch: true }), false).analysis;
  assert.ok(previous.wholeShards.has('shop'));
  previous = edit(workspace, files, previous, { 'mesh-topology.yaml': withLinks }).analysis;
  edit(workspace, files, previous, { 'mesh-topology.yaml': topology });
});
