import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFixResolves, check, only } from '../helpers/checks';
import { markedRange, plainRange } from '../helpers/fixture';

const topology = `
  //- mesh-topology.yaml
  clusters:
    c1: { paths: ["clusters/c1/**"] }
    c2: { paths: ["clusters/c2/**"], segment: payments }
  segments:
    payments: { domain: payments.mesh }
`;

describe('MESH111 segment-scope-without-segment', () => {
  test('reports scope segment in a cluster outside every segment, pointing at the cluster declaration', () => {
    const checked = check(
      `${topology}
      //- clusters/c1/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        namespace: shop
        labels:
          solo.io/service-scope: $0segment$0 # only our segment
    `,
      'MESH111',
    );
    const finding = only(checked);
    const [start, end] = checked.files[1]?.cursors ?? [];
    assert.equal(finding.file, 'clusters/c1/cart.yaml');
    assert.equal(finding.severity, 'error');
    assert.deepEqual(plainRange(finding.range), { start, end });
    assert.match(
      finding.message,
      /cluster c1 belongs to no segment \(known segments: payments\): Service shop\/cart in c1 is exported nowhere/,
    );
    assert.deepEqual(finding.related, [
      {
        file: 'mesh-topology.yaml',
        range: finding.related[0]?.range,
        message: 'cluster c1 is declared here, without a segment',
      },
    ]);
    assert.equal(finding.related[0]?.range.start.line, 1);
    const [fix] = finding.fixes();
    assert.equal(fix?.title, 'Change the scope to `global`');
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/c1/cart.yaml') ?? '',
      /solo\.io\/service-scope: global # only our segment\n/,
    );
  });

  test('reports a Namespace label once, naming the Services it governs', () => {
    const checked = check(
      `
      //- clusters/solo/shop.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels:
          solo.io/service-scope: $0'segment'$0 # team-only
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop, labels: { solo.io/service-scope: cluster } } }
    `,
      'MESH111',
    );
    const finding = only(checked);
    assert.deepEqual(plainRange(finding.range), markedRange(checked.files, 'clusters/solo/shop.yaml'));
    assert.match(finding.message, /Namespace shop in solo exports nothing \(it governs Service cart\)/);
    assert.deepEqual(finding.related, []);
    const texts = assertFixResolves(checked, finding, finding.fixes()[0] ?? { title: '', changes: [] });
    assert.match(texts.get('clusters/solo/shop.yaml') ?? '', /solo\.io\/service-scope: 'global' # team-only/);
  });

  test('is silent for scope segment inside a segment (topology or istio-system label), and for global', () => {
    const checked = check(
      `${topology}
      //- clusters/c2/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: segment } } }
      //- clusters/c1/cart.yaml
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } } }
      //- clusters/c3/istio-system.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: istio-system, labels: { admin.solo.io/segment: payments } } }
      ---
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-scope: segment } } }
    `,
      'MESH111',
    );
    assert.deepEqual(checked.findings, []);
  });
});
