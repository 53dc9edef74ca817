import { mergedByFile } from '../fixes/layered-fix';
import { type Finding, type Fix, fixesOf, fixesOnce, type RelatedLocation } from '../text/findings';
import type { Range } from '../text/source';
import { type Located, plainLocated } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';
import type { Check } from './check';

/**
 * A finding's fixes, or how to build them: a function is called when the finding's `fixes()` is
 * first called. Building a fix reads the file's YAML nodes, which are not kept after parsing
 * (re-reading a file costs about a third of a millisecond), and most findings are never fixed: a
 * check run does not build them until a code action or `--fix` asks.
 */
export type FixesSource = Fix[] | (() => Fix[]);

/**
 * A finding of `check` at a node of `resource`, with the check's default severity. Given a located
 * value rather than a range, the finding goes where the value is written: a value a kustomization
 * set on a base's object is reported in that kustomization (SPEC §9, "Where findings go").
 */
export function findingAt(
  check: Pick<Check, 'code' | 'severity'>,
  resource: Resource,
  at: Range | Located<unknown>,
  message: string,
  extra: { related?: RelatedLocation[]; fixes?: FixesSource; severity?: Finding['severity'] } = {},
): Finding {
  const located = 'value' in at ? at : undefined;
  const elsewhere = located?.file !== undefined && located.file !== resource.source.path;
  const fixes = extra.fixes ?? [];
  return {
    code: check.code,
    severity: extra.severity ?? check.severity,
    file: located?.file ?? resource.source.path,
    range: located ? located.range : (at as Range),
    message,
    related: extra.related ?? [],
    fixes: fixesFrom(elsewhere ? fixesNotEditing(resource.source.path, fixes) : fixes),
  };
}

/**
 * A value written in another file than its resource's (an overlay's label on a base's Service):
 * fixes built from the resource's nodes would edit the base at the overlay's offsets, so only fixes
 * that edit other files (built for the placement) are kept.
 */
function fixesNotEditing(file: string, fixes: FixesSource): FixesSource {
  const keep = (list: Fix[]) => list.filter((fix) => fix.changes.every((change) => change.file !== file));
  return Array.isArray(fixes) ? keep(fixes) : () => keep(fixes());
}

/** A finding's `fixes`: a list as is, a builder called once, on the first request. */
export function fixesFrom(fixes: FixesSource): () => Fix[] {
  return Array.isArray(fixes) ? fixesOf(fixes) : fixesOnce(fixes);
}

export function relatedAt(
  resource: Resource,
  located: Located<unknown> | undefined,
  message: string,
): RelatedLocation {
  const at = located ?? resource.name;
  return {
    file: at?.file ?? resource.source.path,
    range: at?.range ?? resource.range,
    message,
  };
}

/** A label's or annotation's key, where it is written: findings about the key itself point there. */
export function keyOf<T>(located: Located<T>): Located<T> {
  const { keyRange } = located;
  return keyRange ? { ...plainLocated(located), range: keyRange } : located;
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

/**
 * Merges per-file edits into one fix, grouping edits of the same file. The same edit asked twice
 * (a base placed in two clusters, both exported by one fix) is made once.
 */
export function multiFileFix(
  title: string,
  edits: { file: string; edits: Fix['changes'][number]['edits'] }[],
  preferred = false,
): Fix {
  return { title, preferred, changes: mergedByFile(edits) };
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
