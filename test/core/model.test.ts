import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyHost, getModel, type MeshModel, resolveHost, setFile } from '../../shared/src';
import { describeShard, GLOBAL_SHARD } from '../../shared/src/model/shards';
import { tableOf } from '../../shared/src/model/unit-table';
import { modelFrom, workspaceFrom } from '../helpers/fixture';

function instance(model: MeshModel, cluster: string, name: string) {
  const found = model.services.find((service) => service.cluster === cluster && service.name === name);
  assert.ok(found, `no Service ${name} in ${cluster}`);
  return found;
}

describe('service scope (SPEC §1, §2)', () => {
  const model = modelFrom(`
    //- clusters/c1/ns.yaml
    apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
      labels: { solo.io/service-scope: global, solo.io/service-takeover: "true" }
      annotations: { networking.istio.io/traffic-distribution: PreferRegion }
    //- clusters/c1/svc.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: inherits, namespace: shop }
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: stays-local
      namespace: shop
      labels: { solo.io/service-scope: cluster }
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: own-annotation
      namespace: shop
      annotations: { networking.istio.io/traffic-distribution: Any }
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: field-wins
      namespace: shop
      annotations: { networking.istio.io/traffic-distribution: Any }
    spec:
      trafficDistribution: PreferSameZone
    //- clusters/c2/svc.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: legacy
      namespace: shop
      labels: { solo.io/service-scope: global-only }
    ---
    apiVersion: v1
    kind: Service
    metadata: { name: plain, namespace: shop }
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: typo
      namespace: shop
      labels: { solo.io/service-scope: globl }
  `);

  test('a Service inherits its Namespace scope, takeover and distribution', () => {
    const service = instance(model, 'c1', 'inherits');
    assert.equal(service.exportScope, 'global');
    assert.equal(service.scope.from, 'namespace');
    assert.equal(service.takeover.value, true);
    assert.equal(service.trafficDistribution.value, 'PreferRegion');
    assert.equal(service.trafficDistribution.from, 'namespace');
    assert.equal(service.hostname, 'inherits.shop.mesh.internal');
  });

  test("the Service's own label wins over its Namespace's, key by key", () => {
    const service = instance(model, 'c1', 'stays-local');
    assert.equal(service.exportScope, undefined);
    assert.equal(service.scope.from, 'service');
    assert.equal(service.hostname, undefined);
    assert.equal(service.takeover.from, 'namespace', 'takeover still comes from the namespace');
  });

  test('distribution precedence: spec.trafficDistribution, then Service annotation, then Namespace', () => {
    assert.equal(instance(model, 'c1', 'own-annotation').trafficDistribution.value, 'Any');
    const field = instance(model, 'c1', 'field-wins').trafficDistribution;
    assert.equal(field.value, 'PreferClose', 'PreferSameZone is an alias of PreferClose');
    assert.equal(field.from, 'field');
  });

  test('legacy global-only exports as global with takeover; unknown values export nothing', () => {
    const legacy = instance(model, 'c2', 'legacy');
    assert.equal(legacy.exportScope, 'global');
    assert.equal(legacy.takeover.value, true);
    assert.equal(instance(model, 'c2', 'plain').exportScope, undefined);
    assert.equal(instance(model, 'c2', 'plain').trafficDistribution.value, 'PreferNetwork');
    assert.equal(instance(model, 'c2', 'typo').exportScope, undefined);
    assert.equal(instance(model, 'c2', 'typo').scope.value, 'globl');
  });

  test('a Namespace label applies only in its own cluster', () => {
    const other = modelFrom(`
      //- clusters/c1/ns.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-scope: global } } }
      //- clusters/c2/svc.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
    `);
    assert.equal(instance(other, 'c2', 'cart').exportScope, undefined);
  });
});

