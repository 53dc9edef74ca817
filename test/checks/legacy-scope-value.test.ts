import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';
import { plainRange } from '../helpers/fixture';

describe('MESH113 legacy-scope-value', () => {
  test('hints at global-only and rewrites it as global plus a quoted takeover label', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        namespace: shop
        labels:
          # legacy export
          solo.io/service-scope: $0global-only$0
          app: cart # owner label
      spec:
        selector: { app: cart }
    `,
      'MESH113',
    );
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.equal(finding.file, 'clusters/c1/cart.yaml');
    assert.equal(finding.severity, 'hint');
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /legacy spelling of `global` plus takeover: Service shop\/cart in c1 is exported globally/,
    );
    assert.deepEqual(finding.related, []);
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Replace with `global` plus solo.io/service-takeover: "true"');
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      / {4}# legacy export\n {4}solo\.io\/service-scope: global\n {4}app: cart # owner label\n {4}solo\.io\/service-takeover: "true"\nspec:/,
    );
  });

  test('on a Namespace in flow style, once, and keeps an explicit takeover label as written', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-scope: "global-only" } } } # legacy
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop } }
      //- clusters/c2/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global-only, solo.io/service-takeover: "false" } } }
    `,
      'MESH113',
    );
    assert.equal(checked.findings.length, 2);
    const [namespace, explicit] = checked.findings;
    assert.ok(namespace && explicit);
    assert.match(namespace.message, /Namespace shop in c1/);
    const texts = assertFixResolves(checked, namespace, namespace.fixes()[0] ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/shop.yaml') ?? '',
      /labels: \{ solo\.io\/service-scope: "global", solo\.io\/service-takeover: "true" \} \} \} # legacy/,
    );
    assert.equal(explicit.fixes()[0]?.title, 'Replace `global-only` with `global`');
    const kept = assertFixResolves(checked, explicit, explicit.fixes()[0] ?? { title: '', changes: [] });
    assert.match(
      kept.get('clusters/c2/cart.yaml') ?? '',
      /labels: \{ solo\.io\/service-scope: global, solo\.io\/service-takeover: "false" \}/,
    );
  });

  test('is silent for global with explicit takeover, and for other scopes', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global, solo.io/service-takeover: "true" } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop, labels: { solo.io/service-scope: Global-Only } } }
      ---
      { apiVersion: v1, kind: ConfigMap, metadata: { name: cfg, namespace: shop, labels: { solo.io/service-scope: global-only } } }
    `,
      'MESH113',
    );
    assert.deepEqual(checked.findings, []);
  });
});
