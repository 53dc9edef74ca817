import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { analyseWorkspace } from '../../shared/src';
import { fixAll } from '../../shared/src/analysis/fix-all';
import { shardChecker, verifyFixes } from '../../shared/src/analysis/verify-fix';
import { analyseTwice, checksOf, counts, FULL, workspaceOf, yamlComments } from './harness';
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
          for (const fix of finding.fixes()) {
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
    // A long run (npm run fuzz) says how much it tried, for docs/reliability.md.
    if (process.env.FC_RUNS) console.log(`fix oracle: ${tried} fixes tried`);
    assert.ok(tried > 20, `the styled workspaces offered ${tried} fixes`);
  });

  test('fix-all keeps every file parseable, its documents and its comments, and a second run changes nothing', () => {
    let fixedFiles = 0;
    fc.assert(
      fc.property(styledWorkspace, (input) => {
        const once = fixAll(workspaceOf(input), {}, { suggestions: true, minSeverity: 'hint' });
        for (const file of once.files) {
          fixedFiles++;
          const before = parseAllDocuments(file.before);
          const after = parseAllDocuments(file.after);
          const errors = (docs: typeof before) => docs.reduce((sum, doc) => sum + doc.errors.length, 0);
          assert.ok(errors(after) <= errors(before), `fix-all broke ${file.path}:\n${file.after}`);
          // Only the subset split replaces a whole rule (with its comments) and appends documents.
          if (file.fixes.some((title) => title.startsWith('Split the subsets'))) continue;
          assert.equal(after.length, before.length, `fix-all changed the documents of ${file.path}`);
          for (const comment of yamlComments(file.before))
            assert.ok(
              file.after.includes(comment),
              `fix-all lost ${comment} in ${file.path}:\n${file.after}`,
            );
        }
        const again = fixAll(once.workspace, {}, { suggestions: true, minSeverity: 'hint' });
        assert.deepEqual(
          again.files.map((file) => file.path),
          [],
          'a second run finds nothing more to fix: every fix it could apply, the first applied',
        );
      }),
      { ...fuzzParameters(30), includeErrorInReport: true },
    );
    if (process.env.FC_RUNS) console.log(`fix-all: ${fixedFiles} files fixed and checked`);
    assert.ok(fixedFiles > 10, `fix-all fixed ${fixedFiles} files`);
  });

  test('every layer of the core, offered fixes checked by the independent contract', () => {
    fc.assert(
      fc.property(styledWorkspace, (input) => {
        analyseTwice(input, FULL);
      }),
      { ...fuzzParameters(15), includeErrorInReport: true },
    );
    if (process.env.FC_RUNS) console.log(`styled workspaces through every layer: ${JSON.stringify(counts)}`);
    assert.ok(counts.fixes > 0);
  });
});