describe('endpoints (SPEC §1)', () => {
  const model = modelFrom(`
    //- clusters/c1/app.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: web, namespace: shop }
    spec:
      selector: { app: web }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: { name: web-v1, namespace: shop }
    spec:
      replicas: 3
      template:
        metadata: { labels: { app: web, version: v1 } }
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: { name: web-v2, namespace: shop }
    spec:
      template:
        metadata: { labels: { app: web, version: v2 } }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: { name: web-other-ns, namespace: elsewhere }
    spec:
      replicas: 5
      template:
        metadata: { labels: { app: web } }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: { name: not-web, namespace: shop }
    spec:
      template:
        metadata: { labels: { app: api } }
    ---
    apiVersion: v1
    kind: Service
    metadata: { name: scaled-down, namespace: shop }
    spec:
      selector: { app: idle }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: { name: idle, namespace: shop }
    spec:
      replicas: 0
      template:
        metadata: { labels: { app: idle } }
    ---
    apiVersion: v1
    kind: Service
    metadata: { name: agent, namespace: shop }
    spec:
      selector: { app: agent }
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: { name: agent, namespace: shop }
    spec:
      template:
        metadata: { labels: { app: agent } }
    ---
    apiVersion: v1
    kind: Service
    metadata: { name: external-db, namespace: shop }
    spec:
      ports: [{ port: 5432 }]
    ---
    apiVersion: discovery.k8s.io/v1
    kind: EndpointSlice
    metadata:
      name: external-db-1
      namespace: shop
      labels: { kubernetes.io/service-name: external-db }
    endpoints:
      - addresses: [10.0.0.1]
      - addresses: [10.0.0.2]
        conditions: { ready: false }
      - addresses: [10.0.0.3]
        conditions: { ready: true }
    //- clusters/c2/nodes.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: agent, namespace: shop }
    spec:
      selector: { app: agent }
    ---
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: { name: agent, namespace: shop }
    spec:
      template:
        metadata: { labels: { app: agent } }
    ---
    { apiVersion: v1, kind: Node, metadata: { name: n1 } }
    ---
    { apiVersion: v1, kind: Node, metadata: { name: n2 } }
  `);

  test('sums the replicas (default 1) of workloads whose pod labels match, in the same namespace', () => {
    const web = instance(model, 'c1', 'web');
    assert.equal(web.endpoints, 4);
    assert.deepEqual(
      web.workloads.map((workload) => workload.name),
      ['web-v1', 'web-v2'],
    );
  });

  test('zero replicas are not ready', () => {
    assert.equal(instance(model, 'c1', 'scaled-down').endpoints, 0);
  });

  test('a DaemonSet counts one pod per known node, else one', () => {
    assert.equal(instance(model, 'c1', 'agent').endpoints, 1);
    assert.equal(instance(model, 'c2', 'agent').endpoints, 2);
  });

  test('a Service without a selector counts the ready endpoints of its EndpointSlices', () => {
    assert.equal(instance(model, 'c1', 'external-db').endpoints, 2);
  });
});

