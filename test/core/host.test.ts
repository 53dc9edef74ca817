import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Cancelled, checks, type Finding, getModel, MeshLens, runChecks } from '../../shared/src';
import { parseFixture } from '../../shared/src/text/inline-workspace';
import { exampleHost } from '../helpers/example-host';
import { workspaceFrom } from '../helpers/fixture';
import { exampleWorkspace, gitopsExample, kustomizeExample } from '../helpers/paths';

// The analysis host: changes go in, snapshots come out, and every answer is a function of a
// snapshot. A snapshot never changes; once a later change supersedes it, reading it is cancelled.

const WORKSPACE = `
  //- clusters/east/cart.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }
  spec: { selector: { app: cart }, ports: [{ port: 80 }] }
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: cart, namespace: shop }, spec: { replicas: 2, template: { metadata: { labels: { app: cart } } } } }
  //- clusters/west/cart.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: cart, namespace: shop }
  spec: { selector: { app: cart }, ports: [{ port: 80 }] }
  //- clusters/west/route.yaml
  apiVersion: networking.istio.io/v1
  kind: VirtualService
  metadata: { name: to-cart, namespace: shop }
  spec:
    hosts: [to-cart]
    http: [{ route: [{ destination: { host: cart.shop.mesh.internal } }] }]
`;

function loaded(): MeshLens {
  const host = new MeshLens();
  host.applyChange({ set: parseFixture(WORKSPACE).map((file) => [file.path, file.text] as const) });
  return host;
}

describe('the analysis host', () => {
  test('a snapshot answers as the functions of the core do on the same files', () => {
    const snapshot = loaded().snapshot();
    const model = getModel(workspaceFrom(WORKSPACE).workspace);
    assert.deepEqual(
      JSON.parse(JSON.stringify(snapshot.findings())),
      JSON.parse(JSON.stringify(runChecks(model))),
    );
    assert.deepEqual(
      snapshot.globalServices().map((row) => row.hostname),
      ['cart.shop.mesh.internal'],
    );
    assert.equal(snapshot.reach('cart.shop.mesh.internal', 'west').chosen[0]?.cluster, 'east');
    const [sibling] = snapshot.findingsOf(['clusters/west/cart.yaml']).get('clusters/west/cart.yaml') ?? [];
    assert.equal(sibling?.code, 'MESH101');
    assert.deepEqual(
      snapshot.fixes(sibling ?? assert.fail()).map((fix) => fix.title),
      ['Label Service shop/cart in west with solo.io/service-scope=global'],
    );
  });

  test('a change returns a new snapshot with the files whose findings changed; the old one is cancelled', () => {
    const host = loaded();
    const before = host.snapshot();
    assert.ok(before.findings().length > 0, 'read, so that the next snapshot is analysed from it');
    const after = host.applyChange({
      set: [
        [
          'clusters/west/cart.yaml',
          'apiVersion: v1\nkind: Service\nmetadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }\nspec: { selector: { app: cart }, ports: [{ port: 80 }] }\n',
        ],
      ],
    });
    assert.notEqual(after, before);
    assert.ok(after.changedFiles !== 'all' && after.changedFiles.has('clusters/west/cart.yaml'));
    assert.deepEqual(
      after.findings().filter((finding) => finding.code === 'MESH101'),
      [],
    );
    assert.throws(() => before.findings(), Cancelled);
    assert.throws(
      () => before.hover('clusters/west/route.yaml', { line: 5, character: 40 }, () => ''),
      Cancelled,
    );
  });

  test('nothing is analysed until a snapshot is read; changes between reads are reported together', () => {
    const host = loaded();
    host.snapshot().findings();
    const west = parseFixture(WORKSPACE)[1]?.text ?? '';
    host.applyChange({ set: [['clusters/west/cart.yaml', `${west}# one\n`]] });
    const route = parseFixture(WORKSPACE)[2]?.text ?? '';
    const last = host.applyChange({
      set: [
        ['clusters/west/route.yaml', route.replace('cart.shop.mesh.internal', 'cart.shop.internal.mesh')],
      ],
    });
    assert.ok(last.changedFiles !== 'all');
    assert.ok(last.changedFiles.has('clusters/west/route.yaml'), JSON.stringify([...last.changedFiles]));
  });

  test('a change that changes nothing keeps the snapshot', () => {
    const host = loaded();
    const before = host.snapshot();
    const text = parseFixture(WORKSPACE)[0]?.text ?? '';
    assert.equal(host.applyChange({ set: [['clusters/east/cart.yaml', text]] }), before);
    assert.ok(before.findings().length > 0);
  });

  test('severity settings are applied when findings are read: a new snapshot, every file changed', () => {
    const host = loaded();
    const raised = host.applyChange({ severity: new Map([['MESH101', 'error']]) });
    assert.equal(raised.changedFiles, 'all');
    assert.equal(raised.findings().find((finding) => finding.code === 'MESH101')?.severity, 'error');
    const off = host.applyChange({ severity: new Map([['MESH101', 'off']]) });
    assert.deepEqual(
      off.findings().filter((finding) => finding.code === 'MESH101'),
      [],
    );
  });

  test('deleted and unreadable files', () => {
    const host = loaded();
    const snapshot = host.applyChange({
      deleted: ['clusters/west/cart.yaml'],
      skipped: [['clusters/west/secret.yaml', 'the file cannot be read (permission denied)']],
    });
    const codes = snapshot.findings().map((finding) => `${finding.code} ${finding.file}`);
    assert.ok(!codes.includes('MESH101 clusters/west/cart.yaml'));
    assert.ok(codes.includes('MESH195 clusters/west/secret.yaml'));
    assert.equal(snapshot.textOf('clusters/west/secret.yaml'), undefined);
    assert.equal(snapshot.fileCount, 3);
  });

  test('fix-all from a snapshot leaves the host as it was', () => {
    const host = loaded();
    const snapshot = host.snapshot();
    const result = snapshot.fixAll();
    assert.deepEqual(
      result.files.map((file) => file.path),
      ['clusters/west/cart.yaml'],
    );
    assert.equal(host.snapshot(), snapshot, 'still current: the fixes went to a fork');
    assert.ok(snapshot.findings().some((finding) => finding.code === 'MESH101'));
  });
});

