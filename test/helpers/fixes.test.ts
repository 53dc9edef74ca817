import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkFix, offeredFixesFor } from './fixes';

/** reviews in east takes over its local hostnames with a takeover value Istio ignores (MESH161). */
const takeover = (value: string) => `
  //- clusters/east/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
    namespace: bookinfo
    labels:
      solo.io/service-scope: global # exported
      solo.io/service-takeover: ${value}
`;

/** The same Service after a fix has rewritten its labels: `labels` as it reads then. */
const reviews = (labels: string) => `
  //- clusters/east/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata:
    name: reviews
    namespace: bookinfo
    labels:
${labels}
`;

describe('checkFix', () => {
  test('applies the preferred fix of the finding at the cursor and compares the files', () => {
    checkFix(
      takeover('$0"yes"'),
      reviews('      solo.io/service-scope: global # exported\n      solo.io/service-takeover: "true"'),
    );
  });

  test('applies the fix with the given title, among those of a code', () => {
    checkFix(takeover('"yes"'), reviews('      solo.io/service-scope: global # exported'), {
      code: 'MESH161',
      title: 'Remove solo.io/service-takeover',
    });
  });

  test('takes the fixes as the editor offers them: one that raises a finding is not preferred', () => {
    const before = `
      //- clusters/east/reviews.yaml
      { apiVersion: v1, kind: Service, metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: $0Global } } }
    `;
    const after = `
      //- clusters/east/reviews.yaml
      { apiVersion: v1, kind: Service, metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } } }
    `;
    const { fixes } = offeredFixesFor(before);
    assert.deepEqual(
      fixes.map((fix) => [fix.title, fix.preferred]),
      [['Replace `Global` with `global` (raises MESH170)', false]],
    );
    assert.throws(
      () => checkFix(before, after),
      /expected one fix preferred; offered:\n {2}Replace `Global`/,
    );
    checkFix(before, after, { title: 'Replace `Global` with `global` (raises MESH170)' });
  });

  test('a workspace other than the expected one fails, showing both as fixtures', () => {
    const error = (() => {
      try {
        checkFix(
          takeover('$0"yes"'),
          reviews('      solo.io/service-scope: global\n      solo.io/service-takeover: "true"'),
        );
      } catch (caught) {
        return caught as assert.AssertionError;
      }
      return assert.fail('a lost comment was accepted');
    })();
    assert.match(
      error.message,
      /"Set it to "true"" leaves the workspace \(actual\) other than the fixture says/,
    );
    assert.match(String(error.actual), /^\/\/- clusters\/east\/reviews\.yaml\n[\s\S]*global # exported\n/);
    assert.match(String(error.expected), /^\/\/- clusters\/east\/reviews\.yaml\n[\s\S]*global\n/);
  });

  test('a file the fixture expects but the workspace lacks fails', () => {
    assert.throws(
      () =>
        checkFix(
          takeover('$0"yes"'),
          `${reviews('      solo.io/service-scope: global # exported\n      solo.io/service-takeover: "true"')}
          //- clusters/east/other.yaml
          kind: Service
          `,
        ),
      /\(no such file\)/,
    );
  });

  test('needs a finding to fix: a cursor on none, or no way to choose, is a mistake in the test', () => {
    assert.throws(() => checkFix(takeover('"yes"').replace('kind:', '$0kind:'), ''), /no finding/);
    assert.throws(() => checkFix(takeover('"yes"'), ''), /a \$0 cursor or a code/);
  });
});
