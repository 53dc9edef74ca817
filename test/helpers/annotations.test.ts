import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAnnotatedFixture, renderAnnotated } from './annotations';
import { assertAnnotatedFindings } from './checks';

/** Two clusters run shop/ratings; only c1 exports it, and nothing runs its pods (MESH170 too). */
const sibling = (annotations: string) => `
//- clusters/c1/ratings.yaml
{ apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: shop, labels: { solo.io/service-scope: global } } }
//- clusters/c2/ratings.yaml
apiVersion: v1
kind: Service
metadata:
  name: ratings
${annotations}
  namespace: shop
`;

describe('expected-finding annotations', () => {
  test('mark the range of the line above, stack, carry a fragment, and are removed from the text', () => {
    const { files, expected } = parseAnnotatedFixture(`
      //- clusters/c1/a.yaml
      metadata:
        name: $0ratings
      #       ^^^^^^^ warning MESH101 not exported in c2
      #       ^ info MESH170
      spec:
      #^^^^ error MESH180
        ports: [$0{ port: 80 }]
      #        ^^^^^^^^^^^^ hint MESH103
       #^ error MESH190
    `);
    assert.equal(files[0]?.text, 'metadata:\n  name: ratings\nspec:\n  ports: [{ port: 80 }]\n');
    assert.deepEqual(files[0]?.cursors, [
      { line: 1, character: 8 },
      { line: 3, character: 10 },
    ]);
    const range = (line: number, start: number, end: number) => ({
      start: { line, character: start },
      end: { line, character: end },
    });
    assert.deepEqual(expected, [
      {
        file: 'clusters/c1/a.yaml',
        range: range(1, 8, 15),
        severity: 'warning',
        code: 'MESH101',
        messageFragment: 'not exported in c2',
      },
      { file: 'clusters/c1/a.yaml', range: range(1, 8, 9), severity: 'info', code: 'MESH170' },
      { file: 'clusters/c1/a.yaml', range: range(2, 0, 5), severity: 'error', code: 'MESH180' },
      { file: 'clusters/c1/a.yaml', range: range(3, 9, 21), severity: 'hint', code: 'MESH103' },
      { file: 'clusters/c1/a.yaml', range: range(3, 1, 3), severity: 'error', code: 'MESH190' },
    ]);
  });

  test('an annotation without a severity and a code, or with nothing above it, is a mistake in the test', () => {
    assert.throws(
      () => parseAnnotatedFixture('//- a.yaml\nname: x\n#     ^ MESH101\n'),
      /needs a severity and a code/,
    );
    assert.throws(
      () => parseAnnotatedFixture('//- a.yaml\nname: x\n#     ^ warnin MESH101\n'),
      /needs a severity and a code/,
    );
    assert.throws(() => parseAnnotatedFixture('//- a.yaml\n# ^ error MESH190\n'), /no line above it/);
  });

  test('render back as written; a range they cannot draw is written with its positions', () => {
    const fixture = `//- a.yaml
metadata:
  name: ratings
#       ^^^^^^^ warning MESH101 not exported
spec:
#^^^^ error MESH180
`;
    const { files, expected } = parseAnnotatedFixture(fixture);
    assert.equal(`${renderAnnotated(files, expected)}\n`, fixture);
    const empty = { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } };
    assert.equal(
      renderAnnotated(files, [{ file: 'a.yaml', range: empty, severity: 'error', code: 'MESH190' }]),
      '//- a.yaml\nmetadata:\n  name: ratings\n# <1:0-1:0> error MESH190\nspec:',
    );
  });

  test('assertAnnotatedFindings accepts exactly the annotated findings of the annotated codes', () => {
    const checked = assertAnnotatedFindings(sibling('#       ^^^^^^^ warning MESH101 is not exported in c2'));
    assert.deepEqual(
      checked.findings.map((finding) => finding.code),
      ['MESH101'],
      'MESH170 is not annotated, so not compared',
    );
    assertAnnotatedFindings(`
      //- clusters/c1/ratings.yaml
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: shop, labels: { solo.io/service-scope: global } } }
      #                                                  ^^^^^^^ warning MESH170 has no ready endpoint in any cluster
      //- clusters/c2/ratings.yaml
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: shop } }
      #                                                  ^^^^^^^ warning MESH101
    `);
  });

  test('assertAnnotatedFindings fails on a wrong range, severity, code, fragment, a missing or an extra finding', () => {
    const wrong = [
      '#        ^^^^^^ warning MESH101',
      '#       ^^^^^^^ error MESH101',
      '#       ^^^^^^^ warning MESH102',
      '#       ^^^^^^^ warning MESH101 is exported in c2',
      '#       ^^^^^^^ warning MESH101\n#       ^^^^^^^ warning MESH101',
    ];
    for (const annotations of wrong)
      assert.throws(
        () => assertAnnotatedFindings(sibling(annotations), { codes: ['MESH101', 'MESH102'] }),
        assert.AssertionError,
        annotations,
      );
    assert.throws(() => assertAnnotatedFindings(sibling('')), assert.AssertionError, 'silence expected');
  });

  test('a mismatch shows the fixture annotated with what was found and with what was expected', () => {
    const error = (() => {
      try {
        assertAnnotatedFindings(sibling('#        ^^^^^^ warning MESH101'));
      } catch (caught) {
        return caught as assert.AssertionError;
      }
      return assert.fail('the wrong range was accepted');
    })();
    assert.match(
      String(error.actual),
      /^\/\/- clusters\/c2\/ratings\.yaml\n[\s\S]*\n {2}name: ratings\n# {7}\^{7} warning MESH101 Service shop\/ratings is not exported in c2/,
    );
    assert.match(
      String(error.expected),
      /\n {2}name: ratings\n# {8}\^{6} warning MESH101\n {2}namespace: shop$/,
    );
    assert.match(error.message, /the findings \(actual\) differ from the annotations \(expected\)/);
  });
});
