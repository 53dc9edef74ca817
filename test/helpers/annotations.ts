import type { Position, Range, Severity } from '../../shared/src';
import { type FixtureFile, parseFixture } from '../../shared/src/text/inline-workspace';

// Expected findings written inside an inline fixture, under the line they mark (DESIGN.md, style
// principle 8), as YAML comments so the fixture still reads as YAML:
//
//   metadata:
//     name: ratings
//   #       ^^^^^^^ warning MESH101 not exported in c2
//
// The carets underline the range on the line above (the nearest line that is not an annotation,
// so several annotations can stack under one line); then come the severity, the code and,
// optionally, a fragment the message must contain. When the `#` touches the first caret it is part
// of the underline, so a range can start at column 0 (`#^^^^` under `spec:`) or 1 (` #^^`).
// Annotation lines are removed before the fixture is analysed: the lines above keep their numbers.

/** A finding as an annotation states it: the message only as a fragment, when one is written. */
export interface AnnotatedFinding {
  file: string;
  range: Range;
  severity: Severity;
  code: string;
  messageFragment?: string;
}

export interface AnnotatedFixture {
  /** The files without their annotation lines; cursors are positions in that text. */
  files: FixtureFile[];
  expected: AnnotatedFinding[];
}

const ANNOTATION = /^(\s*)#(\s*)(\^+)(.*)$/;
const STATEMENT = /^\s+(error|warning|info|hint)\s+(MESH\d{3})(?:\s+(.*?))?\s*$/;

export function parseAnnotatedFixture(fixture: string): AnnotatedFixture {
  const files: FixtureFile[] = [];
  const expected: AnnotatedFinding[] = [];
  for (const file of parseFixture(fixture)) {
    const stripped = stripAnnotations(file);
    files.push(stripped.file);
    expected.push(...stripped.expected);
  }
  return { files, expected };
}

function stripAnnotations(file: FixtureFile): { file: FixtureFile; expected: AnnotatedFinding[] } {
  const kept: string[] = [];
  const expected: AnnotatedFinding[] = [];
  /** For each line of the fixture text, its number once annotation lines are gone. */
  const newLineOf: number[] = [];
  for (const line of file.text.split('\n')) {
    newLineOf.push(kept.length);
    const match = ANNOTATION.exec(line);
    if (!match) {
      kept.push(line);
      continue;
    }
    const [, indent = '', gap = '', carets = '', rest = ''] = match;
    const target = kept.length - 1;
    if (target < 0) throw new Error(`${file.path}: annotation "${line}" has no line above it to mark`);
    const statement = STATEMENT.exec(rest);
    if (!statement) throw new Error(`${file.path}: annotation "${line}" needs a severity and a code`);
    const [, severity, code = '', fragment] = statement;
    const start = gap === '' ? indent.length : indent.length + 1 + gap.length;
    const end = indent.length + 1 + gap.length + carets.length;
    expected.push({
      file: file.path,
      range: { start: { line: target, character: start }, end: { line: target, character: end } },
      severity: severity as Severity,
      code,
      ...(fragment ? { messageFragment: fragment } : {}),
    });
  }
  const cursors = file.cursors.map((cursor) => ({ ...cursor, line: newLineOf[cursor.line] ?? cursor.line }));
  return { file: { path: file.path, text: kept.join('\n'), cursors }, expected };
}

/**
 * The files re-rendered with annotations under the lines they mark, in a canonical layout (sorted,
 * `#` at column 0 where it fits). Two lists of findings render alike exactly when they state the
 * same findings, so a mismatch reads as a diff of two annotated fixtures. A range annotations
 * cannot draw (empty, over several lines, or past the text) is written as `# <line:col-line:col>`.
 */
export function renderAnnotated(
  files: readonly FixtureFile[],
  findings: readonly AnnotatedFinding[],
): string {
  const paths = [...new Set(findings.map((finding) => finding.file))].sort();
  return paths
    .map((path) => {
      const text = files.find((file) => file.path === path)?.text ?? '';
      return `//- ${path}\n${renderFile(
        text,
        findings.filter((finding) => finding.file === path),
      )}`;
    })
    .join('\n');
}

function renderFile(text: string, findings: readonly AnnotatedFinding[]): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const under = new Map<number, string[]>();
  for (const finding of [...findings].sort(compareAnnotated)) {
    const line = Math.min(finding.range.start.line, lines.length - 1);
    under.set(line, [...(under.get(line) ?? []), annotationLine(finding, lines)]);
  }
  return lines.flatMap((line, index) => [line, ...(under.get(index) ?? [])]).join('\n');
}

function annotationLine(finding: AnnotatedFinding, lines: readonly string[]): string {
  const { start, end } = finding.range;
  const statement = [finding.severity, finding.code, finding.messageFragment].filter(Boolean).join(' ');
  const width = end.character - start.character;
  const drawable = start.line === end.line && start.line < lines.length && width > 0;
  if (drawable && start.character >= 2)
    return `#${' '.repeat(start.character - 1)}${'^'.repeat(width)} ${statement}`;
  if (drawable && width >= 2) return `${' '.repeat(start.character)}#${'^'.repeat(width - 1)} ${statement}`;
  return `# <${at(start)}-${at(end)}> ${statement}`;
}

function at(position: Position): string {
  return `${position.line}:${position.character}`;
}

function compareAnnotated(a: AnnotatedFinding, b: AnnotatedFinding): number {
  const key = (finding: AnnotatedFinding) => [
    finding.range.start.line,
    finding.range.start.character,
    finding.range.end.line,
    finding.range.end.character,
  ];
  const [ka, kb] = [key(a), key(b)];
  for (let index = 0; index < ka.length; index++) {
    const difference = (ka[index] ?? 0) - (kb[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return `${a.code} ${a.severity} ${a.messageFragment ?? ''}`.localeCompare(
    `${b.code} ${b.severity} ${b.messageFragment ?? ''}`,
  );
}