describe('global services and hostnames (SPEC §1, §5)', () => {
  const model = modelFrom(`
    //- mesh-topology.yaml
    clusters:
      c1: { paths: ["clusters/c1/**"] }
      c2: { paths: ["clusters/c2/**"] }
      c3: { paths: ["clusters/c3/**"], segment: pay }
    segments:
      pay: { domain: pay.mesh }
    //- clusters/c1/s.yaml
    { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } } }
    //- clusters/c2/s.yaml
    { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
    //- clusters/c3/s.yaml
    { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: segment } } }
  `);

  test('hostnames use mesh.internal, or the segment domain for clusters in a segment', () => {
    assert.deepEqual([...model.globalServices.keys()], ['cart.shop.mesh.internal', 'cart.shop.pay.mesh']);
    const global = model.globalServices.get('cart.shop.mesh.internal');
    assert.deepEqual(
      global?.instances.map((service) => service.cluster),
      ['c1'],
    );
    assert.deepEqual(
      global?.unexportedSiblings.map((service) => service.cluster),
      ['c2'],
    );
  });

  test('classifies hostnames as global, near-miss, local or external', () => {
    const domains = ['mesh.internal', 'pay.mesh'];
    assert.deepEqual(classifyHost('cart.shop.mesh.internal', 'x', domains), {
      form: 'global',
      name: 'cart',
      namespace: 'shop',
      domain: 'mesh.internal',
    });
    assert.equal(classifyHost('cart.shop.internal.mesh', 'x', domains).form, 'near-global');
    assert.equal(classifyHost('cart.shop.mesh.local', 'x', domains).form, 'near-global');
    assert.equal(classifyHost('cart.shop.mesh.intenral', 'x', domains).form, 'near-global');
    assert.deepEqual(classifyHost('cart', 'shop', domains), {
      form: 'local',
      name: 'cart',
      namespace: 'shop',
    });
    assert.deepEqual(classifyHost('cart.other.svc.cluster.local', 'shop', domains), {
      form: 'local',
      name: 'cart',
      namespace: 'other',
    });
    assert.equal(classifyHost('shop.example.com', 'x', domains).form, 'external');
    assert.equal(classifyHost('*.shop.mesh.internal', 'x', domains).form, 'external');
  });

  test('resolves hostnames against the model', () => {
    assert.equal(resolveHost(model, 'cart.shop.mesh.internal', 'c2', 'shop').kind, 'global');
    const wrong = resolveHost(model, 'cart.shop.internal.mesh', 'c2', 'shop');
    assert.equal(wrong.kind, 'wrong-suffix');
    assert.equal(wrong.kind === 'wrong-suffix' && wrong.expected, 'cart.shop.mesh.internal');
    const fromSegment = resolveHost(model, 'cart.shop.mesh.local', 'c3', 'shop');
    assert.equal(fromSegment.kind === 'wrong-suffix' && fromSegment.expected, 'cart.shop.pay.mesh');
    assert.equal(resolveHost(model, 'nope.shop.mesh.internal', 'c1', 'shop').kind, 'unknown-global');
    const local = resolveHost(model, 'cart', 'c2', 'shop');
    assert.equal(local.kind === 'local' && local.instance?.cluster, 'c2');
  });

  test('segment scope in a cluster outside any segment exports nothing', () => {
    const outside = modelFrom(`
      //- clusters/c1/s.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: segment } } }
    `);
    assert.equal(outside.services[0]?.exportScope, undefined);
    assert.equal(outside.globalServices.size, 0);
  });
});

describe('host references', () => {
  test('records every hostname in routes and rules with its range', () => {
    const model = modelFrom(`
      //- clusters/c1/routes.yaml
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: { name: r, namespace: shop }
      spec:
        parentRefs:
          - { group: "", kind: Service, name: cart, port: 80 }
          - { name: my-gateway }
        rules:
          - backendRefs:
              - { group: networking.istio.io, kind: Hostname, name: cart.shop.mesh.internal, port: 80 }
              - { name: cart-v2, port: 80 }
            filters:
              - type: RequestMirror
                requestMirror: { backendRef: { name: shadow, port: 80 } }
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: { name: vs, namespace: shop }
      spec:
        hosts: [cart]
        http:
          - route:
              - destination: { host: cart.shop.mesh.internal, subset: v1 }
            mirror: { host: shadow }
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: { name: dr, namespace: shop }
      spec:
        host: cart.shop.mesh.internal
        subsets:
          - { name: v1, labels: { version: v1 } }
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: { name: se, namespace: shop }
      spec:
        hosts: [api.example.com]
    `);
    // The model lists references by the namespace they point into, not by position: sort by line.
    const summary = [...model.references]
      .sort((a, b) => a.host.range.start.line - b.host.range.start.line)
      .map((reference) => `${reference.role} ${reference.host.value} ${reference.host.range.start.line}`);
    assert.deepEqual(summary, [
      'parentRef cart 5',
      'backendRef cart.shop.mesh.internal 9',
      'backendRef cart-v2 10',
      'mirror shadow 13',
      'virtualServiceHost cart 19',
      'destination cart.shop.mesh.internal 22',
      'mirror shadow 23',
      'destinationRuleHost cart.shop.mesh.internal 29',
      'serviceEntryHost api.example.com 37',
    ]);
    const destination = model.references.find((reference) => reference.role === 'destination');
    assert.equal(destination?.subset?.value, 'v1');
    const rule = model.references.find((reference) => reference.role === 'destinationRuleHost');
    assert.deepEqual(rule?.subsets?.keyRange.start, { line: 30, character: 2 });
    assert.ok(
      model.references.every((reference) => reference.cluster === 'c1' && reference.namespace === 'shop'),
    );
  });
});

