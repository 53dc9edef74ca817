import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  createWorkspace,
  type Finding,
  getModel,
  runChecks,
  setFile,
  type Workspace,
} from '../../shared/src';
import { applyFix, commentsOf } from '../helpers/checks';
import { randomWorkspace } from '../helpers/random-workspace';

// A fixed seed keeps `npm test` deterministic; FC_SEED/FC_RUNS explore further (npm run fuzz).
const seed = Number(process.env.FC_SEED ?? 20261125);
const numRuns = Number(process.env.FC_RUNS ?? 60);

function workspaceOf(files: Map<string, string>): Workspace {
  const workspace = createWorkspace();
  for (const [path, text] of files) setFile(workspace, path, text);
  return workspace;
}

const sameFinding = (a: Finding) => (b: Finding) =>
  a.code === b.code && a.file === b.file && a.message === b.message;

test('every offered fix removes its finding, keeps the YAML valid and every comment', () => {
  let fixesTried = 0;
  fc.assert(
    fc.property(randomWorkspace, (files) => {
      const workspace = workspaceOf(files);
      const findings = runChecks(getModel(workspace));
      assert.deepEqual(
        findings.filter((finding) => finding.code === 'MESH190'),
        [],
        'the generator writes valid YAML',
      );
      for (const finding of findings) {
        for (const fix of finding.fixes()) {
          fixesTried++;
          const texts = applyFix(workspace, fix);
          const after = runChecks(getModel(workspaceOf(texts)));
          const broken = after.filter((other) => other.code === 'MESH190');
          assert.deepEqual(broken, [], `"${fix.title}" broke YAML`);
          const before = findings.filter(sameFinding(finding)).length;
          assert.ok(
            after.filter(sameFinding(finding)).length < before,
            `"${fix.title}" did not remove ${finding.code}: ${finding.message}`,
          );
          for (const [path, text] of files) {
            for (const comment of commentsOf(text)) {
              assert.ok(
                (texts.get(path) ?? '').includes(comment),
                `"${fix.title}" lost comment "${comment}" of ${path}`,
              );
            }
          }
        }
      }
    }),
    { seed, numRuns },
  );
  assert.ok(fixesTried > 50, `the generator should offer plenty of fixes (tried ${fixesTried})`);
});
