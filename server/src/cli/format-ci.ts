import { createHash } from 'node:crypto';
import { checkByCode, type Finding, type Severity } from '../../../shared/src';

/** Each format's files are shown by this: relative to where the job runs, which is what CI reads them against. */
type ShowPath = (file: string) => string;

const ANNOTATION: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  hint: 'notice',
};

/**
 * GitHub Actions workflow commands, one line per finding: the runner turns them into annotations on
 * the job and on the pull request's changed lines, with no upload step and no extra permission.
 */
export function formatGithub(findings: Finding[], showPath: ShowPath): string {
  return findings
    .map((finding) => {
      const { start, end } = finding.range;
      const properties = [
        `file=${escapeProperty(showPath(finding.file))}`,
        `line=${start.line + 1}`,
        `col=${start.character + 1}`,
        `endLine=${end.line + 1}`,
        `endColumn=${end.character + 1}`,
        `title=${escapeProperty(title(finding))}`,
      ].join(',');
      return `::${ANNOTATION[finding.severity]} ${properties}::${escapeData(finding.message)}\n`;
    })
    .join('');
}

// The runner's own escaping (actions/toolkit's command.ts): a message may not hold a line break, and a
// property value may not hold the `,` or `:` that separate them.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function title(finding: Finding): string {
  return `${finding.code} ${checkByCode(finding.code)?.name ?? ''}`.trim();
}

const CODE_QUALITY_SEVERITY: Record<Severity, 'major' | 'minor' | 'info'> = {
  error: 'major',
  warning: 'minor',
  info: 'info',
  hint: 'info',
};

/**
 * GitLab's Code Quality report: the merge request widget lists the findings a change introduces and
 * resolves. The fingerprint is what GitLab compares between the two branches, so it names the finding
 * (code, file, message) and not its line, which shifts when lines are added above it; identical
 * findings in one file are told apart by their order.
 */
export function formatGitlab(findings: Finding[], showPath: ShowPath): string {
  const seen = new Map<string, number>();
  const issues = findings.map((finding) => {
    const path = showPath(finding.file);
    const identity = `${finding.code}\u0000${path}\u0000${finding.message}`;
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    return {
      description: finding.message,
      check_name: title(finding),
      fingerprint: createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex'),
      severity: CODE_QUALITY_SEVERITY[finding.severity],
      location: {
        path,
        lines: { begin: finding.range.start.line + 1, end: finding.range.end.line + 1 },
      },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}

/**
 * JUnit XML, which most CI servers show as a test report: one test suite per file checked, one failed
 * test case per finding at or above the threshold (the rest pass, so infos do not fail a report that
 * the exit code passes), and a passing case for a file without any.
 */
export function formatJunit(
  findings: Finding[],
  files: string[],
  failsAt: (severity: Severity) => boolean,
  showPath: ShowPath,
): string {
  const byFile = new Map<string, Finding[]>(files.map((file) => [file, []]));
  for (const finding of findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  const suites = [...byFile].map(([file, inFile]) => {
    const path = showPath(file);
    const cases =
      inFile.length === 0
        ? [`    <testcase name="${xml(path)}" classname="mesh-lens" />`]
        : inFile.map((finding) => testCase(finding, path, failsAt(finding.severity)));
    const failures = inFile.filter((finding) => failsAt(finding.severity)).length;
    return [
      `  <testsuite name="${xml(path)}" tests="${cases.length}" failures="${failures}" errors="0">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const tests = [...byFile.values()].reduce((sum, inFile) => sum + Math.max(1, inFile.length), 0);
  const failures = findings.filter((finding) => failsAt(finding.severity)).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mesh-lens" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function testCase(finding: Finding, path: string, failed: boolean): string {
  const where = `${path}:${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
  const open = `    <testcase name="${xml(`${where} ${title(finding)}`)}" classname="${xml(finding.code)}"`;
  if (!failed) return `${open} />`;
  return [
    `${open}>`,
    `      <failure message="${xml(finding.message)}" type="${finding.severity}">${xml(`${finding.severity} ${title(finding)} at ${where}: ${finding.message}`)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot hold at all, even escaped.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: those are the characters removed
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd')
  );
}
