import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';
import { asJson, markedRange, plainRange } from '../helpers/fixture';

const cartService = `
      //- clusters/c1/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: $0cart$0 # the front door
        namespace: shop
      spec:
        selector:
          app: cart
`;

describe('MESH112 label-on-wrong-kind', () => {
  test('reports the scope label in a pod template and moves it to the selecting Service', () => {
    const checked = check(
      `${cartService}
      //- clusters/c1/deployment.yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: cart-v1
        namespace: shop
      spec:
        selector:
          matchLabels: { app: cart }
        template:
          metadata:
            labels:
              app: cart
              # meant for the service
              $0solo.io/service-scope$0: global # export it
              version: v1
    `,
      'MESH112',
    );
    const finding = only(checked);
    const [start, end] = checked.files[1]?.cursors ?? [];
    assert.equal(finding.file, 'clusters/c1/deployment.yaml');
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /solo\.io\/service-scope in the pod template labels of Deployment shop\/cart-v1 in c1 is ignored: .*nothing is exported by it\. Move it to Service shop\/cart, which selects these pods\./,
    );
    assert.deepEqual(asJson(finding.related), [
      {
        file: 'clusters/c1/service.yaml',
        range: markedRange(checked.files, 'clusters/c1/service.yaml'),
        message: 'Service shop/cart selects these pods',
      },
    ]);
    assert.equal(finding.fixes().length, 1);
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Move solo.io/service-scope: global to Service shop/cart');
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/c1/deployment.yaml') ?? '',
      / {8}app: cart\n {8}# meant for the service\n {8}# export it\n {8}version: v1\n$/,
    );
    assert.match(
      texts.get('clusters/c1/service.yaml') ?? '',
      /name: cart # the front door\n {2}namespace: shop\n {2}labels:\n {4}solo\.io\/service-scope: global\nspec:/,
    );
  });

  test('moves takeover from workload metadata and the distribution from template annotations, to every selecting Service', () => {
    const checked = check(
      `${cartService}
      ---
      apiVersion: v1
      kind: Service
      metadata: { name: cart-admin, namespace: shop, annotations: { team: checkout } }
      spec: { selector: { app: cart } }
      //- clusters/c1/statefulset.yaml
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: cart-db
        namespace: shop
        labels:
          solo.io/service-takeover: "true"
      spec:
        template:
          metadata:
            labels: { app: cart }
            annotations:
              networking.istio.io/traffic-distribution: PreferClose
    `,
      'MESH112',
    );
    assert.equal(checked.findings.length, 2);
    const [takeover, distribution] = checked.findings;
    assert.ok(takeover && distribution);
    assert.match(
      takeover.message,
      /in the labels of StatefulSet shop\/cart-db in c1 is ignored: .*takeover stays off/,
    );
    assert.match(
      distribution.message,
      /networking\.istio\.io\/traffic-distribution in the pod template annotations of StatefulSet shop\/cart-db .*clients keep the default distribution\. Move it to Services shop\/cart, shop\/cart-admin, which select these pods\./,
    );
    assert.deepEqual(
      distribution.related.map((related) => related.message),
      ['Service shop/cart selects these pods', 'Service shop/cart-admin selects these pods'],
    );
    const texts = assertFixResolves(
      checked,
      distribution,
      distribution.fixes()[0] ?? { title: '', changes: [] },
    );
    assert.deepEqual(
      distribution.fixes()[0]?.changes.map((change) => change.file),
      ['clusters/c1/statefulset.yaml', 'clusters/c1/service.yaml'],
    );
    const services = texts.get('clusters/c1/service.yaml') ?? '';
    assert.match(
      services,
      /namespace: shop\n {2}annotations:\n {4}networking\.istio\.io\/traffic-distribution: PreferClose\nspec:/,
    );
    assert.match(
      services,
      /annotations: \{ team: checkout, networking\.istio\.io\/traffic-distribution: PreferClose \}/,
    );
    const moved = assertFixResolves(checked, takeover, takeover.fixes()[0] ?? { title: '', changes: [] });
    assert.match(
      moved.get('clusters/c1/service.yaml') ?? '',
      /labels:\n {4}solo\.io\/service-takeover: "true"\n/,
    );
    assert.doesNotMatch(moved.get('clusters/c1/statefulset.yaml') ?? '', /service-takeover/);
  });

  test('only offers to remove it when no Service selects the pods', () => {
    const checked = check(
      `${cartService}
      //- clusters/c1/cronjob.yaml
      apiVersion: batch/v1
      kind: CronJob
      metadata: { name: cleanup, namespace: shop }
      spec:
        jobTemplate:
          spec:
            template:
              metadata:
                labels:
                  app: cleanup
                  # why not
                  solo.io/service-scope: global
    `,
      'MESH112',
    );
    const finding = only(checked);
    assert.match(
      finding.message,
      /pod template labels of CronJob shop\/cleanup .*No Service in the workspace selects these pods/,
    );
    assert.deepEqual(asJson(finding.related), []);
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Remove solo.io/service-scope from CronJob shop/cleanup');
    assert.equal(fix?.preferred, false);
    const texts = assertFixResolves(checked, finding, fix ?? { title: '', changes: [] });
    assert.match(texts.get('clusters/c1/cronjob.yaml') ?? '', /app: cleanup\n {12}# why not\n$/);
  });

  test('removes a stray copy when the selecting Service already sets the key, and never fixes a selected-on label', () => {
    const checked = check(
      `
      //- clusters/c1/app.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: cluster } }, spec: { selector: { app: cart } } }
      ---
      { apiVersion: v1, kind: Pod, metadata: { name: cart-0, namespace: shop, labels: { app: cart, solo.io/service-scope: global } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: odd, namespace: shop }, spec: { selector: { solo.io/service-takeover: "true" } } }
      ---
      { apiVersion: v1, kind: Pod, metadata: { name: odd-0, namespace: shop, labels: { solo.io/service-takeover: "true" } } }
    `,
      'MESH112',
    );
    assert.equal(checked.findings.length, 2);
    const [stray, selected] = checked.findings;
    assert.equal(
      stray?.fixes()[0]?.title,
      'Remove solo.io/service-scope from Pod shop/cart-0 (its Services set it)',
    );
    assert.ok(stray?.fixes()[0]?.preferred);
    const texts = assertFixResolves(checked, stray, stray.fixes()[0]);
    assert.match(texts.get('clusters/c1/app.yaml') ?? '', /labels: \{ app: cart \}/);
    assert.match(texts.get('clusters/c1/app.yaml') ?? '', /solo\.io\/service-scope: cluster/);
    assert.deepEqual(selected?.fixes(), []);
  });

  test('is silent on Services, Namespaces, gateway network labels, segment labels and other clusters', () => {
    const checked = check(
      `
      //- clusters/c1/ok.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global, solo.io/service-takeover: "true" }, annotations: { networking.istio.io/traffic-distribution: PreferClose } } }
      ---
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-scope: global }, annotations: { networking.istio.io/traffic-distribution: Any } } }
      ---
      { apiVersion: v1, kind: Namespace, metadata: { name: istio-system, labels: { topology.istio.io/network: net1 } } }
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: istio-remote-peer-c2
        namespace: istio-system
        labels: { topology.istio.io/network: net2 }
      spec: { gatewayClassName: istio-remote, addresses: [{ value: 10.0.0.2 }] }
      ---
      { apiVersion: apps/v1, kind: Deployment, metadata: { name: cart, namespace: shop, labels: { app: cart, solo.io/other: global } }, spec: { template: { metadata: { labels: { app: cart, service-scope: global } } } } }
    `,
      'MESH112',
    );
    assert.deepEqual(checked.findings, []);
  });
});