describe('incremental workspace', () => {
  test('replacing one file re-parses only that file; an unchanged text is not re-parsed', () => {
    const { workspace } = workspaceFrom(`
      //- clusters/c1/a.yaml
      { apiVersion: v1, kind: Service, metadata: { name: a, namespace: shop, labels: { solo.io/service-scope: global } } }
      //- clusters/c2/a.yaml
      { apiVersion: v1, kind: Service, metadata: { name: a, namespace: shop } }
    `);
    const first = getModel(workspace);
    assert.equal(workspace.stats.parses, 2);
    const untouched = first.files.get('clusters/c1/a.yaml')?.parsed;

    assert.equal(
      setFile(workspace, 'clusters/c1/a.yaml', workspace.files.get('clusters/c1/a.yaml')?.text ?? ''),
      false,
    );
    assert.equal(getModel(workspace), first, 'no change, no rebuild');

    setFile(
      workspace,
      'clusters/c2/a.yaml',
      '{ apiVersion: v1, kind: Service, metadata: { name: a, namespace: shop, labels: { solo.io/service-scope: global } } }\n',
    );
    const second = getModel(workspace);
    assert.equal(workspace.stats.parses, 3, 'only the edited file was parsed again');
    assert.equal(second.files.get('clusters/c1/a.yaml')?.parsed, untouched, 'the other file keeps its parse');
    assert.equal(second.globalServices.get('a.shop.mesh.internal')?.instances.length, 2);
  });
});

describe('selector matching through the pod-label index', () => {
  // A namespace's first Services are matched by scanning its workloads, later ones through the index
  // (model/shard-assembly.ts `endpointAttacher`); a namespace of many workloads is indexed at once.
  for (const copies of [1, 12])
    test(`every Service gets exactly the workloads whose pod labels it selects, in file order (${copies * 6} workloads a namespace)`, () => {
      assertSelectorMatching(modelFrom(selectorFixture(copies)));
    });

  // An edit that moves every workload of one cluster's file makes every instance selecting them
  // again: an update scans the namespace, then each cluster's workloads, then builds the index. At
  // 300 Services a namespace, the namespace keeps a table of units (model/unit-table.ts), whose
  // update matches each selector once for the fifty copies selecting alike.
  for (const copies of [1, 12, 50])
    test(`after an edit that makes a cluster's instances again, the same (${copies * 6} workloads a namespace)`, () => {
      const { workspace, files } = workspaceFrom(selectorFixture(copies));
      const before = getModel(workspace);
      const shop = before.shards.get('shop');
      assert.equal(shop !== undefined && tableOf(shop) !== undefined, copies === 50, 'a table of units');
      const edited = files.find((file) => file.path === 'clusters/c1/shop.yaml');
      assert.ok(edited);
      setFile(workspace, edited.path, `# moved down a line\n${edited.text}`);
      const after = getModel(workspace);
      const remade = after.services.filter((service) => !before.services.includes(service));
      // Units are Service names: their instances in both clusters are made again.
      assert.equal(remade.length, 2 * copies * 6, 'every instance of the names in shop was made again');
      assertSelectorMatching(after);
    });
});

