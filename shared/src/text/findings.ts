import type { Range } from './source';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A place in another file (or the same one) that explains a finding: the sibling, the topology entry, … */
export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** Edits to one file. `create` marks a file that does not exist yet; its only edit inserts the whole text. */
export interface FileEdit {
  file: string;
  create?: boolean;
  edits: TextEdit[];
}

/** A quick-fix as plain data: the adapters turn it into a WorkspaceEdit or apply it on disk. */
export interface Fix {
  title: string;
  /** The fix `--fix` and the editor's auto-fix apply: safe, minimal and meaning-preserving. */
  preferred?: boolean;
  /**
   * A rewrite that changes more than the finding (new files, deleted resources): offered in the
   * editor, applied by the CLI only when asked (`--unsafe-fixes`), never preferred.
   */
  suggestion?: boolean;
  changes: FileEdit[];
}

export interface Finding {
  code: string;
  severity: Severity;
  file: string;
  range: Range;
  message: string;
  related: RelatedLocation[];
  /**
   * Builds the finding's fixes (the same list on every call: built on the first). A function because
   * building a fix reads the file's YAML nodes again, and most findings are never fixed: only a
   * code action, `--fix` or a test asks. Everything else about a finding is plain data.
   */
  fixes: () => Fix[];
}

/** Where a finding stands, as a key: its code, file and range (a finding's copies across clusters share it). */
export function placeKey(finding: Finding): string {
  const { start, end } = finding.range;
  return `${finding.code}\u0000${finding.file}\u0000${start.line}:${start.character}-${end.line}:${end.character}`;
}

const NO_FIXES: Fix[] = Object.freeze([]) as unknown as Fix[];

/** The `fixes` of a finding that has none. */
export const noFixes = (): Fix[] => NO_FIXES;

/** `build` as a finding's `fixes`: called on the first request only, its list returned ever after. */
export function fixesOnce(build: () => Fix[]): () => Fix[] {
  let built: Fix[] | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

/** A list of fixes known already, as a finding's `fixes`. */
export function fixesOf(list: Fix[]): () => Fix[] {
  return list.length === 0 ? noFixes : () => list;
}

export const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };
