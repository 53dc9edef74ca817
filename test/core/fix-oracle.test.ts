import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Span, textProblems } from '../../shared/src/fixes/fix-oracle';

/** Applies `[find, replacement]` pairs to `before` as spans, the way a fix's edits are applied. */
function outcome(before: string, edits: [find: string, replacement: string][], after?: string) {
  const spans: Span[] = edits.map(([find, newText]) => {
    const start = before.indexOf(find);
    assert.ok(start >= 0, `"${find}" is in the text`);
    return { start, end: start + find.length, newText };
  });
  let text = before;
  for (const span of [...spans].sort((a, b) => b.start - a.start))
    text = text.slice(0, span.start) + span.newText + text.slice(span.end);
  return { path: 'svc.yaml', before, after: after ?? text, spans };
}

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    solo.io/service-takeover: "true" # asked by team A
    solo.io/service-scope:
      - global
spec:
  selector: {app: web}
`;

test('a value replaced up to its line break, joining the next key, is refused', () => {
  // What MESH160's fix did to a block-list label value: the list's range ran on over the break.
  const problems = textProblems(outcome(SERVICE, [['- global\nspec:\n', 'global\n']]));
  assert.ok(
    problems.some((problem) => problem.includes('would change at')),
    problems.join('\n'),
  );
});

test('the same value replaced up to its last item passes', () => {
  assert.deepEqual(textProblems(outcome(SERVICE, [['\n      - global', ' global']])), []);
});

test('an entry inserted into a map passes; one written at the wrong indentation is refused', () => {
  const good = outcome(SERVICE, [
    [
      '    solo.io/service-scope:\n      - global\n',
      '    solo.io/service-scope:\n      - global\n    team: a\n',
    ],
  ]);
  assert.deepEqual(textProblems(good), []);
  const wrong = outcome(SERVICE, [['spec:\n', '  team: a\nspec:\n']]);
  assert.ok(
    textProblems(wrong).some((problem) => problem.includes('metadata.team') || problem.includes('metadata')),
  );
});

test('a duplicate key and broken YAML are refused', () => {
  const duplicate = outcome(SERVICE, [['  name: web\n', '  name: web\n  name: api\n']]);
  assert.ok(textProblems(duplicate).some((problem) => problem.includes('duplicate key')));
  const broken = outcome(SERVICE, [['{app: web}', '{app: web']]);
  assert.ok(textProblems(broken).some((problem) => problem.includes('no longer parse')));
});

test('a lost comment outside the replaced node is refused', () => {
  const problems = textProblems(outcome(SERVICE, [['"true" # asked by team A', '"true"']]));
  assert.ok(
    problems.some((problem) => problem.includes('# asked by team A')),
    problems.join('\n'),
  );
});

test('a comment inside a replaced list may go with it', () => {
  const text = SERVICE.replace('- global\n', '- global # the first\n      - legacy\n');
  assert.deepEqual(
    textProblems(outcome(text, [['\n      - global # the first\n      - legacy', ' global']])),
    [],
  );
});

test('bytes changed outside the edits are refused, wherever the text came from', () => {
  const edited = outcome(SERVICE, [['name: web', 'name: api']]);
  const problems = textProblems({ ...edited, after: edited.after.replace('kind: Service', 'kind: Servic') });
  assert.ok(
    problems.some((problem) => problem.includes('bytes outside the edits')),
    problems.join('\n'),
  );
});

test('untouched documents must read as before; appended documents are fine', () => {
  const two = `${SERVICE}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n`;
  const appended = outcome(two, [['  name: shop\n', '  name: shop\n---\nkind: ConfigMap\n']]);
  assert.deepEqual(textProblems(appended), []);
  const merged = outcome(two, [['---\n', '']]);
  assert.ok(textProblems(merged).length > 0);
});

test('a CRLF file keeps CRLF in edits; a BOM stays first', () => {
  const crlf = SERVICE.replaceAll('\n', '\r\n');
  const edit = outcome(crlf, [['name: web', 'name: web\n  namespace: shop']]);
  const written = { ...edit, after: edit.after.replace('web\n', 'web\r\n') };
  assert.deepEqual(textProblems(written), []);
  assert.ok(textProblems(edit).some((problem) => problem.includes('bytes outside')));
});

test('a created file must parse', () => {
  assert.deepEqual(textProblems({ path: 'new.yaml', before: undefined, after: 'a: 1\n', spans: [] }), []);
  assert.ok(textProblems({ path: 'new.yaml', before: undefined, after: 'a: [1\n', spans: [] }).length > 0);
});
