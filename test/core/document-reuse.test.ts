import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Document, parseAllDocuments } from 'yaml';
import { createSourceFile } from '../../shared/src/text/source';
import { composeDocuments } from '../../shared/src/yaml/document-cache';
import { movedDocument, reusePlan } from '../../shared/src/yaml/document-reuse';
import { parseFile } from '../../shared/src/yaml/parse-file';
import { plainRange } from '../helpers/fixture';
import { describeDocument, documentsRead, parsedWhole } from '../helpers/yaml-documents';

// An edit of a multi-document file parses the text between the documents it did not reach, and
// copies those (test/fuzz/document-reuse.test.ts compares any edit with a whole parse).

const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;
const THREE = `${service('a')}---\n${service('b')}---\n${service('c')}`;

function parsed(text: string): Document.Parsed[] {
  return parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
}

describe('reading an edited file with its earlier documents', () => {
  test('a changed middle document is parsed; those before and after it are copied, moved by the edit', () => {
    const next = THREE.replace('name: b', 'name: b\n  labels: { app: b }');
    const plan = reusePlan({ text: THREE, documents: parsed(THREE) }, next);
    assert.ok(plan);
    assert.equal(plan.before.length, 1);
    assert.equal(plan.after.length, 1);
    assert.equal(plan.shift, next.length - THREE.length);
    assert.equal(
      next.slice(plan.start, plan.end),
      `---\n${service('b').replace('name: b', 'name: b\n  labels: { app: b }')}`,
    );
  });

  test('a file that ends with a marker and blank lines is read with its earlier documents too', () => {
    // istio/istio's Bookinfo manifest ends with `---`: the last document's range stops before the
    // line break that its token takes.
    const text = `${THREE}---\n\n`;
    const plan = reusePlan({ text, documents: parsed(text) }, text.replace('name: a', 'name: aa'));
    assert.ok(plan);
    assert.equal(plan.after.length, 3);
  });

  test("a copy's ranges are where a parse of the new text puts them, and its nodes are new", () => {
    const [, , last] = parsed(THREE);
    const moved = movedDocument(last as Document.Parsed, 10);
    assert.ok(moved);
    assert.deepEqual(
      moved.range,
      (last as Document.Parsed).range.map((offset) => offset + 10),
    );
    assert.deepEqual(moved.toJS(), (last as Document.Parsed).toJS());
    assert.notEqual(moved.contents, (last as Document.Parsed).contents);
  });

  test('the facts of the edited file are those of its text, read whole', () => {
    const path = 'clusters/east/three.yaml';
    composeDocuments(createSourceFile(path, THREE));
    const next = THREE.replace('name: a', 'name: a\n  namespace: shop');
    const edited = parseFile(path, next);
    const whole = parseFile('clusters/east/fresh.yaml', next);
    const facts = (file: typeof edited) =>
      file.resources.map((resource) => [
        resource.name?.value,
        resource.namespace?.value,
        plainRange(resource.range),
      ]);
    assert.deepEqual(facts(edited), facts(whole));
    assert.deepEqual(plainRange(edited.resources[2]?.name?.range), {
      start: { line: 14, character: 8 },
      end: { line: 14, character: 9 },
    });
  });

  // Edits the fuzzer found (test/fuzz/document-reuse.test.ts), each read as a whole parse reads it.
  for (const [what, before, after] of [
    [
      // Parsed to the end of its part, the edited document read the blank line before the next marker
      // as space before its last value; parsed with the marker line, as a whole parse does, it does not.
      'a blank line ending the edited document, before a kept one',
      `${service('a')}---\n${service('b')}items: []\n---\n${service('c')}`,
      `${service('a')}---\n${service('b')}items:\n\n---\n${service('c')}`,
    ],
    [
      // The comment left where a document was belongs to the next document, kept from the earlier parse.
      'a document turned into a comment, before a kept one',
      `# head\n-,\n---\n${service('b')}---\n${service('c')}`,
      `#-,\n---\n${service('b')}---\n${service('c')}`,
    ],
    [
      // At the end of the text, it belongs to the last document, kept from the earlier parse.
      'the last document turned into a comment',
      `${service('a')}---\n${service('b')}---\nx: 1\n`,
      `${service('a')}---\n${service('b')}---\n# x: 1\n`,
    ],
    [
      // The first document made a plain scalar: the comments after it are between documents, and the
      // next document's, kept from the earlier parse.
      'a document made a scalar, with comments after it',
      `---\n# before\n# only a comment\n---\n${service('b')}`,
      `---{{ . }}\n# before\n# only a comment\n---\n${service('b')}`,
    ],
    [
      // A quoted scalar with no closing quote runs to the end of the text, past markers.
      'a quote left open',
      `${service('a')}---\na: 'open'\n---\n${service('c')}`,
      `${service('a')}---\na: 'open\n---\n${service('c')}`,
    ],
  ] as const)
    test(`${what}: the documents of a whole parse`, () => {
      const path = `clusters/east/${what.replaceAll(' ', '-')}.yaml`;
      documentsRead(path, before);
      assert.deepEqual(
        documentsRead(path, after).map(describeDocument),
        parsedWhole(after).map(describeDocument),
      );
    });

  for (const [what, text] of [
    ['directives', `%YAML 1.2\n---\n${THREE}`],
    ['a document end `...`', THREE.replace('---\n', '...\n---\n')],
    ['a syntax error', THREE.replace('name: c', 'name: "c')],
  ] as const)
    test(`a text with ${what} is parsed whole`, () => {
      assert.equal(
        reusePlan({ text, documents: parsed(text) }, text.replace('name: b', 'name: bb')),
        undefined,
      );
    });

  test("yaml's own !!set is not copied: the text is parsed whole", () => {
    const [document] = parsed('k: !!set {a, b}\n');
    assert.equal(movedDocument(document as Document.Parsed, 0), undefined);
  });
});
