import { IGNORE_ANNOTATION } from '../facts/mesh-labels';
import type { MeshIndex } from '../model/types';
import type { Finding } from '../text/findings';
import { comparePositions, containsPosition, lineStarts, textIncludes } from '../text/source';
import type { Resource } from '../yaml/resource';

/** The comment that suppresses findings on the next line; the codes it lists follow it. */
export const DISABLE_NEXT_LINE_COMMENT = 'mesh-lens-disable-next-line';
export const DISABLE_NEXT_LINE = /#\s*mesh-lens-disable-next-line\b([^\n#]*)/;

/**
 * A finding is suppressed by `# mesh-lens-disable-next-line [CODES]` on the line above it, or by
 * the `mesh-lens.io/ignore: "MESH101,MESH130"` annotation on the resource it points into.
 */
export function isSuppressed(model: MeshIndex, finding: Finding): boolean {
  const file = model.files.get(finding.file)?.parsed;
  if (!file) return false;
  if (mentionsComment(file.source) && disabledByComment(file.source.text, lineStarts(file.source), finding))
    return true;
  const resource = innermostResource(file.resources, finding);
  const ignored = resource?.annotations.get(IGNORE_ANNOTATION)?.value;
  return ignored !== undefined && listsCode(ignored, finding.code);
}

// Whether a file's text has the comment at all: most have none, and then its findings need no line
// index. An edit re-checks every finding of its namespace, and where those were in more files than the
// line indexes kept (64), each edit indexed every one of them again: in a repository whose files
// mostly land in `default` (2,450 files there, 230 findings), that was a tenth of an edit.
const mentionsComment = textIncludes(DISABLE_NEXT_LINE_COMMENT);

function disabledByComment(text: string, lineStarts: readonly number[], finding: Finding): boolean {
  const line = finding.range.start.line - 1;
  if (line < 0) return false;
  const start = lineStarts[line] ?? 0;
  const end = lineStarts[line + 1] ?? text.length;
  const match = DISABLE_NEXT_LINE.exec(text.slice(start, end));
  if (!match) return false;
  const codes = match[1]?.trim() ?? '';
  return codes === '' || listsCode(codes, finding.code);
}

export function listsCode(list: string, code: string): boolean {
  return list
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toUpperCase())
    .includes(code);
}

/**
 * The resource a finding starts in. A file's resources never nest (document roots, or the items of
 * a List) and come in text order, so a binary search finds it; scanning them all for every finding
 * made a file of 5,000 documents take seconds (found while testing hostile inputs).
 */
export function innermostResource(resources: Resource[], finding: Finding): Resource | undefined {
  const position = finding.range.start;
  let best: Resource | undefined;
  let low = 0;
  let high = resources.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const resource = resources[middle] as Resource;
    if (comparePositions(resource.range.start, position) <= 0) {
      best = resource;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best && containsPosition(best.range, position) ? best : undefined;
}