// Two hosts in one process (a language server with two workspace folders, tests in one runner)
// share nothing mutable: what a host remembers across models (interned strings, MESH121's
// suggestions, completion's match targets) lives in its own session cache. Each answers as it
// would alone, however their changes interleave.
describe('two hosts in one process', () => {
  // The same route in both, each with a service the other lacks: MESH121's suggestions for the
  // same written hostname differ, and so do the completions for the same typed text.
  const workspaceWith = (service: string) => `
    //- clusters/east/${service}.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: ${service}, namespace: shop, labels: { solo.io/service-scope: global } }
    spec: { selector: { app: ${service} }, ports: [{ port: 80 }] }
    ---
    { apiVersion: apps/v1, kind: Deployment, metadata: { name: ${service}, namespace: shop }, spec: { replicas: 1, template: { metadata: { labels: { app: ${service} } } } } }
    //- clusters/west/route.yaml
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: { name: to-${service}, namespace: shop }
    spec:
      hosts: [to-${service}]
      http:
        - route: [{ destination: { host: cartx.shop.mesh.internal } }]
        - route: [{ destination: { host: car$0 } }]
  `;
  const FIRST = parseFixture(workspaceWith('cart'));
  const SECOND = parseFixture(workspaceWith('carts'));
  const ROUTE = 'clusters/west/route.yaml';

  /** What a host answers: its findings with their fixes, and the completions at the route's cursor. */
  function answers(host: MeshLens, files: typeof FIRST) {
    const snapshot = host.snapshot();
    const route = files.find((file) => file.path === ROUTE) ?? assert.fail();
    return {
      findings: snapshot.findings().map((finding) => ({
        code: finding.code,
        file: finding.file,
        message: finding.message,
        fixes: finding.fixes().map((fix) => fix.title),
      })),
      completions: snapshot
        .completion(ROUTE, route.text, route.cursors[0] ?? assert.fail())
        ?.items.map((item) => item.label),
    };
  }

  function alone(files: typeof FIRST) {
    const host = new MeshLens();
    host.applyChange({ set: files.map((file) => [file.path, file.text] as const) });
    return answers(host, files);
  }

  test('interleaved changes and reads give each host the answers it gives alone', () => {
    const first = new MeshLens();
    const second = new MeshLens();
    for (let index = 0; index < Math.max(FIRST.length, SECOND.length); index++) {
      for (const [host, files] of [
        [first, FIRST],
        [second, SECOND],
      ] as const) {
        const file = files[index];
        if (file) host.applyChange({ set: [[file.path, file.text]] });
        answers(host, files);
      }
    }
    // Unexport and export again in the first host: its set of hostnames goes and comes back, while
    // the second host reads in between.
    const [service] = FIRST;
    if (!service) assert.fail();
    first.applyChange({ set: [[service.path, service.text.replace('global', 'cluster')]] });
    answers(first, FIRST);
    answers(second, SECOND);
    first.applyChange({ set: [[service.path, service.text]] });

    const firstAlone = alone(FIRST);
    const secondAlone = alone(SECOND);
    assert.deepEqual(answers(first, FIRST), firstAlone);
    assert.deepEqual(answers(second, SECOND), secondAlone);
    // The fixture is what the test claims: MESH121 suggests each host's own service.
    assert.ok(
      firstAlone.findings.some((finding) => finding.fixes.includes('Change to cart.shop.mesh.internal')),
      JSON.stringify(firstAlone.findings),
    );
    assert.ok(
      secondAlone.findings.some((finding) => finding.fixes.includes('Change to carts.shop.mesh.internal')),
      JSON.stringify(secondAlone.findings),
    );
    assert.notDeepEqual(firstAlone.completions, secondAlone.completions);
  });
});

