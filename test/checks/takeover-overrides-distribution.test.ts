import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, only } from '../helpers/checks';
import { asJson, markedRange, plainRange } from '../helpers/fixture';

describe('MESH152 takeover-overrides-distribution', () => {
  test('warns at the written distribution of an exported Service with takeover, pointing at the takeover label', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        namespace: shop
        labels:
          solo.io/service-scope: global
          $0solo.io/service-takeover$0: "true"
        annotations:
          networking.istio.io/traffic-distribution: $0PreferClose$0
    `,
      'MESH152',
    );
    const finding = only(checked);
    assert.equal(finding.file, 'clusters/c1/cart.yaml');
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(plainRange(finding.range), markedRange(checked.files, 'clusters/c1/cart.yaml', 1));
    assert.match(
      finding.message,
      /Takeover is on for Service shop\/cart in c1: cart\.shop\.svc\.cluster\.local now routes like cart\.shop\.mesh\.internal, so `PreferClose` can no longer keep local callers in their cluster/,
    );
    assert.deepEqual(asJson(finding.related), [
      {
        file: 'clusters/c1/cart.yaml',
        range: markedRange(checked.files, 'clusters/c1/cart.yaml'),
        message: 'solo.io/service-takeover (c1)',
      },
    ]);
    assert.deepEqual(finding.fixes(), []);
  });

  test('reports a Namespace annotation once for all its Services, and sees the field and the legacy scope', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: { solo.io/service-scope: global, solo.io/service-takeover: "true" }
        annotations: { networking.istio.io/traffic-distribution: $0PreferSameNode$0 }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop } }
      //- clusters/c2/legacy.yaml
      { apiVersion: v1, kind: Service, metadata: { name: old, namespace: shop, labels: { solo.io/service-scope: global-only } }, spec: { trafficDistribution: PreferSameZone } }
    `,
      'MESH152',
    );
    assert.equal(checked.findings.length, 2);
    const [namespace, legacy] = checked.findings;
    assert.equal(namespace?.file, 'clusters/c1/shop.yaml');
    assert.deepEqual(plainRange(namespace?.range), markedRange(checked.files, 'clusters/c1/shop.yaml'));
    assert.match(
      namespace?.message ?? '',
      /Services shop\/cart, shop\/web in c1: cart\.shop\.svc\.cluster\.local, web\.shop\.svc\.cluster\.local now route like/,
    );
    assert.deepEqual(
      namespace?.related.map((related) => [related.range.start.line, related.message]),
      [[4, 'solo.io/service-takeover (c1)']],
    );
    assert.equal(legacy?.file, 'clusters/c2/legacy.yaml');
    assert.match(legacy?.message ?? '', /`PreferSameZone` can no longer/);
    assert.deepEqual(
      legacy?.related.map((related) => related.message),
      ['takeover by the legacy scope global-only (c2)'],
    );
  });

  test('is silent for Any, the default, no takeover, unexported services and invalid values', () => {
    const service = (name: string, labels: string, distribution?: string) =>
      `{ apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: shop, labels: { ${labels} }${distribution ? `, annotations: { networking.istio.io/traffic-distribution: ${distribution} }` : ''} } }`;
    const takeover = 'solo.io/service-scope: global, solo.io/service-takeover: "true"';
    const checked = check(
      `
      //- clusters/c1/services.yaml
      ${service('any', takeover, 'Any')}
      ---
      ${service('default', takeover)}
      ---
      ${service('local-pref', 'solo.io/service-scope: global', 'PreferClose')}
      ---
      ${service('unexported', 'solo.io/service-takeover: "true"', 'PreferClose')}
      ---
      ${service('invalid', takeover, 'Closest')}
      ---
      ${service('off', 'solo.io/service-scope: global, solo.io/service-takeover: "false"', 'PreferNetwork')}
    `,
      'MESH152',
    );
    assert.deepEqual(checked.findings, []);
  });
});
