import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import {
  type Analysis,
  createWorkspace,
  type Finding,
  type Fix,
  getModel,
  runChecks,
  setFile,
  type Workspace,
  withCurrentFixes,
} from '../../shared/src';
import { applyTextEdits } from '../../shared/src/fixes/apply-edits';
import { type AnnotatedFinding, parseAnnotatedFixture, renderAnnotated } from './annotations';
import { asJson, type FixtureFile, workspaceFrom } from './fixture';

export interface CheckedFixture {
  workspace: Workspace;
  files: FixtureFile[];
  findings: Finding[];
}

/**
 * Findings as plain data, their fixes built (`Finding.fixes` is a function): what two runs that
 * must agree are compared by, fixes included.
 */
export function findingsAsData(findings: readonly Finding[]): (Omit<Finding, 'fixes'> & { fixes: Fix[] })[] {
  return findings.map((finding) => ({ ...finding, fixes: finding.fixes() }));
}

/**
 * An incremental analysis's findings as data, their fixes as they are offered: those of checks whose
 * fixes read the namespace built in the current model (analysis/current-fixes.ts). What a fresh run's
 * `findingsAsData` is compared with.
 */
export function offeredFindingsAsData(analysis: Analysis): ReturnType<typeof findingsAsData> {
  return findingsAsData(withCurrentFixes(analysis, analysis.findings()));
}

/** Runs every check on an inline fixture and keeps the findings of `code`. */
export function check(fixture: string, code: string): CheckedFixture {
  const { workspace, files } = workspaceFrom(fixture);
  const findings = runChecks(getModel(workspace)).filter((finding) => finding.code === code);
  return { workspace, files, findings };
}

/**
 * Runs every check on an annotated fixture (helpers/annotations.ts) and asserts that the findings
 * of `codes` are exactly the annotated ones: file, range, severity, code, and the message fragment
 * where one is written. `codes` defaults to the codes annotated, or to every code when none is (the
 * fixture must then be silent). On a mismatch the fixture is printed twice, annotated with what the
 * checks found and with what it expects. Returns the findings of those codes, for further asserts.
 */
export function assertAnnotatedFindings(fixture: string, options: { codes?: string[] } = {}): CheckedFixture {
  const { expected } = parseAnnotatedFixture(fixture);
  const { workspace, files } = workspaceFrom(fixture);
  const codes = new Set(options.codes ?? expected.map((finding) => finding.code));
  const findings = runChecks(getModel(workspace)).filter(
    (finding) => codes.size === 0 || codes.has(finding.code),
  );
  const wanted = expected.filter((finding) => codes.size === 0 || codes.has(finding.code));
  assert.equal(
    renderAnnotated(files, annotationsOf(findings, wanted)),
    renderAnnotated(files, wanted),
    'the findings (actual) differ from the annotations (expected)',
  );
  return { workspace, files, findings };
}

/**
 * Findings as annotations: one that matches an expected annotation takes its message fragment (so
 * the two render alike); any other keeps its whole message, to show in the diff.
 */
function annotationsOf(
  findings: readonly Finding[],
  expected: readonly AnnotatedFinding[],
): AnnotatedFinding[] {
  const unmatched = [...expected];
  return findings.map((finding) => {
    const actual: AnnotatedFinding = {
      file: finding.file,
      range: asJson(finding.range),
      severity: finding.severity,
      code: finding.code,
    };
    const index = unmatched.findIndex(
      (annotation) =>
        annotation.file === actual.file &&
        annotation.code === actual.code &&
        annotation.severity === actual.severity &&
        isDeepStrictEqual(annotation.range, actual.range) &&
        finding.message.includes(annotation.messageFragment ?? ''),
    );
    const [match] = index >= 0 ? unmatched.splice(index, 1) : [];
    if (match) return match;
    return { ...actual, messageFragment: finding.message };
  });
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
