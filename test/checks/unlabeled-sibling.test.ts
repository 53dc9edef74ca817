import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Fix } from '../../shared/src';
import { assertFixResolves, check, only } from '../helpers/checks';
import { asJson, markedRange, plainRange } from '../helpers/fixture';

const exported = `
  //- clusters/c1/ratings.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: ratings
    namespace: shop
    labels:
      solo.io/service-scope: $0global$0 # exported here
  spec:
    selector: { app: ratings }
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: r, namespace: shop }, spec: { template: { metadata: { labels: { app: ratings } } } } }
`;

describe('MESH101 unlabeled-sibling', () => {
  test('warns on the unexported sibling, with the exported instance as related location', () => {
    const checked = check(
      `${exported}
      //- clusters/c2/ratings.yaml
      # the sibling
      apiVersion: v1
      kind: Service
      metadata:
        name: $0ratings$0
        namespace: shop
      spec:
        selector: { app: ratings }
      ---
      { apiVersion: apps/v1, kind: Deployment, metadata: { name: r, namespace: shop }, spec: { replicas: 2, template: { metadata: { labels: { app: ratings } } } } }
    `,
      'MESH101',
    );
    const finding = only(checked);
    assert.equal(finding.file, 'clusters/c2/ratings.yaml');
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(plainRange(finding.range), markedRange(checked.files, 'clusters/c2/ratings.yaml'));
    assert.match(
      finding.message,
      /Service shop\/ratings is not exported in c2.*c1.*ratings\.shop\.mesh\.internal.*2 endpoints are missing/,
    );
    assert.deepEqual(asJson(finding.related), [
      {
        file: 'clusters/c1/ratings.yaml',
        range: markedRange(checked.files, 'clusters/c1/ratings.yaml'),
        message: 'exported in c1 (Service label)',
      },
    ]);
    const [fix] = finding.fixes();
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(
      texts.get('clusters/c2/ratings.yaml') ?? '',
      /namespace: shop\n {2}labels:\n {4}solo\.io\/service-scope: global\nspec:/,
    );
  });

  test('is silent when every sibling is exported, or deliberately local', () => {
    const checked = check(
      `${exported}
      //- clusters/c2/ratings.yaml
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: shop, labels: { solo.io/service-scope: global } } }
      //- clusters/c3/ratings.yaml
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: shop, labels: { solo.io/service-scope: cluster } } }
      //- clusters/c4/other.yaml
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: other } }
    `,
      'MESH101',
    );
    assert.deepEqual(checked.findings, []);
  });

  test('labels the Service even when the exported side exports through its namespace; the Namespace fix says what else it exports', () => {
    const checked = check(
      `
      //- clusters/c1/ns.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: shop, labels: { solo.io/service-scope: global } } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      //- clusters/c2/ns.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels:
          team: checkout   # owners
      ---
      { apiVersion: v1, kind: Service, metadata: { name: cart, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: payments, namespace: shop } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: audit, namespace: shop, labels: { solo.io/service-scope: cluster } } }
    `,
      'MESH101',
    );
    const finding = only(checked);
    const [own, viaNamespace] = finding.fixes();
    assert.equal(own?.title, 'Label Service shop/cart in c2 with solo.io/service-scope=global');
    assert.equal(own?.preferred, true);
    assert.match(
      finding.message,
      /Label it solo\.io\/service-scope=global\./,
      'the message asks for what the preferred fix does',
    );
    const ownTexts = assertFixResolves(checked, finding, own as Fix);
    assert.match(
      ownTexts.get('clusters/c2/ns.yaml') ?? '',
      /\{ name: cart, namespace: shop, labels: \{ solo\.io\/service-scope: global \} \}/,
    );
    assert.doesNotMatch(ownTexts.get('clusters/c2/ns.yaml') ?? '', /checkout {3}# owners\n {4}solo/);

    // `audit` keeps its own `cluster` scope, so only `payments` is exported along with cart.
    assert.equal(
      viaNamespace?.title,
      'Label Namespace shop in c2 with solo.io/service-scope=global (also exports payments)',
    );
    assert.notEqual(viaNamespace?.preferred, true);
    const texts = assertFixResolves(checked, finding, viaNamespace as Fix);
    assert.match(
      texts.get('clusters/c2/ns.yaml') ?? '',
      / {4}team: checkout {3}# owners\n {4}solo\.io\/service-scope: global\n---/,
    );
  });

  test('offers "label all siblings" across clusters, and it clears every finding', () => {
    const sibling = (cluster: string) => `
      //- clusters/${cluster}/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ratings, namespace: shop }
    `;
    const checked = check(exported + sibling('c2') + sibling('c3'), 'MESH101');
    assert.equal(checked.findings.length, 2);
    const labelAll = checked.findings[0]?.fixes()[1];
    assert.equal(
      labelAll?.title,
      'Label all unlabeled siblings of ratings.shop.mesh.internal with solo.io/service-scope=global',
    );
    assert.deepEqual(
      labelAll?.changes.map((change) => change.file),
      ['clusters/c2/ratings.yaml', 'clusters/c3/ratings.yaml'],
    );
    const [first] = checked.findings;
    assert.ok(first && labelAll);
    const texts = assertFixResolves(checked, first, labelAll);
    assert.match(
      texts.get('clusters/c3/ratings.yaml') ?? '',
      /metadata: \{ name: ratings, namespace: shop, labels: \{ solo\.io\/service-scope: global \} \}/,
    );
  });

  test('is suppressed by a disable-next-line comment or the ignore annotation', () => {
    const checked = check(
      `${exported}
      //- clusters/c2/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata:
        # mesh-lens-disable-next-line MESH101
        name: ratings
        namespace: shop
      //- clusters/c3/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
        namespace: shop
        annotations: { mesh-lens.io/ignore: "MESH130, MESH101" }
    `,
      'MESH101',
    );
    assert.deepEqual(checked.findings, []);
  });
});
