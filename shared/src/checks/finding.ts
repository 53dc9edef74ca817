import type { Finding, Fix, RelatedLocation } from '../text/findings';
import type { Range } from '../text/source';
import type { Located } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import type { Check } from './check';

/**
 * A finding's fixes, or how to build them: a function is called when the fixes are first read.
 * Building a fix reads the file's YAML nodes, which are not kept after parsing (re-reading a file
 * costs about a third of a millisecond), and most findings are never fixed: a check run does not
 * build them until a code action or `--fix` asks.
 */
export type FixesSource = Fix[] | (() => Fix[]);

/** A finding of `check` at a node of `resource`, with the check's default severity. */
export function findingAt(
  check: Pick<Check, 'code' | 'severity'>,
  resource: Resource,
  range: Range,
  message: string,
  extra: { related?: RelatedLocation[]; fixes?: FixesSource; severity?: Finding['severity'] } = {},
): Finding {
  return withFixes(
    {
      code: check.code,
      severity: extra.severity ?? check.severity,
      file: resource.source.path,
      range,
      message,
      related: extra.related ?? [],
    },
    extra.fixes ?? [],
  );
}

/** The finding with its fixes: a list as is, a function as a property computed once, on first read. */
export function withFixes(finding: Omit<Finding, 'fixes'>, fixes: FixesSource): Finding {
  if (Array.isArray(fixes)) return { ...finding, fixes };
  let built: Fix[] | undefined;
  return Object.defineProperty({ ...finding }, 'fixes', {
    get: () => {
      built ??= fixes();
      return built;
    },
    enumerable: true,
  }) as Finding;
}

/** Whether a finding's fixes are still to be built (reading them would build them). */
export function fixesPending(finding: Finding): boolean {
  return Object.getOwnPropertyDescriptor(finding, 'fixes')?.get !== undefined;
}

export function relatedAt(
  resource: Resource,
  located: Located<unknown> | undefined,
  message: string,
): RelatedLocation {
  return {
    file: resource.source.path,
    range: located?.range ?? resource.name?.range ?? resource.range,
    message,
  };
}

/** One fix editing one file. */
export function singleFileFix(
  title: string,
  resource: Resource,
  edits: Fix['changes'][number]['edits'],
  preferred = true,
): Fix {
  return { title, preferred, changes: [{ file: resource.source.path, edits }] };
}

/** Merges per-file edits into one fix, grouping edits of the same file. */
export function multiFileFix(
  title: string,
  edits: { file: string; edits: Fix['changes'][number]['edits'] }[],
  preferred = false,
): Fix {
  const byFile = new Map<string, Fix['changes'][number]['edits']>();
  for (const entry of edits) byFile.set(entry.file, [...(byFile.get(entry.file) ?? []), ...entry.edits]);
  return {
    title,
    preferred,
    changes: [...byFile.entries()].map(([file, fileEdits]) => ({ file, edits: fileEdits })),
  };
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function listClusters(clusters: string[]): string {
  const unique = [...new Set(clusters)];
  return unique.length <= 1
    ? (unique[0] ?? '')
    : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}
