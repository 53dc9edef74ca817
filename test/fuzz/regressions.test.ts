import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel } from '../../shared/src';
import { analyseTwice, checksOf, workspaceOf } from './harness';
import { exampleFiles } from './inputs';

// Inputs that failed a fuzz property once, kept so the bug stays fixed. Each names the property
// and seed that found it.

const files = (entries: Record<string, string>) => ({ files: new Map(Object.entries(entries)) });

describe('fuzz regressions', () => {
  test('the fix oracle compares a map that aliases itself (shaped, seed 1739457211)', () => {
    analyseTwice(
      files({
        'clusters/c0/m0.yaml':
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n  annotations:\n    networking.istio.io/traffic-distribution: global\n  labels:\n    topology.istio.io/network:\n      []\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: &a1\n    c1:\n      network: valueOf\n    name: c1\n    topology.istio.io/network: *a1\n  namespace: shop\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: 0\n  namespace: shop\n',
      }),
    );
  });

  test('a completion past the end of a line stays inside the document (noise, seed 20261125)', () => {
    analyseTwice(files({ 'clusters/c0/noise-0.yaml': 'solo.io/service-scope: global' }));
  });

  test('a YAML error reported between \\r and \\n points before the \\r (mutated random, seed 20261125)', () => {
    analyseTwice(
      files({
        'mesh-topology.yaml':
          '# topology\r\nclusters:\r\n  c0: { paths: ["clusters/c0/**"], network: n0, region: r0 }\r\nsegments:\r\nsegments:\r\n  payments: { domain: payments.mesh }\r\n',
      }),
    );
  });

  test('exporting a Service whose labels are a scalar offers no YAML-breaking edit (shaped, seed 99)', () => {
    analyseTwice(
      files({
        'clusters/c0/m0.yaml':
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n  labels: global\n  annotations:\n    networking.istio.io/traffic-distribution: global\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: global\n  namespace: shop\n',
      }),
    );
  });

  test('exporting a Service whose flow-style labels are a scalar adds no second labels key (shaped, seed 1057542137)', () => {
    analyseTwice(
      files({
        'clusters/c0/m0.yaml':
          '{\n  apiVersion: v1,\n  kind: Service,\n  metadata:\n    {\n      name: 0,\n      namespace: shop,\n      labels: global,\n      annotations: { networking.istio.io/traffic-distribution: global }\n    }\n}\n',
        'clusters/c1/m1.yaml':
          'apiVersion: v1\nkind: Service\nmetadata:\n  name:\n    {}\n  namespace: shop\n',
      }),
    );
  });

  test('block maps nested 3,000 deep before another document: a MESH190, not a RangeError (hostile inputs)', () => {
    const deep = Array.from({ length: 3_000 }, (_, index) => `${' '.repeat(index)}a:`).join('\n');
    const workspace = workspaceOf(files({ 'clusters/c0/deep.yaml': `${deep}\n---\nkind: x\n` }));
    assert.deepEqual(
      checksOf(getModel(workspace)).map((finding) => [finding.code, finding.range.start]),
      [['MESH190', { line: 0, character: 0 }]],
    );
  });

  test('a label added to a map whose first key carries a tag lines up with the tag (mutated example, seed 1890448479)', () => {
    const files = exampleFiles();
    files.set(
      'clusters/cluster1/ratings.yaml',
      (files.get('clusters/cluster1/ratings.yaml') ?? '').replace(
        '  labels:\n    app: ratings',
        '  labels:\n   !!str  app: ratings',
      ),
    );
    analyseTwice({ files }, { hoverEverywhere: false, fixes: true });
  });

  test('ports copied from a flow document whose scalar spans lines to the left of its key (mutated random, seed 1890448479)', () => {
    analyseTwice(
      files({
        'mesh-topology.yaml': '',
        'clusters/c0/reviews-0.yaml':
          '# reviews in c0\napiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: shop\n  labels:\n    solo.io/service-scope: "global"  # service-scope\nspec:\n  selector:\n    app: reviews\n  ports:\n    - name: p443\n      port: 443\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: reviews, namespace: shop }\nspec:\n  replicas: 0\n  template:\n    metadata:\n      labels: { app: reviews, version: v1 }\n',
        'clusters/c1/cart-0.yaml':
          '# cart in c1\napiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\nspec:\n  selector:\n    app: cart\n  ports:\n    - name: p443\n      port: 443\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: cart, namespace: shop }\nspec:\n  replicas: 0\n  template:\n    metadata:\n      labels: { app: cart, version: v1 }\n',
        'clusters/c1/reviews-1.yaml':
          '# reviews in c1\n{ apiVersion: v1, kind: Service, metadata: { name: reviews, namespace: shop, labels: { solo.io/service-scope: "global" } }, spec: { selector: { app: reviews }, ports: [{ name: p%YAML 1.2\n80, port: 80 }, { name: p9080, port: 9080 }, { name: p443, port: 443 }] } }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: reviews, namespace: shop }\nspec:\n  replicas: 0\n  template:\n    metadata:\n      labels: { app: reviews, version: v1 }\n',
        'clusters/c1/route-0.yaml':
          '# a route\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: route, namespace: shop }\nspec:\n  rules:\n    - backendRefs:\n        - name: cart.shop.mesh.internal\n',
      }),
      { hoverEverywhere: false, fixes: true },
    );
  });

  test('completing a key named like an Object member (valueOf:) (shaped, seed 2133008784)', () => {
    analyseTwice(
      files({
        'mesh-topology.yaml': 'clusters:\n  valueOf: null\n',
        'clusters/c0/m0.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: false\n  namespace: shop\n',
      }),
    );
  });
});
