import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkspace, getModel, setFile } from '../../shared/src';
import { fileIndex } from '../../shared/src/features/file-index';
import { workspaceFrom } from '../helpers/fixture';

// The per-file index that hover, definitions and code lenses start from is kept per shard, so an
// edit rebuilds only its own namespace's. It must answer exactly as an index of a fresh model.

const WORKSPACE = `
  //- mesh-topology.yaml
  clusters:
    east: { paths: ["clusters/east/**"] }
    west: { paths: ["clusters/west/**"] }
  //- clusters/east/shop.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }
  spec: { selector: { app: cart }, ports: [{ port: 80 }] }
  ---
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: { name: to-ratings, namespace: shop }
  spec:
    hosts: [ratings.books.mesh.internal]
  //- clusters/west/books.yaml
  apiVersion: v1
  kind: Namespace
  metadata: { name: books, labels: { solo.io/service-scope: global } }
  ---
  apiVersion: v1
  kind: Service
  metadata: { name: ratings, namespace: books }
  spec: { selector: { app: ratings }, ports: [{ port: 80 }] }
  //- clusters/west/pay.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: api, namespace: pay }
  spec: { selector: { app: api }, ports: [{ port: 80 }] }
`;

const ADDED_SERVICE = `
---
apiVersion: v1
kind: Service
metadata: { name: ledger, namespace: shop }
spec: { selector: { app: ledger }, ports: [{ port: 80 }] }
`;

function summary(model: ReturnType<typeof getModel>, file: string) {
  const index = fileIndex(model, file);
  return {
    services: index.services.map((service) => `${service.cluster}/${service.namespace}/${service.name}`),
    namespaces: index.namespaces.map((namespace) => `${namespace.cluster}/${namespace.name}`),
    references: index.references.map((reference) => `${reference.role}:${reference.host.value}`),
  };
}

test("a file's index lists its services, namespaces and references across its shards", () => {
  const model = getModel(workspaceFrom(WORKSPACE).workspace);
  assert.deepEqual(summary(model, 'clusters/east/shop.yaml'), {
    services: ['east/shop/cart'],
    namespaces: [],
    references: ['virtualServiceHost:ratings.books.mesh.internal'],
  });
  assert.deepEqual(summary(model, 'clusters/west/books.yaml'), {
    services: ['west/books/ratings'],
    namespaces: ['west/books'],
    references: [],
  });
  assert.deepEqual(summary(model, 'no/such/file.yaml'), { services: [], namespaces: [], references: [] });
});

test('after an edit, untouched shards keep their index and every answer equals a fresh model', () => {
  const { workspace } = workspaceFrom(WORKSPACE);
  const before = getModel(workspace);
  const untouched = fileIndex(before, 'clusters/west/pay.yaml').services[0];
  const shopText = workspace.files.get('clusters/east/shop.yaml')?.text ?? '';
  setFile(workspace, 'clusters/east/shop.yaml', shopText + ADDED_SERVICE);
  const after = getModel(workspace);

  const fresh = createWorkspace();
  for (const [path, entry] of workspace.files) setFile(fresh, path, entry.text);
  const freshModel = getModel(fresh);
  for (const file of workspace.files.keys())
    assert.deepEqual(summary(after, file), summary(freshModel, file), file);
  assert.deepEqual(summary(after, 'clusters/east/shop.yaml').services, [
    'east/shop/cart',
    'east/shop/ledger',
  ]);
  assert.ok(untouched);
  assert.equal(fileIndex(after, 'clusters/west/pay.yaml').services[0], untouched, 'the pay shard was kept');
});
