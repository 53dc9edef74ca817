import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkspace, getModel, setFile } from '../../shared/src';

// Issue #15: a kustomized workspace keeps the documents it parsed until the next model is built, so
// rendering its kustomizations does not parse every base again; a plain workspace keeps nothing, and
// nothing is kept once the model is built.

const service = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app: ${name} }
  ports: [{ port: 9080 }]
`;

test('a plain workspace keeps no parsed documents', () => {
  const workspace = createWorkspace();
  setFile(workspace, 'clusters/east/reviews.yaml', service('reviews'));
  assert.equal(workspace.parsedDocuments.size, 0);
  assert.equal(getModel(workspace).services.length, 1);
});

test('a kustomized workspace keeps them for the next build only, and renders from them', () => {
  const workspace = createWorkspace();
  setFile(workspace, 'base/kustomization.yaml', 'namespace: bookinfo\nresources: [reviews.yaml]\n');
  setFile(workspace, 'base/reviews.yaml', service('reviews'));
  setFile(workspace, 'overlays/east/kustomization.yaml', 'resources: [../../base]\n');
  setFile(workspace, 'overlays/west/kustomization.yaml', 'resources: [../../base]\n');
  assert.equal(workspace.parsedDocuments.size, 4);
  const model = getModel(workspace);
  assert.equal(workspace.parsedDocuments.size, 0);
  assert.deepEqual(
    model.services.map((s) => `${s.cluster} ${s.namespace}/${s.name}`),
    ['east bookinfo/reviews', 'west bookinfo/reviews'],
  );
  // An edit of the base rebuilds from the one document it parsed, and releases it.
  setFile(workspace, 'base/reviews.yaml', service('ratings'));
  assert.equal(workspace.parsedDocuments.size, 1);
  assert.deepEqual(
    getModel(workspace).services.map((s) => `${s.cluster} ${s.namespace}/${s.name}`),
    ['east bookinfo/ratings', 'west bookinfo/ratings'],
  );
  assert.equal(workspace.parsedDocuments.size, 0);
});
