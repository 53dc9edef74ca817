import assert from 'node:assert/strict';
import {
  createWorkspace,
  type Finding,
  type Fix,
  getModel,
  runChecks,
  setFile,
  type Workspace,
} from '../../shared/src';
import { applyTextEdits } from '../../shared/src/fixes/apply-edits';
import { type FixtureFile, workspaceFrom } from './fixture';

export interface CheckedFixture {
  workspace: Workspace;
  files: FixtureFile[];
  findings: Finding[];
}

/** Runs every check on an inline fixture and keeps the findings of `code`. */
export function check(fixture: string, code: string): CheckedFixture {
  const { workspace, files } = workspaceFrom(fixture);
  const findings = runChecks(getModel(workspace)).filter((finding) => finding.code === code);
  return { workspace, files, findings };
}

export function only(checked: CheckedFixture): Finding {
  assert.equal(
    checked.findings.length,
    1,
    `expected one finding, got:\n${JSON.stringify(checked.findings, null, 1)}`,
  );
  return checked.findings[0] as Finding;
}

/** The texts of every file after applying a fix (files the fix creates included). */
export function applyFix(workspace: Workspace, fix: Fix): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [path, entry] of workspace.files) texts.set(path, entry.text);
  for (const change of fix.changes) {
    const before = change.create ? '' : (texts.get(change.file) ?? '');
    texts.set(change.file, applyTextEdits(before, change.edits));
  }
  return texts;
}

/** Comments of a YAML text (`# …` at a line start or after whitespace), as written. */
export function commentsOf(text: string): string[] {
  return [...text.matchAll(/(?:^|\s)(#[^\n\r]*)/g)].map((match) => match[1] ?? '');
}

/**
 * Applies `fix` to the fixture, re-parses and re-checks, and asserts the SPEC's fix contract: the
 * finding is gone, no YAML became invalid, and every comment of the original is still there.
 */
export function assertFixResolves(checked: CheckedFixture, finding: Finding, fix: Fix): Map<string, string> {
  const texts = applyFix(checked.workspace, fix);
  const after = createWorkspace(checked.workspace.topologyPath);
  for (const [path, text] of texts) setFile(after, path, text);
  const findings = runChecks(getModel(after));
  assert.deepEqual(
    findings.filter((other) => other.code === 'MESH190'),
    [],
    `the fix broke YAML:\n${[...texts.values()].join('\n=====\n')}`,
  );
  const remaining = findings.filter((other) => other.code === finding.code && other.file === finding.file);
  assert.ok(
    !remaining.some(
      (other) => other.range.start.line === finding.range.start.line && other.message === finding.message,
    ),
    `the finding is still there after "${fix.title}":\n${JSON.stringify(remaining, null, 1)}`,
  );
  for (const [path, entry] of checked.workspace.files) {
    const now = texts.get(path) ?? '';
    for (const comment of commentsOf(entry.text)) {
      assert.ok(now.includes(comment), `comment "${comment}" of ${path} was lost`);
    }
  }
  return texts;
}
