import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Finding, type Fix, MeshLens, type Snapshot } from '../../shared/src';
import { applyTextEdits } from '../../shared/src/fixes/apply-edits';
import { parseFixture } from '../../shared/src/text/inline-workspace';

// "Disable MESHnnn for this line / for this resource" (issue #19 part 2): the two suppressions
// checks/suppression.ts reads, written for the user, each tried by the fix oracle.

function open(fixture: string): { host: MeshLens; snapshot: Snapshot; texts: Map<string, string> } {
  const files = parseFixture(fixture).map((file) => [file.path, file.text] as const);
  const host = new MeshLens();
  return { host, snapshot: host.applyChange({ set: files }), texts: new Map(files) };
}

function findingOf(snapshot: Snapshot, code: string): Finding {
  const finding = snapshot.findings().find((candidate) => candidate.code === code);
  assert.ok(finding, `a ${code} finding`);
  return finding;
}

/** The fix applied: the edited file's text, and every finding after it. */
function applied(host: MeshLens, texts: Map<string, string>, fix: Fix | undefined) {
  assert.ok(fix, 'a suppression is offered');
  const [change] = fix.changes;
  assert.ok(change);
  const text = applyTextEdits(texts.get(change.file) ?? '', change.edits);
  const findings = host.applyChange({ set: [[change.file, text]] }).findings();
  return {
    text,
    findings: findings.map((finding) => `${finding.code} ${finding.file}:${finding.range.start.line}`),
  };
}

const UNEXPORTED_SIBLING = `
  //- clusters/c1/web.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
    labels: { solo.io/service-scope: global }
  spec:
    selector: { app: web }
  ---
  { apiVersion: apps/v1, kind: Deployment, metadata: { name: web, namespace: shop }, spec: { template: { metadata: { labels: { app: web } } } } }
  //- clusters/c2/web.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
  spec:
    selector: { app: web }
`;

describe('suppression quick-fixes', () => {
  test('two per finding, never preferred: the line comment and the resource annotation', () => {
    const { snapshot } = open(UNEXPORTED_SIBLING);
    const finding = findingOf(snapshot, 'MESH101');
    assert.deepEqual(
      snapshot.suppressions(finding).map((fix) => [fix.title, fix.preferred]),
      [
        ['Disable MESH101 for this line', false],
        ['Disable MESH101 for Service shop/web (mesh-lens.io/ignore)', false],
      ],
    );
  });

  test('the line comment goes above the finding, indented like it, and silences only that finding', () => {
    const { host, snapshot, texts } = open(UNEXPORTED_SIBLING);
    const finding = findingOf(snapshot, 'MESH101');
    const before = snapshot.findings().filter((other) => other !== finding).length;
    const { text, findings } = applied(host, texts, snapshot.suppressions(finding)[0]);
    const findingLine = texts.get(finding.file)?.split('\n')[finding.range.start.line] ?? '';
    const indent = /^ */.exec(findingLine)?.[0] ?? '';
    assert.deepEqual(text.split('\n').slice(finding.range.start.line, finding.range.start.line + 2), [
      `${indent}# mesh-lens-disable-next-line MESH101`,
      findingLine,
    ]);
    assert.equal(findings.filter((line) => line.startsWith('MESH101')).length, 0);
    assert.equal(findings.length, before);
  });

  test('an existing comment above the line takes the code into its list', () => {
    const fixture = UNEXPORTED_SIBLING.replace(
      '//- clusters/c2/web.yaml\n  apiVersion: v1\n  kind: Service\n  metadata:\n',
      '//- clusters/c2/web.yaml\n  apiVersion: v1\n  kind: Service\n  metadata:\n    # mesh-lens-disable-next-line MESH170\n',
    );
    const { host, snapshot, texts } = open(fixture);
    const { text, findings } = applied(host, texts, snapshot.suppressions(findingOf(snapshot, 'MESH101'))[0]);
    assert.match(text, /^ {2}# mesh-lens-disable-next-line MESH170 MESH101\n {2}name: web$/m);
    assert.deepEqual(
      findings.filter((line) => line.startsWith('MESH101')),
      [],
    );
  });

  test('the annotation is created under metadata, or the code added to the list already there', () => {
    const { host, snapshot, texts } = open(UNEXPORTED_SIBLING);
    const created = applied(host, texts, snapshot.suppressions(findingOf(snapshot, 'MESH101'))[1]);
    assert.match(created.text, /^ {2}annotations:\n {4}mesh-lens\.io\/ignore: MESH101\n/m);
    assert.deepEqual(
      created.findings.filter((line) => line.startsWith('MESH101')),
      [],
    );

    const listed = UNEXPORTED_SIBLING.replace(
      '    namespace: shop\n  spec:',
      '    namespace: shop\n    annotations: { mesh-lens.io/ignore: "MESH170" }\n  spec:',
    );
    const second = open(listed);
    const appended = applied(
      second.host,
      second.texts,
      second.snapshot.suppressions(findingOf(second.snapshot, 'MESH101'))[1],
    );
    assert.match(appended.text, /annotations: \{ mesh-lens\.io\/ignore: "MESH170,MESH101" \}/);
    assert.deepEqual(
      appended.findings.filter((line) => line.startsWith('MESH101')),
      [],
    );
  });

  test('a file with CRLF line breaks gets a CRLF comment line', () => {
    const { snapshot } = open(UNEXPORTED_SIBLING.replace(/\n/g, '\r\n'));
    const [line] = snapshot.suppressions(findingOf(snapshot, 'MESH101'));
    assert.match(
      line?.changes[0]?.edits[0]?.newText ?? '',
      /^ {2}# mesh-lens-disable-next-line MESH101\r\n$/,
    );
  });

  test('fix-all never applies a suppression', () => {
    const { snapshot } = open(UNEXPORTED_SIBLING);
    const result = snapshot.fixAll({ minSeverity: 'hint', suggestions: true });
    const applied = result.files.flatMap((file) => file.fixes);
    assert.ok(applied.length > 0, 'fix-all applied the real fixes');
    assert.deepEqual(
      applied.filter((title) => title.startsWith('Disable ')),
      [],
    );
    assert.doesNotMatch(
      result.files.map((file) => file.after).join('\n'),
      /mesh-lens-disable-next-line|mesh-lens\.io\/ignore/,
    );
  });

  test('no line comment where the line continues a multi-line string: it would become its text', () => {
    const { snapshot } = open(`
      //- clusters/c1/web.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: shop
        labels: { example.com/note: "two
          lines", solo.io/service-scope: globl }
    `);
    const finding = findingOf(snapshot, 'MESH110');
    assert.deepEqual(
      snapshot.suppressions(finding).map((fix) => fix.title),
      ['Disable MESH110 for Service shop/web (mesh-lens.io/ignore)'],
    );
  });
});
