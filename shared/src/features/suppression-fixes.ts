import { type Document, visit } from 'yaml';
import { DISABLE_NEXT_LINE, DISABLE_NEXT_LINE_COMMENT, innermostResource } from '../checks/suppression';
import { IGNORE_ANNOTATION } from '../facts/mesh-labels';
import { setMetadataEntry } from '../fixes/yaml-edits';
import type { MeshModel } from '../model/types';
import type { Finding, Fix, TextEdit } from '../text/findings';
import { lineStarts, rangeAt, type SourceFile } from '../text/source';
import { describeResource, type Resource } from '../yaml/resource';

// "Disable MESHnnn for this line / for this resource": the two suppressions the product already
// reads (checks/suppression.ts), written for the user. They silence a finding rather than fix it,
// so they are never preferred and fix-all never applies them: they are built here, per finding,
// outside the checks' own fixes, and the adapters try them with the same fix oracle as any fix.

export function suppressionFixes(model: MeshModel, finding: Finding): Fix[] {
  const file = model.files.get(finding.file)?.parsed;
  if (!file) return [];
  const resource = innermostResource(file.resources, finding);
  return [
    lineSuppression(file.source, file.documents, finding),
    resource && resourceSuppression(resource, finding),
  ].filter((fix): fix is Fix => fix !== undefined);
}

/**
 * `# mesh-lens-disable-next-line CODE` above the finding's first line, indented like it; when that
 * line already holds such a comment for other codes, the code joins its list (a second comment in
 * between would take the first one's place above the finding). None when the finding's line
 * continues a multi-line string: a comment line there would become part of the string.
 */
function lineSuppression(
  source: SourceFile,
  documents: readonly Document.Parsed[],
  finding: Finding,
): Fix | undefined {
  const starts = lineStarts(source);
  const text = source.text;
  const line = finding.range.start.line;
  const lineStart = starts[line] ?? text.length;
  const above = line > 0 ? lineText(text, starts, line - 1) : undefined;
  const existing = above && DISABLE_NEXT_LINE.exec(above.text);
  if (!existing && continuesScalar(documents, lineStart)) return undefined;
  const edit: TextEdit = existing
    ? appendCode(
        source,
        above.start + existing.index + existing[0].trimEnd().length,
        existing[1] ?? '',
        finding.code,
      )
    : {
        range: rangeAt(source, lineStart, lineStart),
        newText: `${indentOf(text, lineStart)}# ${DISABLE_NEXT_LINE_COMMENT} ${finding.code}${lineBreakOf(text)}`,
      };
  return {
    title: `Disable ${finding.code} for this line`,
    preferred: false,
    changes: [{ file: source.path, edits: [edit] }],
  };
}

/** `mesh-lens.io/ignore: "CODE"` on the resource the finding points into, or CODE added to its list. */
function resourceSuppression(resource: Resource, finding: Finding): Fix | undefined {
  const listed = resource.annotations.get(IGNORE_ANNOTATION)?.value.trim();
  const value = listed ? `${listed},${finding.code}` : finding.code;
  const edits = setMetadataEntry(resource, 'annotations', IGNORE_ANNOTATION, value);
  if (edits.length === 0) return undefined;
  return {
    title: `Disable ${finding.code} for ${describeResource(resource)} (${IGNORE_ANNOTATION})`,
    preferred: false,
    changes: [{ file: resource.source.path, edits }],
  };
}

/**
 * Whether an offset falls inside a scalar that started on an earlier line. The fix oracle would not
 * catch it: it compares the nodes outside an edit, and this edit lands inside the scalar it changes.
 */
function continuesScalar(documents: readonly Document.Parsed[], offset: number): boolean {
  let inside = false;
  for (const document of documents) {
    visit(document, {
      Scalar(_key, node) {
        const [start, end] = node.range ?? [0, 0];
        if (start < offset && offset < end) inside = true;
        return inside ? visit.BREAK : undefined;
      },
    });
    if (inside) return true;
  }
  return false;
}

function appendCode(source: SourceFile, at: number, codes: string, code: string): TextEdit {
  const separator = codes.includes(',') ? ',' : ' ';
  return { range: rangeAt(source, at, at), newText: `${separator}${code}` };
}

function lineText(text: string, starts: readonly number[], line: number): { start: number; text: string } {
  const start = starts[line] ?? text.length;
  return { start, text: text.slice(start, starts[line + 1] ?? text.length) };
}

function indentOf(text: string, lineStart: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
