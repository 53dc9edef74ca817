import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';
import { markedRange, plainRange } from '../helpers/fixture';

const unexported = `
  //- clusters/c1/cart.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: cart
    namespace: shop
    annotations:
      # keep it zonal
      $0networking.istio.io/traffic-distribution$0: PreferClose
      team: checkout # owners
`;

describe('MESH151 traffic-distribution-unexported', () => {
  test('hints at the annotation key of an unexported Service; exporting it is preferred', () => {
    const checked = check(unexported, 'MESH151');
    const finding = only(checked);
    const [start, end] = checked.files[0]?.cursors ?? [];
    assert.equal(finding.file, 'clusters/c1/cart.yaml');
    assert.equal(finding.severity, 'hint');
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /networking\.istio\.io\/traffic-distribution: PreferClose on Service shop\/cart in c1 has nothing to steer: the Service has no solo\.io\/service-scope/,
    );
    assert.deepEqual(finding.related, []);
    const [exportFix, removeFix] = finding.fixes();
    assert.equal(exportFix?.title, 'Export Service shop/cart in c1 (solo.io/service-scope: global)');
    assert.equal(exportFix?.preferred, true);
    assert.equal(removeFix?.preferred, false);
    const texts = assertFixResolves(checked, finding, exportFix ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /# keep it zonal\n {4}networking\.istio\.io\/traffic-distribution: PreferClose\n {4}team: checkout # owners\n {2}labels:\n {4}solo\.io\/service-scope: global\n$/,
    );
  });

  test('removing the annotation resolves it too', () => {
    const checked = check(unexported, 'MESH151');
    const finding = only(checked);
    const removeFix = finding.fixes()[1];
    assert.equal(removeFix?.title, 'Remove the networking.istio.io/traffic-distribution annotation');
    const texts = assertFixResolves(checked, finding, removeFix ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /annotations:\n {4}# keep it zonal\n {4}team: checkout # owners\n$/,
    );
  });

  test('prefers removing the annotation when the Namespace keeps the Service local on purpose', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-scope: cluster } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, annotations: { networking.istio.io/traffic-distribution: Any } } }
    `,
      'MESH151',
    );
    const finding = only(checked);
    assert.match(finding.message, /kept local by its Namespace's solo\.io\/service-scope: "cluster"/);
    assert.deepEqual(
      finding.fixes().map((fix) => fix.preferred),
      [false, true],
    );
  });

  test('reports a Namespace annotation once when nothing it governs is exported, and exports the Namespace', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop # storefront
        annotations:
          $0networking.istio.io/traffic-distribution$0: PreferRegion
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop } }
    `,
      'MESH151',
    );
    const finding = only(checked);
    assert.deepEqual(plainRange(finding.range), markedRange(checked.files, 'clusters/c1/shop.yaml'));
    assert.match(
      finding.message,
      /on Namespace shop in c1 .*neither the Namespace nor any Service inheriting the annotation is exported/,
    );
    const [exportFix] = finding.fixes();
    assert.equal(exportFix?.title, 'Export Namespace shop in c1 (solo.io/service-scope: global)');
    const texts = assertFixResolves(checked, finding, exportFix ?? { title: '', changes: [] });
    assert.match(
      texts.get('clusters/c1/shop.yaml') ?? '',
      /name: shop # storefront\n {2}annotations:\n {4}networking\.istio\.io\/traffic-distribution: PreferRegion\n {2}labels:\n {4}solo\.io\/service-scope: global\n---/,
    );
  });

  test('is silent when the annotation steers an exported service, or when the scope is wrong rather than local', () => {
    const checked = check(
      `
      //- clusters/c1/shop.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, annotations: { networking.istio.io/traffic-distribution: PreferClose } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop, labels: { solo.io/service-scope: global }, annotations: { networking.istio.io/traffic-distribution: Any } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: typo, namespace: shop, labels: { solo.io/service-scope: globl }, annotations: { networking.istio.io/traffic-distribution: Any } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: seg, namespace: shop, labels: { solo.io/service-scope: segment }, annotations: { networking.istio.io/traffic-distribution: Any } } }
      ---
      { apiVersion: v1, kind: Namespace, metadata: { name: exported, labels: { solo.io/service-scope: global }, annotations: { networking.istio.io/traffic-distribution: Any } } }
    `,
      'MESH151',
    );
    assert.deepEqual(checked.findings, []);
  });
});
