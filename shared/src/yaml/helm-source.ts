import { textIncludes } from '../text/source';

// `helm template` writes `# Source: <chart>/templates/<file>` at the top of each document it renders:
// the mark of generated output, and the way back to the template it came from.

const SOURCE_LINE = /^#\s*Source:\s*(\S+)\s*$/m;

/** The `# Source:` path of the document holding `offset` in a file's text, if it has one. */
export function helmSourceAt(text: string, offset: number): string | undefined {
  const before = text.lastIndexOf('\n---', offset);
  const start = before < 0 ? 0 : before + 4;
  const next = text.indexOf('\n---', offset);
  const document = text.slice(start, next < 0 ? text.length : next);
  return SOURCE_LINE.exec(document)?.[1];
}

/**
 * The workspace file a `# Source:` path names: the path itself, or the shortest path ending with it
 * (the chart kept in a subfolder of the repository).
 */
export function helmTemplatePath(source: string, paths: Iterable<string>): string | undefined {
  let found: string | undefined;
  for (const path of paths) {
    if (path === source) return path;
    if (path.endsWith(`/${source}`) && (found === undefined || path.length < found.length)) found = path;
  }
  return found;
}

const HELM_SOURCE_MARK = '# Source:';

/** Whether a file's text may hold Helm output at all: most files do not, and are not searched further. */
export function mayHoldHelmOutput(text: string): boolean {
  return text.includes(HELM_SOURCE_MARK);
}

/** `mayHoldHelmOutput` of a file's text, searched once per text. */
export const fileMayHoldHelmOutput = textIncludes(HELM_SOURCE_MARK);
