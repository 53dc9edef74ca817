import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';
import { markedRange, plainRange } from '../helpers/fixture';

describe('MESH160 takeover-unexported', () => {
  test('warns at the takeover key of an unexported Service and exports it', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        namespace: shop
        labels:
          app: cart # owner
          $0solo.io/service-takeover$0: "true"
          # end of labels
      spec:
        selector: { app: cart }
    `,
      'MESH160',
    );
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.equal(finding.file, 'clusters/c1/cart.yaml');
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /solo\.io\/service-takeover on Service shop\/cart in c1 takes nothing over: the Service has no solo\.io\/service-scope, so there is no global service for cart\.shop\.svc\.cluster\.local to route to/,
    );
    assert.deepEqual(finding.related, []);
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Export Service shop/cart in c1 (solo.io/service-scope: global)');
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /app: cart # owner\n {4}solo\.io\/service-takeover: "true"\n {4}solo\.io\/service-scope: global\n {4}# end of labels\nspec:/,
    );
  });

  test('reports a Namespace label once, and does not prefer overriding an explicit local scope', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels:
          $0solo.io/service-takeover$0: "true" # take over everything
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop } }
      //- clusters/c2/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: local, solo.io/service-takeover: "true" } } }
    `,
      'MESH160',
    );
    assert.equal(checked.findings.length, 2);
    const [namespace, local] = checked.findings;
    assert.ok(namespace && local);
    assert.deepEqual(plainRange(namespace.range), markedRange(checked.files, 'clusters/c1/shop.yaml'));
    assert.match(namespace.message, /on Namespace shop in c1 .*the \*\.shop\.svc\.cluster\.local hostnames/);
    const texts = assertFixResolves(checked, namespace, namespace.fixes()[0] ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/shop.yaml') ?? '',
      /solo\.io\/service-takeover: "true" # take over everything\n {4}solo\.io\/service-scope: global\n---/,
    );
    assert.match(local.message, /kept local by its solo\.io\/service-scope: "local"/);
    assert.equal(local.fixes()[0]?.preferred, false);
  });

  test('is silent for exported services, a Namespace whose exported Services inherit it, off values and wrong scopes', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-takeover: "true" } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop, labels: { solo.io/service-scope: global, solo.io/service-takeover: "true" } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: off, namespace: shop, labels: { solo.io/service-takeover: "false" } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: no, namespace: shop, labels: { solo.io/service-takeover: "No" } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: typo, namespace: shop, labels: { solo.io/service-scope: globl, solo.io/service-takeover: "true" } } }
    `,
      'MESH160',
    );
    assert.deepEqual(checked.findings, []);
  });
});
