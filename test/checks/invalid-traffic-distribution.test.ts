import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAnnotatedFindings, assertFixResolves, check, only } from '../helpers/checks';
import { plainRange } from '../helpers/fixture';

describe('MESH150 invalid-traffic-distribution', () => {
  test('reports a wrongly cased value at the value, says Istio falls back to Any, and fixes the case', () => {
    const checked = assertAnnotatedFindings(
      `
      //- clusters/c1/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        namespace: shop
        labels: { solo.io/service-scope: global }
        annotations:
          # stay in the zone
          networking.istio.io/traffic-distribution: "preferClose" # zonal
      #                                             ^^^^^^^^^^^^^ error MESH150
    `,
    );
    const finding = only(checked);
    assert.match(
      finding.message,
      /`preferClose` is not a traffic distribution .*Istio silently falls back to `Any`, so clients of Service shop\/cart in c1 spread requests .*Did you mean `PreferClose`\?/,
    );
    assert.deepEqual(finding.related, []);
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Replace `preferClose` with `PreferClose`');
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /# stay in the zone\n {4}networking\.istio\.io\/traffic-distribution: "PreferClose" # zonal\n/,
    );
  });

  test('reports a Namespace annotation once, naming the Services that inherit it, and fixes a typo', () => {
    const checked = assertAnnotatedFindings(
      `
      //- clusters/c1/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: { solo.io/service-scope: global }
        annotations: { networking.istio.io/traffic-distribution: PreferRegoin } # regional
      #                                                          ^^^^^^^^^^^^ error MESH150
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop, annotations: { networking.istio.io/traffic-distribution: Any } } }
    `,
    );
    const finding = only(checked);
    assert.match(finding.message, /clients of Namespace shop in c1 \(Service cart\)/);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/shop.yaml') ?? '',
      /annotations: \{ networking\.istio\.io\/traffic-distribution: PreferRegion \} # regional/,
    );
  });

  test('does not prefer a far-off guess', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, annotations: { networking.istio.io/traffic-distribution: RoundRobin } } }
    `,
      'MESH150',
    );
    const finding = only(checked);
    assert.doesNotMatch(finding.message, /Did you mean/);
    assert.equal(finding.fixes()[0]?.preferred, false);
  });

  test('an annotation with no value is reported at its key, and a value can be written', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, annotations: { $0networking.istio.io/traffic-distribution$0: } } }
    `,
      'MESH150',
    );
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.deepEqual(plainRange(finding.range), { start, end });
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Set it to `Any`');
    const texts = assertFixResolves(checked, finding, fix ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /annotations: \{ networking\.istio\.io\/traffic-distribution: Any \}/,
    );
  });

  test('is silent on every valid value, on the Kubernetes field, and on other annotations', () => {
    const service = (name: string, value: string) =>
      `{ apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: shop, annotations: { networking.istio.io/traffic-distribution: ${value} } } }`;
    const checked = check(
      `
      //- clusters/c1/services.yaml
      ${service('a', 'PreferNetwork')}
      ---
      ${service('b', 'PreferClose')}
      ---
      ${service('c', 'PreferSameZone')}
      ---
      ${service('d', 'PreferRegion')}
      ---
      ${service('e', 'PreferSameNode')}
      ---
      ${service('f', 'Any')}
      ---
      { apiVersion: v1, kind: Service, metadata: { name: g, namespace: shop, annotations: { istio.io/traffic-distribution: any } }, spec: { trafficDistribution: PreferClose } }
    `,
      'MESH150',
    );
    assert.deepEqual(checked.findings, []);
  });
});
