import type { MeshIndex } from '../model/types';
import { type Finding, noFixes } from '../text/findings';
import { isRenderedOutput } from '../topology/placement';

// A render command's output (SPEC §9, `render:`) is analysed at `.mesh-lens/rendered/<cluster>.yaml`,
// a path with no file behind it: nothing is written to the workspace. A finding there is also shown
// on the `render:` line that produced the output, so an editor (which can only show diagnostics in
// files that exist) and a reader of the topology file see it. A finding already shown on a chart's
// template (helm-template-findings.ts) is not repeated there: the template is the better place.

/** The findings on render commands' outputs, each once more on its cluster's `render:` line. */
export function renderedOutputFindings(
  model: MeshIndex,
  findings: readonly Finding[],
  onTemplates: readonly Finding[],
): Finding[] {
  const shownOnTemplate = new Set(onTemplates.map(renderedLocationKey));
  return findings.flatMap((finding) => {
    if (!isRenderedOutput(finding.file) || shownOnTemplate.has(keyOf(finding))) return [];
    const entry = model.files.get(finding.file)?.placements[0]?.entry;
    if (!entry) return [];
    const line = finding.range.start.line + 1;
    return [
      {
        code: finding.code,
        severity: finding.severity,
        file: entry.file,
        range: entry.range,
        message: `In the rendered output (${finding.file}, line ${line}): ${finding.message}`,
        related: finding.related.filter((related) => !isRenderedOutput(related.file)),
        fixes: noFixes,
      },
    ];
  });
}

function keyOf(finding: Finding): string {
  return `${finding.code} ${finding.file} ${finding.range.start.line}:${finding.range.start.character}`;
}

/** A template finding's rendered document (its first related location), keyed as `keyOf` keys the original. */
function renderedLocationKey(finding: Finding): string {
  const rendered = finding.related[0];
  return rendered
    ? `${finding.code} ${rendered.file} ${rendered.range.start.line}:${rendered.range.start.character}`
    : '';
}