function selectorFixture(copies: number): string {
  // Services selecting one, two or three labels; workloads carrying overlapping label sets, in
  // two clusters and two namespaces, so that the rarest label often is not the first one.
  const labelSets: Record<string, string>[] = [
    { app: 'a' },
    { app: 'a', tier: 'web' },
    { app: 'a', tier: 'web', version: 'v1' },
    { app: 'b', tier: 'web' },
    { app: 'b', version: 'v1' },
    { tier: 'web', version: 'v1' },
  ];
  const flow = (labels: Record<string, string>) =>
    `{ ${Object.entries(labels)
      .map(([key, value]) => `${key}: ${value}`)
      .join(', ')} }`;
  let fixture = '';
  for (const cluster of ['c1', 'c2'])
    for (const namespace of ['shop', 'books']) {
      fixture += `\n//- clusters/${cluster}/${namespace}.yaml\n`;
      for (let copy = 0; copy < copies; copy++)
        labelSets.forEach((labels, at) => {
          const index = copy * labelSets.length + at;
          fixture += `---\n{ apiVersion: apps/v1, kind: Deployment, metadata: { name: w${index}, namespace: ${namespace} }, spec: { replicas: ${index + 1}, template: { metadata: { labels: ${flow(labels)} } } } }\n`;
          fixture += `---\n{ apiVersion: v1, kind: Service, metadata: { name: s${index}, namespace: ${namespace} }, spec: { selector: ${flow(labels)} } }\n`;
        });
    }
  return fixture;
}

function assertSelectorMatching(model: MeshModel): void {
  for (const service of model.services) {
    const selector = service.selector ?? new Map();
    const expected = model.workloads.filter(
      (workload) =>
        workload.cluster === service.cluster &&
        workload.namespace === service.namespace &&
        [...selector].every(([key, { value }]) => workload.podLabels.get(key)?.value === value),
    );
    assert.deepEqual(
      service.workloads.map((workload) => workload.resource.name?.value),
      expected.map((workload) => workload.resource.name?.value),
      `${service.cluster}/${service.namespace}/${service.name}`,
    );
    assert.equal(
      service.endpoints,
      expected.reduce((sum, workload) => sum + workload.pods, 0),
    );
  }
  assert.ok(
    model.services.some((service) => service.workloads.length >= 3),
    'selectors that match several',
  );
}

describe('shards as values', () => {
  const fixture = `
    //- clusters/east/cart.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }
    spec: { selector: { app: cart } }
    //- clusters/west/cart.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: cart, namespace: shop }
    spec: { selector: { app: cart } }
    //- clusters/west/route.yaml
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: { name: to-cart, namespace: web }
    spec: { hosts: [to-cart], http: [{ route: [{ destination: { host: cart.shop.mesh.internal } }] }] }
    //- clusters/west/broken.yaml
    a: [
  `;

  test('a model holds its shards by key, each printable', () => {
    const model = modelFrom(fixture);
    assert.deepEqual([...model.shards.keys()].sort(), [GLOBAL_SHARD, 'shop', 'web'].sort());
    // The route's destination points into shop, so it is shop's reference; web holds the route's file
    // and its own host `to-cart`.
    assert.equal(
      describeShard(model.shards.get('shop') ?? assert.fail()),
      'shard shop: 2 files (clusters/east/cart.yaml, clusters/west/cart.yaml), 2 services, 1 global service (cart.shop.mesh.internal), 1 reference',
    );
    assert.equal(
      describeShard(model.shards.get('web') ?? assert.fail()),
      'shard web: 1 file (clusters/west/route.yaml), 1 reference',
    );
    assert.equal(
      describeShard(model.shards.get(GLOBAL_SHARD) ?? assert.fail()),
      'the global shard: 1 finding',
    );
  });

  test("an edit re-assembles its shards and keeps the others' values", () => {
    const { workspace } = workspaceFrom(fixture);
    const before = getModel(workspace);
    setFile(
      workspace,
      'clusters/west/route.yaml',
      '{ apiVersion: v1, kind: ConfigMap, metadata: { name: c, namespace: web } }\n',
    );
    const after = getModel(workspace);
    assert.notEqual(after, before);
    assert.notEqual(after.shards.get('shop'), before.shards.get('shop'), 'the route pointed into shop');
    assert.equal(
      describeShard(after.shards.get('shop') ?? assert.fail()).endsWith(
        '1 global service (cart.shop.mesh.internal)',
      ),
      true,
    );
    setFile(
      workspace,
      'clusters/west/route.yaml',
      '{ apiVersion: v1, kind: ConfigMap, metadata: { name: d, namespace: web } }\n',
    );
    const again = getModel(workspace);
    assert.equal(again.shards.get('shop'), after.shards.get('shop'), 'an edit of web leaves shop as it was');
  });
});
