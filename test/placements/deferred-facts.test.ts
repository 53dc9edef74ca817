import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkspace, getModel, setFile } from '../../shared/src';
import { deferredDeclarations, extractDeclarations } from '../../shared/src/facts/extract-declarations';
import { parseFile } from '../../shared/src/yaml/parse-file';

// Issue #15: in a kustomized workspace a file's own declarations are extracted when first read, so
// the bases, patches and overlay resources that only kustomizations read never pay for them.

const everyKind = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
spec:
  selector: { app: reviews }
  ports: [{ port: 9080, name: http }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews, namespace: bookinfo }
spec:
  replicas: 2
  template: { metadata: { labels: { app: reviews } } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: bookinfo }
spec:
  hosts: [reviews.bookinfo.mesh.internal]
  http: [{ route: [{ destination: { host: ratings.bookinfo.mesh.internal } }] }]
---
apiVersion: admin.solo.io/v1alpha1
kind: Segment
metadata: { name: payments }
spec: { domain: payments.mesh }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: eastwest, namespace: istio-eastwest, labels: { topology.istio.io/network: net1 } }
spec:
  gatewayClassName: istio-eastwest
  addresses: [{ value: 10.0.0.1 }]
---
apiVersion: v1
kind: Node
metadata: { name: node-1 }
---
apiVersion: v1
kind: Namespace
metadata: { name: bookinfo, labels: { solo.io/service-scope: global } }
`;

test('deferred declarations are what extracting them at once gives, field by field', () => {
  const parsed = parseFile('base/all.yaml', everyKind);
  const eager = extractDeclarations(parsed);
  const deferred = deferredDeclarations(parsed);
  // Read first, what the topology reads of every file; then the rest.
  for (const field of [
    'segments',
    'gateways',
    'nodeCount',
    'namespaces',
    'services',
    'workloads',
    'endpointSets',
    'hostReferences',
    'meshKeysElsewhere',
  ] as const)
    assert.deepEqual(deferred[field], eager[field], field);
  assert.equal(eager.segments.length, 1);
  assert.equal(eager.gateways.length, 1);
  assert.equal(eager.nodeCount, 1);
  assert.ok(eager.hostReferences.length > 0);
});

const service = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app: ${name} }
  ports: [{ port: 9080 }]
`;

test('in a kustomized workspace, a file placed as written (with a default namespace) still declares what it holds', () => {
  const workspace = createWorkspace();
  setFile(
    workspace,
    'mesh-topology.yaml',
    'clusters:\n  east: { paths: ["overlays/east/**", { glob: "apps/**", namespace: shop }] }\n  west: { paths: ["overlays/west/**"] }\n',
  );
  setFile(workspace, 'base/kustomization.yaml', 'namespace: bookinfo\nresources: [reviews.yaml]\n');
  setFile(workspace, 'base/reviews.yaml', service('reviews'));
  setFile(workspace, 'overlays/east/kustomization.yaml', 'resources: [../../base]\n');
  setFile(workspace, 'overlays/west/kustomization.yaml', 'resources: [../../base]\n');
  // Set after the first kustomization: its facts are deferred too, and read when the model places it.
  setFile(workspace, 'apps/cart.yaml', service('cart'));
  setFile(workspace, 'apps/segment.yaml', everyKind.split('---\n')[3] as string);
  const model = getModel(workspace);
  assert.deepEqual(model.services.map((s) => `${s.cluster} ${s.namespace}/${s.name}`).sort(), [
    'east bookinfo/reviews',
    'east shop/cart',
    'west bookinfo/reviews',
  ]);
  assert.deepEqual([...model.topology.segments.keys()], ['payments']);
});
