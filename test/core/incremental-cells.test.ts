import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Analysis,
  analyseWorkspace,
  createWorkspace,
  deleteFile,
  type Finding,
  getModel,
  runChecks,
  setFile,
  type Workspace,
} from '../../shared/src';
import { findingsAsData } from '../helpers/checks';

// A big namespace is checked cell by cell (model/cells.ts): an edit re-checks the cells of the names
// it touches, not the namespace. Every step below compares the incremental findings (fixes included)
// with a fresh full run, checks that every file whose findings changed is reported as changed, and
// counts how many cells were checked again.

const SERVICES = 300;
const CLUSTERS = ['east', 'west'];

const THROW = {
  onCheckError: (check: { code: string }, error: unknown) => {
    throw new Error(`check ${check.code} threw: ${(error as Error)?.stack ?? error}`);
  },
};

function name(index: number): string {
  return `svc-${String(index).padStart(3, '0')}`;
}

function serviceDoc(service: string, scope: string | undefined, app = service): string {
  const labels = scope === undefined ? '' : `\n  labels:\n    solo.io/service-scope: ${scope}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${service}
  namespace: shop${labels}
spec:
  selector: { app: ${app} }
  ports: [{ port: 80 }]
`;
}

function deploymentDoc(workload: string, app: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${workload}, namespace: shop }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${app} } }
  template: { metadata: { labels: { app: ${app} } } }
`;
}

function routeDoc(route: string, host: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${route}, namespace: shop }
spec:
  hosts: [${route}]
  http: [{ route: [{ destination: { host: ${host} } }] }]
`;
}

/**
 * Two clusters, one namespace `shop` of 300 Services, each exported with its Deployment, except:
 * svc-001 is unlabeled in west (MESH101), svc-002 has an invalid scope in east (MESH110), svc-003
 * routes to an unknown hostname (MESH121), and every tenth Service routes to the next one.
 */
function bigNamespace(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'mesh-topology.yaml',
    `clusters:\n${CLUSTERS.map((cluster) => `  ${cluster}: { paths: ["clusters/${cluster}/**"] }`).join('\n')}\n`,
  );
  for (const cluster of CLUSTERS) {
    files.set(
      `clusters/${cluster}/namespace.yaml`,
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n',
    );
    for (let index = 1; index <= SERVICES; index++) {
      const service = name(index);
      const scope =
        index === 1 && cluster === 'west'
          ? undefined
          : index === 2 && cluster === 'east'
            ? 'globl'
            : 'global';
      const docs = [serviceDoc(service, scope), deploymentDoc(service, service)];
      if (index === 3) docs.push(routeDoc(`${service}-up`, 'svc-004x.shop.mesh.internal'));
      else if (index % 10 === 0)
        docs.push(routeDoc(`${service}-up`, `${name(index + 1)}.shop.mesh.internal`));
      files.set(`clusters/${cluster}/${service}.yaml`, docs.join('---\n'));
    }
  }
  return files;
}

function workspaceOf(files: ReadonlyMap<string, string>): Workspace {
  const workspace = createWorkspace();
  for (const [path, text] of files) setFile(workspace, path, text);
  return workspace;
}

function shown({ code, severity, range, message, related }: Finding): string {
  return JSON.stringify([code, severity, range, message, related]);
}

function byFile(findings: readonly Finding[]): Map<string, string> {
  const files = new Map<string, string[]>();
  for (const finding of findings)
    files.set(finding.file, [...(files.get(finding.file) ?? []), shown(finding)]);
  return new Map([...files].map(([file, list]) => [file, list.join('\n')]));
}

interface Step {
  analysis: Analysis;
  /** How many cells (lists of findings) are not the previous analysis's. */
  rechecked: number;
}

/** Applies the edits, analyses incrementally, and holds the result to a fresh full run. */
function edit(
  workspace: Workspace,
  files: Map<string, string>,
  previous: Analysis,
  changes: Record<string, string | undefined>,
  /** A file added or deleted rebuilds the model (it may make or unmake a cluster): everything is checked. */
  incremental = true,
): Step {
  for (const [path, text] of Object.entries(changes)) {
    if (text === undefined) {
      deleteFile(workspace, path);
      files.delete(path);
    } else {
      setFile(workspace, path, text);
      files.set(path, text);
    }
  }
  const { analysis, changedFiles } = analyseWorkspace(workspace, previous, THROW);
  const fresh = runChecks(getModel(workspaceOf(files)), THROW);
  assert.deepEqual(findingsAsData(analysis.findings()), findingsAsData(fresh), 'differs from a fresh run');
  if (incremental) assert.notEqual(changedFiles, 'all', 'the edit was analysed incrementally');
  const before = byFile(previous.findings());
  const after = byFile(analysis.findings());
  for (const file of new Set([...before.keys(), ...after.keys()]))
    if (changedFiles !== 'all' && before.get(file) !== after.get(file))
      assert.ok(changedFiles.has(file), `${file} changed but is not reported`);
  let rechecked = 0;
  for (const [cell, list] of analysis.shards) if (previous.shards.get(cell) !== list) rechecked++;
  return { analysis, rechecked };
}

function codesIn(analysis: Analysis, file: string): string[] {
  return analysis
    .findings()
    .filter((finding) => finding.file === file)
    .map((finding) => finding.code)
    .sort();
}

function setup() {
  const files = bigNamespace();
  const workspace = workspaceOf(files);
  const analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
  assert.ok(
    [...analysis.shards.keys()].filter((cell) => cell.startsWith('shop')).length > 1,
    'the big namespace is checked in several cells',
  );
  return { files, workspace, analysis };
}

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
