import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { reusePlan } from '../../shared/src/yaml/document-reuse';
import { describeDocument, documentsRead, nodesOf, parsedWhole } from '../helpers/yaml-documents';
import { exampleFiles, fuzzParameters, mutateText, mutationStep, YAML_PIECES, yamlishText } from './inputs';

// An edited file's documents are read with its earlier documents: those the edit did not reach are
// copied, moved to their new offsets (yaml/document-reuse.ts). Whatever the texts, the result must
// be what parsing the new text whole gives, down to every node's range, comment and error, and
// made of new nodes. Each case edits a multi-document text a few times in a row, as typing does,
// and compares each text's documents with a parse of it under a path read for the first time.

/** Documents of the example workspace, and pieces that reach across lines in YAML's ways. */
const BODIES = [
  ...[...exampleFiles().values()]
    .flatMap((text) => text.split(/^---[^\n]*\n/m))
    .filter((body) => body.trim()),
  'a: |\n  text\n\n  more\n',
  'a: |+\n  kept\n\n\n',
  'a: >-\n  folded\n  lines\n',
  'a: "two\n  lines"\n',
  "a: 'open\n",
  'a: [1, 2,\n  3]\n',
  'a: {b: 1\n',
  'a: &x 1\nb: *x\n',
  'b: *x\n',
  'a: 1\na: 2\n',
  '# only a comment\n',
  '',
  'plain\n  continued\n',
  '- a\n- b: c\n  d: e\n',
  'a:\n\t- tab\n',
  'k: !!set {a, b}\n',
  'k: !!omap [a: 1]\n',
];

const SEPARATORS = ['---\n', '--- \n', '---\r\n', '--- # c\n', '--- !!map\n', '--- |\n', '---\n# before\n'];

const multiDocumentText = fc
  .record({
    head: fc.constantFrom('', '# head\n', '\uFEFF'),
    bodies: fc.array(
      fc.oneof({ arbitrary: fc.constantFrom(...BODIES), weight: 4 }, { arbitrary: yamlishText, weight: 1 }),
      { minLength: 2, maxLength: 6 },
    ),
    separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 6, maxLength: 6 }),
    firstMarker: fc.boolean(),
  })
  .map(({ head, bodies, separators, firstMarker }) => {
    const ended = bodies.map((body) => (body === '' || body.endsWith('\n') ? body : `${body}\n`));
    return (
      head +
      (firstMarker ? (separators[5] as string) : '') +
      ended.map((body, index) => (index === 0 ? body : `${separators[index - 1]}${body}`)).join('')
    );
  });

/** A letter typed over another: most typing leaves the YAML valid. */
const typedLetter = fc
  .record({ at: fc.nat(), letter: fc.constantFrom('x', 'Z', '7') })
  .map(({ at, letter }) => (text: string) => {
    const letters = [...text.matchAll(/[a-z]/g)].map((match) => match.index);
    const where = letters[at % Math.max(letters.length, 1)];
    return where === undefined ? text : text.slice(0, where) + letter + text.slice(where + 1);
  });

/** An edit as a text editor sends it: a letter typed, a range replaced by a piece, or one of the fuzzers' mutations. */
const edit = fc.oneof(
  { arbitrary: typedLetter, weight: 2 },
  mutationStep.map((step) => (text: string) => mutateText(text, step)),
  fc
    .record({
      at: fc.nat(),
      length: fc.nat({ max: 40 }),
      piece: fc.constantFrom('', ...YAML_PIECES, 'x', '\n\n'),
    })
    .map(({ at, length, piece }) => (text: string) => {
      const start = at % (text.length + 1);
      return text.slice(0, start) + piece + text.slice(start + length);
    }),
);

describe('fuzz: an edited file read with its earlier documents', () => {
  test('gives the documents of a whole parse, new nodes throughout', () => {
    let reused = 0;
    let edited = 0;
    let cases = 0;
    fc.assert(
      fc.property(multiDocumentText, fc.array(edit, { minLength: 1, maxLength: 5 }), (start, edits) => {
        cases += 1;
        const path = `edited-${cases}.yaml`;
        let text = start;
        let earlier = documentsRead(path, text);
        for (const apply of edits) {
          const next = apply(text);
          const plan = reusePlan({ text, documents: earlier }, next);
          const read = documentsRead(path, next);
          const whole = parsedWhole(next);
          assert.deepEqual(
            read.map(describeDocument),
            whole.map(describeDocument),
            JSON.stringify({ text, next }),
          );
          edited += 1;
          // Copied for sure: a plan keeping documents, and no error in the new text's documents.
          if (
            plan &&
            plan.before.length + plan.after.length > 0 &&
            whole.every((doc) => doc.errors.length === 0)
          )
            reused += 1;
          const shared = [...nodesOf(read)].filter((node) => nodesOf(earlier).has(node));
          assert.equal(shared.length, 0, 'a node of the earlier documents is in the new ones');
          text = next;
          earlier = read;
        }
      }),
      { ...fuzzParameters(400), includeErrorInReport: true },
    );
    // The property says nothing unless documents were copied in a good share of the edits.
    assert.ok(reused > edited / 6, `documents were copied in only ${reused} of ${edited} edits`);
  });
});
