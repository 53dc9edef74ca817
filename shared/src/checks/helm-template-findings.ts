import type { MeshIndex } from '../model/types';
import { type Finding, noFixes } from '../text/findings';
import { offsetAt, rangeAt } from '../text/source';
import { fileMayHoldHelmOutput, helmSourceAt, helmTemplatePath } from '../yaml/helm-source';

// SPEC §9, Helm: `helm template` writes `# Source: <chart>/templates/<file>` before each document
// it renders. When that chart is in the workspace, a finding on a rendered document is also shown on
// the template it came from (which is itself skipped as a template, MESH195), naming the cluster and
// the rendered file, so whoever edits the chart sees what its output does in each cluster.

/** The findings on rendered Helm output, each once more on its chart's template. */
export function helmTemplateFindings(model: MeshIndex, findings: readonly Finding[]): Finding[] {
  const templates = new Map<string, string | undefined>();
  const templateOf = (source: string) => {
    if (!templates.has(source)) templates.set(source, helmTemplatePath(source, model.files.keys()));
    return templates.get(source);
  };
  // Most findings are in files no chart rendered: each file's text is searched once.
  return findings.flatMap((finding) => {
    const rendered = model.files.get(finding.file);
    const text = rendered?.parsed.source.text;
    if (!rendered || text === undefined || !fileMayHoldHelmOutput(rendered.parsed.source)) return [];
    const source = helmSourceAt(text, offsetAt(rendered.parsed.source, finding.range.start));
    const template = source && templateOf(source);
    const templateText = template && model.files.get(template)?.parsed.source.text;
    if (!template || templateText === undefined) return [];
    const clusters = [...new Set(rendered.placements.map((placement) => placement.cluster))].join(', ');
    return [
      {
        code: finding.code,
        severity: finding.severity,
        file: template,
        range: templateRange(template, templateText, text, finding),
        message: `In ${clusters || 'the'} rendered output (${finding.file}): ${finding.message}`,
        related: [
          { file: finding.file, range: finding.range, message: 'the rendered document' },
          ...finding.related,
        ],
        fixes: noFixes,
      },
    ];
  });
}

/**
 * Where in the template: the first line setting the same key as the rendered line the finding is on
 * (`name:`, a label's key), else the template's first line.
 */
function templateRange(template: string, templateText: string, renderedText: string, finding: Finding) {
  const source = { path: template, text: templateText };
  const line = renderedText.split('\n')[finding.range.start.line] ?? '';
  const key = /^\s*(?:-\s+)?([^:#\s][^:#]*):/.exec(line)?.[1]?.trim();
  if (key) {
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`^(\\s*(?:-\\s+)?)${escaped}:`, 'm').exec(templateText);
    if (match) {
      const start = match.index + (match[1]?.length ?? 0);
      return rangeAt(source, start, start + key.length);
    }
  }
  return rangeAt(source, 0, 0);
}
