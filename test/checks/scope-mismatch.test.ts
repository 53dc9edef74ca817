import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertAnnotatedFindings, assertFixResolves, check, only } from '../helpers/checks';
import { markedRange, plainRange } from '../helpers/fixture';

const topology = `
  //- mesh-topology.yaml
  clusters:
    c1: { paths: ["clusters/c1/**"], segment: payments }
    c2: { paths: ["clusters/c2/**"], segment: payments }
    c3: { paths: ["clusters/c3/**"], segment: payments }
  segments:
    payments: { domain: payments.mesh }
`;

const ledger = (cluster: string, scope: string) => `
  //- clusters/${cluster}/ledger.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: ledger
    namespace: finance
    labels:
      solo.io/service-scope: ${scope}
`;

describe('MESH102 scope-mismatch', () => {
  test('warns at the odd scope label, with the majority instances as related locations', () => {
    const checked = assertAnnotatedFindings(
      `${topology}${ledger('c1', '$0global$0')}${ledger('c2', 'global-only')}
      //- clusters/c3/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        namespace: finance
        labels:
          # kept inside the segment
          solo.io/service-scope: segment # why
      #                          ^^^^^^^ warning MESH102
    `,
    );
    const finding = only(checked);
    assert.match(
      finding.message,
      /Service finance\/ledger is exported with scope `segment` in c3, but with `global` in c1 and c2: the endpoints in c3 are offered only to clients inside segment `payments`/,
    );
    assert.deepEqual(
      finding.related.map((related) => [related.file, related.range.start.line, related.message]),
      [
        ['clusters/c1/ledger.yaml', 6, 'scope `global` in c1 (Service label)'],
        ['clusters/c2/ledger.yaml', 6, 'scope `global-only` in c2 (Service label)'],
      ],
    );
    assert.deepEqual(
      plainRange(finding.related[0]?.range),
      markedRange(checked.files, 'clusters/c1/ledger.yaml'),
    );

    const [toMajority, toThis] = finding.fixes();
    assert.ok(toMajority?.preferred);
    assert.equal(
      toMajority.title,
      'Align to the majority (global): label Service finance/ledger in c3 solo.io/service-scope=global',
    );
    const texts = assertFixResolves(checked, finding, toMajority);
    assert.match(
      texts.get('clusters/c3/ledger.yaml') ?? '',
      / {4}# kept inside the segment\n {4}solo\.io\/service-scope: global # why\n/,
    );

    assert.ok(toThis && !toThis.preferred);
    assert.equal(
      toThis.title,
      'Align every instance to segment: label Services finance/ledger in c1 and finance/ledger in c2 solo.io/service-scope=segment',
    );
    const aligned = assertFixResolves(checked, finding, toThis);
    assert.match(aligned.get('clusters/c1/ledger.yaml') ?? '', /solo\.io\/service-scope: segment\n/);
    assert.match(aligned.get('clusters/c2/ledger.yaml') ?? '', /solo\.io\/service-scope: segment\n/);
    assert.match(aligned.get('clusters/c3/ledger.yaml') ?? '', /service-scope: segment # why/);
  });

  test('is silent when scopes agree, and for near-misses that are not a mismatch', () => {
    const checked = check(
      `${topology}${ledger('c1', 'global')}${ledger('c2', 'global-only')}
      //- clusters/c3/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ledger, namespace: finance, labels: { solo.io/service-scope: cluster } }
      ---
      apiVersion: v1
      kind: Service
      metadata: { name: ledger, namespace: audit, labels: { solo.io/service-scope: segment } }
      //- clusters/c4/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: ledger, namespace: finance, labels: { solo.io/service-scope: segment } }
    `,
      'MESH102',
    );
    // c3 keeps `finance/ledger` local, `audit/ledger` is another service, and c4 is in no segment,
    // so its `segment` label exports nothing (MESH111's concern, not a mismatch).
    assert.deepEqual(checked.findings, []);
  });

  test('reports an inherited Namespace label once, and the fix labels the Services, not the Namespace', () => {
    const service = (cluster: string, name: string) => `
      //- clusters/${cluster}/${name}.yaml
      { apiVersion: v1, kind: Service, metadata: { name: ${name}, namespace: finance, labels: { solo.io/service-scope: global } } }
    `;
    const checked = check(
      `${topology}${service('c1', 'cart')}${service('c1', 'ledger')}${service('c2', 'cart')}${service('c2', 'ledger')}
      //- clusters/c3/finance.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: finance
        labels:
          solo.io/service-scope: $0segment   # the whole namespace
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        namespace: finance
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        namespace: finance
        labels:
          team: books # owners
    `,
      'MESH102',
    );
    const finding = only(checked);
    assert.equal(finding.file, 'clusters/c3/finance.yaml');
    assert.deepEqual(finding.range.start, checked.files.at(-1)?.cursors[0]);
    assert.match(
      finding.message,
      /^Namespace finance in c3 exports Services finance\/cart and finance\/ledger with scope `segment` \(inherited from this namespace label\), but their instances in c1 and c2 use `global`/,
    );
    assert.equal(finding.related.length, 4);
    const [fix] = finding.fixes();
    assert.ok(fix?.preferred);
    const texts = assertFixResolves(checked, finding, fix);
    const after = texts.get('clusters/c3/finance.yaml') ?? '';
    assert.match(after, /solo\.io\/service-scope: segment {3}# the whole namespace\n/);
    assert.match(
      after,
      /name: cart\n {2}namespace: finance\n {2}labels:\n {4}solo\.io\/service-scope: global\n---/,
    );
    assert.match(after, / {4}team: books # owners\n {4}solo\.io\/service-scope: global\n$/);
  });

  test('never offers `segment` to an instance outside a segment; ties go to the first cluster', () => {
    const checked = check(
      `
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], segment: payments }
        c2: { paths: ["clusters/c2/**"] }
      segments:
        payments: { domain: payments.mesh }
      ${ledger('c1', 'segment')}${ledger('c2', 'global')}
    `,
      'MESH102',
    );
    const finding = only(checked);
    assert.equal(finding.file, 'clusters/c2/ledger.yaml');
    assert.match(finding.message, /while those in c1 stay inside their segment/);
    assert.equal(finding.fixes().length, 1);
    const [fix] = finding.fixes();
    assert.equal(
      fix?.title,
      'Align every instance to global: label Service finance/ledger in c1 solo.io/service-scope=global',
    );
    assert.ok(!fix?.preferred, 'it rewrites an instance that had no finding: offered, never preferred');
    const texts = assertFixResolves(checked, finding, fix);
    assert.match(texts.get('clusters/c1/ledger.yaml') ?? '', /solo\.io\/service-scope: global\n/);
  });
});
