import { checks, docsUrl, type Finding, type Range, type Severity } from '../../../shared/src';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** SARIF 2.1.0, as GitHub code scanning and other CI viewers read it. */
export function formatSarif(findings: Finding[], version: string): string {
  const rules = checks.map((check) => ({
    id: check.code,
    name: check.name,
    shortDescription: { text: check.name },
    fullDescription: { text: check.description },
    helpUri: docsUrl(check),
    defaultConfiguration: { level: LEVEL[check.severity] },
  }));
  const results = findings.map((finding) => ({
    ruleId: finding.code,
    ruleIndex: checks.findIndex((check) => check.code === finding.code),
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [location(finding.file, finding.range)],
    relatedLocations: finding.related.map((related, index) => ({
      id: index,
      ...location(related.file, related.range),
      message: { text: related.message },
    })),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mesh-lens',
            version,
            informationUri: docsUrl({ code: '', name: '' }).split('#')[0],
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: './' } },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function location(file: string, range: Range) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' },
      region: {
        startLine: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLine: range.end.line + 1,
        endColumn: range.end.character + 1,
      },
    },
  };
}
