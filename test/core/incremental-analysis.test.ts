import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyseWorkspace,
  createWorkspace,
  deleteFile,
  findingsOfFiles,
  getModel,
  problemCount,
  setFile,
} from '../../shared/src';
import { workspaceFrom } from '../helpers/fixture';

// What an edit re-checks: its shards (the namespaces it speaks of), not the workspace. The fuzz
// test (test/fuzz/incremental-analysis.test.ts) proves the results equal a full run; these pin
// down that the untouched shards are really kept, and when everything is re-checked.

const WORKSPACE = `
  //- mesh-topology.yaml
  clusters:
    east: { paths: ["clusters/east/**"] }
    west: { paths: ["clusters/west/**"] }
  //- clusters/east/shop.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
    labels: { solo.io/service-scope: global }
  spec: { selector: { app: cart }, ports: [{ port: 80 }] }
  //- clusters/west/shop.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: cart, namespace: shop }
  spec: { selector: { app: cart }, ports: [{ port: 80 }] }
  //- clusters/east/books.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: ratings
    namespace: books
    labels: { solo.io/service-scope: globl }
  //- clusters/west/route.yaml
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: { name: to-cart, namespace: books }
  spec:
    hosts: [to-cart]
    http: [{ route: [{ destination: { host: cart.shop.mesh.internal } }] }]
`;

const EAST_SHOP = `apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  labels: { solo.io/service-scope: cluster }
spec: { selector: { app: cart }, ports: [{ port: 80 }] }
`;

test('a scope edit re-checks its namespace in every cluster and keeps the other shards', () => {
  const { workspace } = workspaceFrom(WORKSPACE);
  const before = analyseWorkspace(workspace, undefined).analysis;
  assert.ok(
    before
      .findings()
      .some((finding) => finding.code === 'MESH101' && finding.file === 'clusters/west/shop.yaml'),
  );
  const books = before.shards.get('books');
  assert.ok(books?.some((finding) => finding.code === 'MESH110'));

  setFile(workspace, 'clusters/east/shop.yaml', EAST_SHOP);
  const { analysis, changedFiles } = analyseWorkspace(workspace, before);

  assert.notEqual(changedFiles, 'all');
  assert.ok(
    changedFiles !== 'all' && changedFiles.has('clusters/west/shop.yaml'),
    'the other cluster’s file changed',
  );
  assert.ok(!analysis.findings().some((finding) => finding.code === 'MESH101'), 'MESH101 is gone');
  assert.equal(analysis.shards.get('books'), books, 'the books shard was not re-checked');
  // The route in `books` points into `shop`, so its findings follow the edit: cart is no longer global.
  assert.ok(analysis.findings().some((finding) => finding.file === 'clusters/west/route.yaml'));
});

test('an unchanged workspace is not analysed again; a topology edit re-checks everything', () => {
  const { workspace } = workspaceFrom(WORKSPACE);
  const first = analyseWorkspace(workspace, undefined).analysis;
  const again = analyseWorkspace(workspace, first);
  assert.equal(again.analysis, first);
  assert.deepEqual(again.changedFiles, new Set());

  setFile(workspace, 'mesh-topology.yaml', 'clusters:\n  east: { paths: ["clusters/east/**"] }\n');
  assert.equal(analyseWorkspace(workspace, first).changedFiles, 'all');
});

test('an analysis more than one model behind catches up with every edit in between', () => {
  const { workspace } = workspaceFrom(WORKSPACE);
  const first = analyseWorkspace(workspace, undefined).analysis;
  setFile(workspace, 'clusters/east/shop.yaml', EAST_SHOP);
  getModel(workspace); // a hover in between builds a model the analysis never saw
  setFile(
    workspace,
    'clusters/east/books.yaml',
    'apiVersion: v1\nkind: Service\nmetadata: { name: ratings, namespace: books }\n',
  );
  const { analysis, changedFiles } = analyseWorkspace(workspace, first);
  assert.notEqual(changedFiles, 'all');
  assert.ok(!analysis.findings().some((finding) => finding.code === 'MESH101' || finding.code === 'MESH110'));
});

test('a file deleted and added again before the next model comes last, as in a fresh model', () => {
  const { workspace } = workspaceFrom(WORKSPACE);
  getModel(workspace);
  const text = workspace.files.get('clusters/east/shop.yaml')?.text ?? '';
  deleteFile(workspace, 'clusters/east/shop.yaml');
  setFile(workspace, 'clusters/east/shop.yaml', `${text}# edited\n`);
  const updated = getModel(workspace);

  const fresh = createWorkspace();
  for (const [path, entry] of workspace.files) setFile(fresh, path, entry.text);
  const rebuilt = getModel(fresh);
  const order = (model: typeof updated) => ({
    files: [...model.files.keys()],
    services: model.services.map((service) => `${service.cluster}/${service.namespace}/${service.name}`),
  });
  assert.deepEqual(order(updated), order(rebuilt));
  assert.equal([...updated.files.keys()].at(-1), 'clusters/east/shop.yaml');
});

test('new severity settings re-check nothing: the final pass applies them when findings are read', () => {
  const { workspace } = workspaceFrom(WORKSPACE);
  const first = analyseWorkspace(workspace, undefined).analysis;
  assert.equal(first.findings().find((finding) => finding.code === 'MESH101')?.severity, 'warning');

  const raised = analyseWorkspace(workspace, first, { severityOverrides: new Map([['MESH101', 'error']]) });
  assert.equal(raised.analysis.shards, first.shards, 'the checks did not run again');
  assert.equal(raised.changedFiles, 'all', 'every file is published again');
  assert.equal(raised.analysis.findings().find((finding) => finding.code === 'MESH101')?.severity, 'error');
  assert.equal(
    findingsOfFiles(raised.analysis, ['clusters/west/shop.yaml']).get('clusters/west/shop.yaml')?.[0]
      ?.severity,
    'error',
  );

  const off = analyseWorkspace(workspace, raised.analysis, {
    severityOverrides: new Map([['MESH101', 'off']]),
  });
  assert.equal(off.analysis.shards, first.shards);
  assert.deepEqual(
    off.analysis.findings().filter((finding) => finding.code === 'MESH101'),
    [],
  );
  assert.equal(problemCount(off.analysis), problemCount(first) - 1);
});
