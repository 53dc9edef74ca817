import assert from 'node:assert/strict';
import { analyseWorkspace, type Finding, type Fix, type Workspace } from '../../shared/src';
import { offeredFixes, shardChecker } from '../../shared/src/analysis/verify-fix';
import { applyFix } from './checks';
import { type FixtureFile, parseFixture, workspaceFrom } from './fixture';

/** Which findings of a fixture a fix is for: those at its `$0` cursor, and/or those of a code. */
export interface FindingChoice {
  code?: string;
}

export interface OfferedFixes {
  workspace: Workspace;
  findings: Finding[];
  /** The fixes the editor would offer for those findings, after the fix oracle tried them. */
  fixes: Fix[];
}

/**
 * The fixes offered for the chosen findings of a fixture, as the editor offers them: each fix is
 * tried by the fix oracle first, an unsafe one is dropped and one that raises new findings is not
 * preferred and says so in its title.
 */
export function offeredFixesFor(before: string, choice: FindingChoice = {}): OfferedFixes {
  const { workspace, files } = workspaceFrom(before);
  const { analysis } = analyseWorkspace(workspace, undefined, {});
  const findings = chosenFindings(analysis.findings(), files, choice);
  const checker = shardChecker(() => analysis);
  const fixes = findings.flatMap((finding) => offeredFixes(workspace, checker, finding));
  return { workspace, findings, fixes };
}

/**
 * Applies a fix to the `before` fixture and asserts that every file of the `after` fixture reads
 * as written there; a file the fix creates must be among them. The fix is the one titled `title`
 * (as offered, e.g. with its "(raises …)" note), else the preferred one, among those offered for
 * the findings at the `$0` cursor and/or of `code`.
 */
export function checkFix(
  before: string,
  after: string,
  options: FindingChoice & { title?: string } = {},
): void {
  const { workspace, fixes } = offeredFixesFor(before, options);
  const titles = fixes.map((fix) => `  ${fix.title}${fix.preferred ? ' (preferred)' : ''}`).join('\n');
  const chosen = fixes.filter((fix) => (options.title ? fix.title === options.title : fix.preferred));
  assert.equal(
    chosen.length,
    1,
    `expected one fix ${options.title ? `titled "${options.title}"` : 'preferred'}; offered:\n${titles}`,
  );
  const fix = chosen[0] as Fix;
  const texts = applyFix(workspace, fix);
  const expected = parseFixture(after);
  const created = [...texts.keys()].filter((path) => !workspace.files.has(path));
  const paths = [...new Set([...expected.map((file) => file.path), ...created])].sort();
  assert.equal(
    renderFiles(paths, (path) => texts.get(path)),
    renderFiles(paths, (path) => expected.find((file: FixtureFile) => file.path === path)?.text),
    `"${fix.title}" leaves the workspace (actual) other than the fixture says (expected)`,
  );
}

/** The findings a fix is asked for; at least one, or the test is wrong. */
function chosenFindings(
  findings: readonly Finding[],
  files: readonly FixtureFile[],
  choice: FindingChoice,
): Finding[] {
  const cursors = files.flatMap((file) => file.cursors.map((cursor) => ({ file: file.path, cursor })));
  if (cursors.length === 0 && !choice.code)
    throw new Error('say which finding to fix: a $0 cursor or a code');
  const chosen = findings.filter(
    (finding) =>
      (!choice.code || finding.code === choice.code) &&
      (cursors.length === 0 ||
        cursors.some(({ file, cursor }) => file === finding.file && contains(finding, cursor))),
  );
  assert.ok(
    chosen.length > 0,
    `no finding ${choice.code ?? ''} at the cursor; found:\n${findings.map((finding) => `  ${finding.code} ${finding.file} ${JSON.stringify(finding.range)}`).join('\n')}`,
  );
  return chosen;
}

function contains(finding: Finding, cursor: { line: number; character: number }): boolean {
  const { start, end } = finding.range;
  const after =
    cursor.line > start.line || (cursor.line === start.line && cursor.character >= start.character);
  const before = cursor.line < end.line || (cursor.line === end.line && cursor.character <= end.character);
  return after && before;
}

/** Files as an inline fixture, for a readable diff; a file that is not there says so. */
function renderFiles(paths: readonly string[], textOf: (path: string) => string | undefined): string {
  return paths.map((path) => `//- ${path}\n${textOf(path) ?? '(no such file)\n'}`).join('');
}
