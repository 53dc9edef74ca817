import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli';
import { writeFixture } from '../helpers/paths';

// The fix-safety repros of issue #13, run as written: `mesh-lens check --fix` on a workspace on disk.

const cli = (...args: string[]) => runCli(args);

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

function findings(root: string): { code: string; file: string; severity: string }[] {
  return JSON.parse(cli('check', root, '--format', 'json').stdout);
}

const deployment = (cluster: string) => `
  //- clusters/${cluster}/web-deploy.yaml
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: web, namespace: shop }
  spec: { template: { metadata: { labels: { app: web } } } }
`;

describe('a fix never loses a byte', () => {
  for (const [style, scopeValue] of [
    ['a block list', '\n            - global'],
    ['a block map', '\n            scope: global'],
    ['a block list with a comment after it', '\n            - global   # asked by the web team'],
  ] as const) {
    test(`MESH160's export fix replaces ${style} as a label value and nothing else`, () => {
      const service = `
      //- clusters/c1/web.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: shop
        labels:
          solo.io/service-takeover: "true"
          solo.io/service-scope:${scopeValue}
      spec:
        selector: {app: web}
        ports:
          - port: 80
    `;
      const root = writeFixture(service + deployment('c1'));
      const before = read(root, 'clusters/c1/web.yaml');
      const run = cli('check', root, '--fix');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const after = read(root, 'clusters/c1/web.yaml');
      const [doc] = parseAllDocuments(after);
      const value = doc?.toJS();
      assert.equal(value.metadata.labels['solo.io/service-scope'], 'global');
      assert.deepEqual(value.spec, { selector: { app: 'web' }, ports: [{ port: 80 }] }, after);
      assert.deepEqual(Object.keys(value.metadata), ['name', 'namespace', 'labels']);
      // Everything after the label's value is as it was, byte for byte.
      const tail = before.slice(before.indexOf('\nspec:'));
      assert.ok(after.endsWith(tail), after);
      if (style.includes('comment')) assert.match(after, /# asked by the web team/);
    });
  }
});

describe('fixes do not widen what was not at fault', () => {
  const segmented = `
    //- mesh-topology.yaml
    clusters:
      c1: { paths: ["clusters/c1/**"], segment: payments }
      c2: { paths: ["clusters/c2/**"], segment: payments }
      c3: { paths: ["clusters/c3/**"] }
    segments:
      payments: { domain: payments.mesh }
  `;
  const ledger = (cluster: string) => `
    //- clusters/${cluster}/ledger.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: ledger
      namespace: finance
      labels:
        solo.io/service-scope: segment
    spec:
      selector: { app: ledger }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: { name: ledger, namespace: finance }
    spec: { template: { metadata: { labels: { app: ledger } } } }
  `;

  test('MESH111 in the odd cluster is not "fixed" into a MESH102 that rewrites the correct clusters', () => {
    const root = writeFixture(segmented + ledger('c1') + ledger('c2') + ledger('c3'));
    const before = ['c1', 'c2', 'c3'].map((cluster) => read(root, `clusters/${cluster}/ledger.yaml`));
    const run = cli('check', root, '--fix');
    const after = ['c1', 'c2', 'c3'].map((cluster) => read(root, `clusters/${cluster}/ledger.yaml`));
    assert.deepEqual(after, before, 'no cluster is rewritten: setting c3 to global would raise MESH102');
    assert.match(
      run.stdout,
      /not applied clusters\/c3\/ledger\.yaml: .* \(MESH111\): it would raise MESH102 in clusters\/c3\/ledger\.yaml/,
    );
    assert.deepEqual(
      findings(root).map((finding) => finding.code),
      ['MESH111'],
      'the finding stays for a person to decide',
    );
  });
});

describe('rewrites are suggestions', () => {
  const reviews = (namespace: string, name: string, selector = true) => `
    //- clusters/c1/reviews.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: ${JSON.stringify(name)}
      namespace: ${JSON.stringify(namespace)}
      labels: { solo.io/service-scope: global }
    spec:
      ports: [{ port: 9080 }]
      ${selector ? `selector: { app: ${JSON.stringify(name)} }` : ''}
    ${selector ? `---\n    { apiVersion: apps/v1, kind: Deployment, metadata: { name: r, namespace: ${JSON.stringify(namespace)} }, spec: { template: { metadata: { labels: { app: ${JSON.stringify(name)}, version: v1 } } } } }` : ''}
    //- clusters/c1/rule.yaml
    apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata: { name: reviews, namespace: ${JSON.stringify(namespace)} }
    spec:
      host: ${name}.${namespace}.mesh.internal
      subsets:
        - { name: v1, labels: { version: v1 } }
  `;

  test('--fix leaves the MESH130 split alone; --unsafe-fixes applies it', () => {
    const root = writeFixture(reviews('shop', 'reviews'));
    const rule = read(root, 'clusters/c1/rule.yaml');
    cli('check', root, '--fix');
    assert.equal(read(root, 'clusters/c1/rule.yaml'), rule);
    const run = cli('check', root, '--fix', '--unsafe-fixes');
    assert.match(run.stdout, /Split the subsets/);
    assert.match(read(root, 'clusters/c1/rule.yaml'), /kind: HTTPRoute/);
  });

  test('names that YAML 1.1 reads as booleans or null are quoted in what the split writes', () => {
    const root = writeFixture(reviews('on', 'null'));
    cli('check', root, '--fix', '--unsafe-fixes');
    const written = [read(root, 'clusters/c1/reviews.yaml'), read(root, 'clusters/c1/rule.yaml')].join(
      '\n---\n',
    );
    const documents = parseAllDocuments(written, { version: '1.1' }).map((doc) => doc.toJS());
    assert.ok(
      documents.some((doc) => doc?.kind === 'HTTPRoute'),
      `the split was applied:\n${written}`,
    );
    const created = documents.filter((doc) => doc?.metadata?.name !== undefined);
    assert.ok(created.length >= 4, written);
    for (const doc of created) {
      assert.equal(typeof doc.metadata.name, 'string', written);
      assert.equal(doc.metadata.namespace, 'on', written);
    }
  });

  test('a Service without a selector is not split into subset Services selecting every pod', () => {
    const root = writeFixture(reviews('shop', 'reviews', false));
    const run = cli('check', root, '--fix-dry-run', '--unsafe-fixes');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /MESH130 subset-routing-unsupported/, 'the finding is there');
    assert.doesNotMatch(run.stdout, /Split the subsets|kind: Service/);
  });

  test('info findings are not fixed unless asked', () => {
    // A DestinationRule with subsets on a local hostname of a service exported without takeover: info.
    const root = writeFixture(`
      //- clusters/c1/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: shop, labels: { solo.io/service-scope: global } }
      spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
      ---
      { apiVersion: apps/v1, kind: Deployment, metadata: { name: r, namespace: shop }, spec: { template: { metadata: { labels: { app: reviews, version: v1 } } } } }
      //- clusters/c1/rule.yaml
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: { name: reviews, namespace: shop }
      spec:
        host: reviews
        subsets:
          - { name: v1, labels: { version: v1 } }
    `);
    assert.deepEqual(
      findings(root).map((finding) => [finding.code, finding.severity]),
      [['MESH130', 'info']],
    );
    assert.doesNotMatch(cli('check', root, '--fix-dry-run', '--unsafe-fixes').stdout, /kind: HTTPRoute/);
    assert.match(
      cli('check', root, '--fix-dry-run', '--unsafe-fixes', '--fix-severity', 'info').stdout,
      /\+kind: HTTPRoute/,
    );
  });
});

describe('MESH103 compares clusters, not copies within one', () => {
  test('two copies of a Service in one cluster are not "different ports in c1 than in c1"', () => {
    const service = (port: number) =>
      `{ apiVersion: v1, kind: Service, metadata: { name: web, namespace: shop, labels: { solo.io/service-scope: global } }, spec: { ports: [{ port: ${port} }] } }`;
    const root = writeFixture(`
      //- clusters/c1/web.yaml
      ${service(80)}
      //- clusters/c1/web-copy.yaml
      ${service(8080)}
    `);
    assert.deepEqual(
      findings(root).filter((finding) => finding.code === 'MESH103'),
      [],
    );
    const dryRun = cli('check', root, '--fix-dry-run');
    assert.doesNotMatch(dryRun.stdout, /ports/);
  });
});
