import type { Check } from '../checks/check';
import { checks, runChecks } from '../checks/registry';
import { createWorkspace, getModel, setFile } from '../model/workspace';
import { parseFixture } from '../text/inline-workspace';

/**
 * docs/diagnostics.md, generated from the checks themselves: each section shows the check's own
 * example, the message the check really produces on it, and the fixed version. A test keeps the
 * committed file equal to this output, so the documentation cannot drift from the code.
 */
export function diagnosticsMarkdown(): string {
  const index = checks.map(
    (check) => `| [${check.code}](#${anchor(check)}) | ${check.name} | ${check.severity} |`,
  );
  return [
    '# Diagnostics',
    '',
    'Every diagnostic Mesh Lens reports, with a minimal wrong example, the message it produces, and the fixed example.',
    'Generated from the checks by `npm run docs`; do not edit by hand. Severities are defaults: override them per code',
    'with `severity:` in `mesh-topology.yaml` or the `meshLens.severity` setting, and suppress a finding with',
    '`# mesh-lens-disable-next-line MESHnnn` on the line above it or a `mesh-lens.io/ignore: "MESHnnn"` annotation.',
    '',
    '| code | name | severity |',
    '|---|---|---|',
    ...index,
    '',
    ...checks.flatMap(section),
  ].join('\n');
}

function anchor(check: Check): string {
  return `${check.code.toLowerCase()}-${check.name}`;
}

function section(check: Check): string[] {
  const findings = findingsOf(check.example.wrong, check.code);
  const messages = findings.map(
    (finding) =>
      `> \`${finding.file}:${finding.range.start.line + 1}:${finding.range.start.character + 1}\` ${finding.severity}: ${finding.message}`,
  );
  const fixes = [...new Set(findings.flatMap((finding) => finding.fixes().map((fix) => fix.title)))];
  return [
    `## ${check.code} ${check.name}`,
    '',
    `Default severity: **${check.severity}**.`,
    '',
    check.description,
    '',
    '**Wrong**',
    '',
    ...workspaceBlock(check.example.wrong),
    '**Message**',
    '',
    ...messages,
    '',
    ...(fixes.length > 0 ? ['**Quick-fixes**', '', ...fixes.map((title) => `- ${title}`), ''] : []),
    '**Fixed**',
    '',
    ...workspaceBlock(check.example.fixed),
  ];
}

function workspaceBlock(fixture: string): string[] {
  return parseFixture(fixture).flatMap((file) => [
    '```yaml',
    `# ${file.path}`,
    file.text.replace(/\n$/, ''),
    '```',
    '',
  ]);
}

function findingsOf(fixture: string, code: string) {
  const workspace = createWorkspace();
  for (const file of parseFixture(fixture)) setFile(workspace, file.path, file.text);
  return runChecks(getModel(workspace)).filter((finding) => finding.code === code);
}
