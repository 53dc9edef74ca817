import { checkByCode, type Finding, type Severity } from '../../../shared/src';
import type { Style } from './terminal';

type Paint = (style: Style, text: string) => string;

const SEVERITY_STYLE: Record<Severity, Style> = {
  error: 'red',
  warning: 'yellow',
  info: 'blue',
  hint: 'gray',
};

/** eslint-style text: a header per file, then `line:col  severity  message  CODE name`, 1-based. */
export function formatText(findings: Finding[], paint: Paint): string {
  const lines: string[] = [];
  let currentFile: string | undefined;
  for (const finding of findings) {
    if (finding.file !== currentFile) {
      if (currentFile !== undefined) lines.push('');
      lines.push(paint('underline', finding.file));
      currentFile = finding.file;
    }
    const position = `${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
    const name = checkByCode(finding.code)?.name ?? '';
    lines.push(
      `  ${paint('dim', position.padEnd(7))} ${paint(SEVERITY_STYLE[finding.severity], finding.severity.padEnd(7))} ${finding.message}  ${paint('dim', `${finding.code} ${name}`.trim())}`,
    );
    for (const related of finding.related) {
      lines.push(
        paint(
          'dim',
          `           ↳ ${related.file}:${related.range.start.line + 1}:${related.range.start.character + 1} ${related.message}`,
        ),
      );
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export interface CheckSummary {
  findings: Finding[];
  fileCount: number;
  resourceCount: number;
  clusterCount: number;
  seconds: number;
}

/** `3 errors, 2 warnings in 5 files (11 files, 40 resources, 3 clusters) in 0.12 s` */
export function formatSummary(summary: CheckSummary): string {
  const count = (severity: Severity) =>
    summary.findings.filter((finding) => finding.severity === severity).length;
  const parts = (['error', 'warning', 'info', 'hint'] as const)
    .map((severity) => ({ severity, n: count(severity) }))
    .filter(({ severity, n }) => n > 0 || severity === 'error' || severity === 'warning')
    .map(({ severity, n }) =>
      plural(n, severity === 'info' ? 'info' : severity, severity === 'info' ? 'infos' : undefined),
    );
  const filesWithFindings = new Set(summary.findings.map((finding) => finding.file)).size;
  return `${parts.join(', ')} in ${plural(filesWithFindings, 'file')} (${plural(summary.fileCount, 'file')}, ${plural(summary.resourceCount, 'resource')}, ${plural(summary.clusterCount, 'cluster')}) in ${summary.seconds.toFixed(2)} s\n`;
}

function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** SPEC §8's JSON: one sorted array, 0-based positions, files relative to PATH. */
export function formatJson(findings: Finding[]): string {
  const rows = findings.map((finding) => ({
    file: finding.file,
    range: finding.range,
    severity: finding.severity,
    code: finding.code,
    name: checkByCode(finding.code)?.name ?? '',
    message: finding.message,
    related: finding.related,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
