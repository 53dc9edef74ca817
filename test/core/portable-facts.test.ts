import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createWorkspace,
  type Finding,
  MeshLens,
  readPortableFacts,
  type Snapshot,
  setFile,
  type Workspace,
} from '../../shared/src';
import { filesUnder } from '../helpers/example-host';
import { parseFixture } from '../helpers/fixture';
import { exampleWorkspace, gitopsExample, kustomizeExample } from '../helpers/paths';
import { randomWorkspace } from '../helpers/random-workspace';

// Files read in a worker thread reach the host as portable facts (a structured clone, as
// `postMessage` makes it). A host fed those must answer exactly as one that parsed every file
// itself: the same findings, the same fixes (which read the YAML nodes again through the revived
// resources), hovers, lenses and services.

/** A host that parsed every file, and one that got each file's facts read "in another thread". */
function bothHosts(files: Iterable<readonly [string, string]>): {
  parsedHere: Snapshot;
  readElsewhere: Snapshot;
} {
  const list = [...files];
  const here = new MeshLens();
  const elsewhere = new MeshLens();
  const read = list.map(
    ([path, text]) => [path, text, structuredClone(readPortableFacts(path, text, []))] as const,
  );
  return { parsedHere: here.applyChange({ set: list }), readElsewhere: elsewhere.applyChange({ set: read }) };
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

function describeFinding(snapshot: Snapshot, finding: Finding) {
  const { fixes: _fixes, ...rest } = finding;
  const fixes = snapshot.fixes(finding).map((fix) => ({ title: fix.title, changes: fix.changes }));
  return plain({ ...rest, fixes });
}

function assertSameAnswers(files: readonly (readonly [string, string])[]): void {
  const { parsedHere, readElsewhere } = bothHosts(files);
  const here = parsedHere.findings();
  const elsewhere = readElsewhere.findings();
  assert.deepEqual(
    elsewhere.map((finding) => describeFinding(readElsewhere, finding)),
    here.map((finding) => describeFinding(parsedHere, finding)),
  );
  assert.deepEqual(plain(readElsewhere.globalServices()), plain(parsedHere.globalServices()));
  for (const [path, text] of files) {
    assert.deepEqual(plain(readElsewhere.codeLenses(path)), plain(parsedHere.codeLenses(path)), path);
    assert.deepEqual(
      plain(readElsewhere.documentSymbols(path)),
      plain(parsedHere.documentSymbols(path)),
      path,
    );
    const lines = text.split('\n');
    for (let line = 0; line < lines.length; line += 3) {
      const position = { line, character: Math.min(4, lines[line]?.length ?? 0) };
      assert.deepEqual(
        readElsewhere.hover(path, position, (file) => file)?.markdown,
        parsedHere.hover(path, position, (file) => file)?.markdown,
        `${path}:${line}`,
      );
    }
  }
}

describe('facts read in another thread', () => {
  for (const [name, root] of [
    ['bookinfo-multicluster', exampleWorkspace],
    ['kustomize-multicluster', kustomizeExample],
    ['gitops-multicluster', gitopsExample],
  ] as const) {
    test(`the ${name} example answers the same`, () => {
      const files = filesUnder(root);
      assert.ok(files.length > 5);
      assertSameAnswers(files);
    });
  }

  test('syntax errors, templates, a modeline, Lists and Gateway API refs answer the same', () => {
    const files = parseFixture(`
//- clusters/east/broken.yaml
apiVersion: v1
kind: Service
metadata: {name: a
//- clusters/east/templated.yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ .Values.name }}
//- lone.yaml
# mesh-lens: cluster=west
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: cart, namespace: shop, labels: {solo.io/service-scope: global}}
    spec: {selector: {app: cart}, ports: [{port: 80}]}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: cart, namespace: shop}
    spec: {template: {metadata: {labels: {app: cart, solo.io/service-scope: global}}}}
//- clusters/east/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  rules:
    - backendRefs:
        - {name: cart.shop.mesh.internal, port: 80}
        - {group: networking.istio.io, kind: Hostname, name: cart.shop.mesh.internl, port: 80}
`).map((file) => [file.path, file.text] as const);
    assertSameAnswers(files);
    const { readElsewhere } = bothHosts(files);
    const codes = new Set(readElsewhere.findings().map((finding) => finding.code));
    for (const code of ['MESH190', 'MESH195']) assert.ok(codes.has(code), `${code} in ${[...codes]}`);
  });

  test('random workspaces answer the same', () => {
    fc.assert(
      fc.property(randomWorkspace, (workspace) => {
        assertSameAnswers([...workspace]);
      }),
      { numRuns: 30 },
    );
  });

  test('facts read from another text or for other segment domains are not taken: the host reads the file', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {url: "http://cart.shop.payments.corp"}\n';
    const references = (workspace: Workspace) =>
      workspace.files
        .get('a.yaml')
        ?.facts.declarations.hostReferences.map((reference) => reference.host.value);

    const workspace = createWorkspace();
    const otherText = text.replace('name: c', 'name: configuration');
    assert.equal(
      setFile(workspace, 'a.yaml', text, structuredClone(readPortableFacts('a.yaml', otherText, []))),
      true,
    );
    assert.equal(workspace.files.get('a.yaml')?.facts.parsed.resources[0]?.name?.value, 'c');

    // Read for `payments.corp`, in a workspace that scans for no such domain: read again, without it.
    setFile(
      workspace,
      'a.yaml',
      `${text}\n`,
      structuredClone(readPortableFacts('a.yaml', `${text}\n`, ['payments.corp'])),
    );
    assert.deepEqual(references(workspace), []);
    // Read for the domains the workspace scans for: taken as they are.
    workspace.valueDomains = ['payments.corp'];
    setFile(workspace, 'a.yaml', text, structuredClone(readPortableFacts('a.yaml', text, ['payments.corp'])));
    assert.deepEqual(references(workspace), ['cart.shop.payments.corp']);
  });
});
