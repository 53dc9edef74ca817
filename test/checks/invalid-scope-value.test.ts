import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAnnotatedFindings, assertFixResolves, check, only } from '../helpers/checks';
import { plainRange } from '../helpers/fixture';

describe('MESH110 invalid-scope-value', () => {
  test('reports a wrongly cased scope on a Service at its value, and lowercases it', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        namespace: shop
        labels:
          # exported to every cluster
          solo.io/service-scope: $0Global$0 # keep me
    `,
      'MESH110',
    );
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.equal(finding.file, 'clusters/c1/cart.yaml');
    assert.equal(finding.severity, 'error');
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /`Global` is not a solo\.io\/service-scope value .*Service shop\/cart in c1 is not exported, so cart\.shop\.mesh\.internal gets no endpoints from c1\. Did you mean `global`\?/,
    );
    assert.deepEqual(finding.related, []);
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Replace `Global` with `global`');
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(texts.get('clusters/c1/cart.yaml') ?? '', /solo\.io\/service-scope: global # keep me\n/);
  });

  test('reports a Namespace label once, not once per Service inheriting it, and keeps quotes', () => {
    const checked = assertAnnotatedFindings(
      `
      //- clusters/c1/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: { solo.io/service-scope: "globl" } # typo
      #                                  ^^^^^^^ error MESH110
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop } }
    `,
    );
    const finding = only(checked);
    assert.match(
      finding.message,
      /Namespace shop in c1 exports nothing \(it governs Services cart and web\)/,
    );
    const [fix] = finding.fixes();
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/c1/shop.yaml') ?? '',
      /labels: \{ solo\.io\/service-scope: "global" \} # typo/,
    );
  });

  test('offers a far-off guess without preferring it', () => {
    const checked = check(
      `
      //- clusters/c1/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: everywhere } } }
    `,
      'MESH110',
    );
    const finding = only(checked);
    assert.doesNotMatch(finding.message, /Did you mean/);
    const [fix] = finding.fixes();
    assert.equal(fix?.preferred, false);
    assertFixResolves(checked, finding, fix ?? { title: '', changes: [] });
  });

  test('is silent on every valid value, including empty and the legacy one, and on other kinds', () => {
    const service = (name: string, scope: string) =>
      `{ apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: shop, labels: { solo.io/service-scope: ${scope} } } }`;
    const checked = check(
      `
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], segment: team }
      segments:
        team: { domain: team.mesh }
      //- clusters/c1/services.yaml
      ${service('a', 'global')}
      ---
      ${service('b', 'segment')}
      ---
      ${service('c', 'cluster')}
      ---
      ${service('d', 'local')}
      ---
      ${service('e', '""')}
      ---
      ${service('f', 'global-only')}
      ---
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-scope: global } } }
      ---
      { apiVersion: v1, kind: ConfigMap, metadata: { name: g, namespace: shop, labels: { other/scope: Global } } }
    `,
      'MESH110',
    );
    assert.deepEqual(checked.findings, []);
  });
});