// What the server shows in an open document before the scan ends (`Snapshot.fileLocalFindingsOf`,
// issue #18): for each file, from that file and the topology file alone, what the full analysis
// finds there with the checks declared `fileLocal`, no more and no less.
describe('file-local findings', () => {
  const fileLocalCodes = new Set(checks.filter((check) => check.fileLocal).map((check) => check.code));
  const BROKEN = `
    //- mesh-topology.yaml
    clusters:
      - name: east
        paths: [clusters/east]
      - name: west
        paths: [clusters/west]
    severity:
      MESH195: warning
    //- clusters/east/cart.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: cart, namespace: shop }
    ---
    kind: [
    //- clusters/west/cart.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: cart, namespace: shop, labels: { solo.io/service-scope: global } }
    //- clusters/west/templated.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: {{ .Release.Name }}-orders
  `;
  const fixture = new MeshLens();
  fixture.applyChange({ set: parseFixture(BROKEN).map((file) => [file.path, file.text] as const) });
  const hosts: [string, MeshLens][] = [
    ['a workspace with a syntax error and a template', fixture],
    ...[exampleWorkspace, kustomizeExample, gitopsExample].map(
      (root) => [root.split('/').at(-1) as string, exampleHost(root)] as [string, MeshLens],
    ),
  ];
  for (const [name, host] of hosts) {
    test(`equal the full analysis's findings of the file-local checks, file by file: ${name}`, () => {
      const snapshot = host.snapshot();
      const files = host.paths();
      const early = snapshot.fileLocalFindingsOf(files);
      const full = snapshot.findingsOf(files);
      const shown = (findings: Finding[]) =>
        findings.map(({ code, severity, range, message }) => ({ code, severity, range, message }));
      for (const file of files)
        assert.deepEqual(
          shown(early.get(file) ?? []),
          shown((full.get(file) ?? []).filter((finding) => fileLocalCodes.has(finding.code))),
          file,
        );
      if (name.startsWith('a workspace')) {
        const codes = [...early.values()].flat().map((finding) => finding.code);
        assert.deepEqual(codes.sort(), ['MESH190', 'MESH195'], 'the fixture has both');
      }
    });
  }
});
