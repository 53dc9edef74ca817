import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyseWorkspace } from '../../shared/src';
import { shardChecker, verifyFixes } from '../../shared/src/analysis/verify-fix';
import { analyseTwice, checksOf, counts, FULL, workspaceOf } from './harness';
import { fuzzParameters } from './inputs';
import { styledWorkspace } from './styled-inputs';

// The fix oracle against what the checks build (issue #13): on workspaces written every way real
// YAML is written, every fix a check offers must be safe as text, resolve its finding, and, once
// filtered by the oracle as the editor and the CLI filter them, keep the harness's independent
// contract (comments, untouched documents byte-identical, YAML not broken).

describe('fuzz: fixes on YAML written every way', () => {
  test('every fix the checks build passes the oracle', () => {
    let tried = 0;
    fc.assert(
      fc.property(styledWorkspace, (input) => {
        const workspace = workspaceOf(input);
        const onCheckError = (check: { code: string }, error: unknown) => {
          throw new Error(`check ${check.code} threw: ${(error as Error)?.stack ?? error}`);
        };
        const analysis = analyseWorkspace(workspace, undefined, { onCheckError }).analysis;
        const checker = shardChecker(() => analysis);
        for (const finding of checksOf(analysis.model)) {
          for (const fix of finding.fixes) {
            tried++;
            const verdict = verifyFixes(workspace, checker, [{ fix, findings: [finding] }]);
            assert.deepEqual(
              verdict.unsafe,
              [],
              `${finding.code} fix "${fix.title}" is unsafe (${verdict.unsafe.join('; ')}) on:\n${[...verdict.texts].map(([path, text]) => `--- ${path} (after)\n${text}`).join('\n')}`,
            );
          }
        }
      }),
      { ...fuzzParameters(40), includeErrorInReport: true },
    );
    assert.ok(tried > 20, `the styled workspaces offered ${tried} fixes`);
  });

  test('every layer of the core, offered fixes checked by the independent contract', () => {
    fc.assert(
      fc.property(styledWorkspace, (input) => {
        analyseTwice(input, FULL);
      }),
      { ...fuzzParameters(15), includeErrorInReport: true },
    );
    assert.ok(counts.fixes > 0);
  });
});
