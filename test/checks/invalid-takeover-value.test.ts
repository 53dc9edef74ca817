import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';
import { plainRange } from '../helpers/fixture';

describe('MESH161 invalid-takeover-value', () => {
  test('reports a value other than "true" at the value and sets it to "true", keeping the quotes', () => {
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
          # route the local name globally
          solo.io/service-takeover: $0"yes"$0 # please
    `,
      'MESH161',
    );
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.equal(finding.file, 'clusters/c1/cart.yaml');
    assert.equal(finding.severity, 'error');
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /only recognizes "true" \(case-sensitive\): "yes" on Service shop\/cart in c1 leaves takeover off/,
    );
    assert.deepEqual(finding.related, []);
    const [setTrue, remove] = finding.fixes();
    assert.equal(setTrue?.title, 'Set it to "true"');
    assert.equal(setTrue?.preferred, true);
    assert.equal(remove?.preferred, false);
    const texts = assertFixResolves(checked, finding, setTrue ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /# route the local name globally\n {4}solo\.io\/service-takeover: "true" # please\n$/,
    );
  });

  test('an unquoted true is a boolean the API rejects: it gets quoted', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      # boolean by accident
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global, solo.io/service-takeover: $0true$0 } } }
    `,
      'MESH161',
    );
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /Unquoted `true` is a YAML boolean, .*the Kubernetes API rejects Service shop\/cart in c1/,
    );
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? { title: '', changes: [] });
    assert.match(texts.get('clusters/c1/cart.yaml') ?? '', /solo\.io\/service-takeover: "true" \} \} \}\n$/);
  });

  test('a label with no value gets "true" written after its colon, at the key', () => {
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
          $0solo.io/service-takeover$0: # to do
    `,
      'MESH161',
    );
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.deepEqual(plainRange(finding.range), { start, end });
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /\n {4}solo\.io\/service-takeover: "true" # to do\n$/,
    );
  });

  test('prefers removing a label that says false, on a Service or a Namespace', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels:
          solo.io/service-scope: global
          solo.io/service-takeover: 'false' # opt out
          # labels end here
      //- clusters/c2/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-takeover: '1' } } }
    `,
      'MESH161',
    );
    assert.equal(checked.findings.length, 2);
    const [namespace, one] = checked.findings;
    assert.ok(namespace && one);
    assert.match(
      namespace.message,
      /"false" on Namespace shop in c1 leaves takeover off, as no label would\. Remove the label/,
    );
    assert.deepEqual(
      namespace.fixes().map((fix) => [fix.title, fix.preferred]),
      [
        ['Set it to "true"', false],
        ['Remove solo.io/service-takeover', true],
      ],
    );
    const texts = assertFixResolves(checked, namespace, namespace.fixes()[1] ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/shop.yaml') ?? '',
      /labels:\n {4}solo\.io\/service-scope: global\n {4}# opt out\n {4}# labels end here\n$/,
    );
    const quoted = assertFixResolves(checked, one, one.fixes()[0] ?? { title: '', changes: [] });
    assert.match(quoted.get('clusters/c2/cart.yaml') ?? '', /solo\.io\/service-takeover: 'true' \}/);
  });

  test('is silent for the string "true" in any quoting, and for other kinds', () => {
    const checked = check(
      `
      //- clusters/c1/services.yaml
      { apiVersion: v1, kind: Service, metadata: { name: a, namespace: shop, labels: { solo.io/service-takeover: "true" } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: b, namespace: shop, labels: { solo.io/service-takeover: 'true' } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: c, namespace: shop, labels: { solo.io/service-takeover: !!str true } } }
      ---
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-takeover: "true" } } }
      ---
      { apiVersion: v1, kind: ConfigMap, metadata: { name: d, namespace: shop, labels: { solo.io/service-takeover: "yes" } } }
    `,
      'MESH161',
    );
    assert.deepEqual(checked.findings, []);
  });
});
