import { replaceEntryValue } from '../fixes/replace-entry-value';
import { writtenContext } from '../fixes/written-entry';
import type { Fix } from '../text/findings';
import { nearestValue } from '../util/nearest-value';
import type { Located } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';

/**
 * The "replace with the nearest valid value" fix of MESH110 and MESH150, and the "Did you mean"
 * sentence for the message. A far-off guess (`yes` → `local`) is offered, never applied unasked,
 * and is not suggested in the message.
 */
export function nearestValueFix(
  resource: Resource,
  entry: Located<string>,
  candidates: readonly string[],
): { fixes: Fix[]; suggestion: string } {
  const nearest = nearestValue(entry.value, candidates);
  if (!nearest) return { fixes: [], suggestion: '' };
  const title =
    entry.value === ''
      ? `Set it to \`${nearest.value}\``
      : `Replace \`${entry.value}\` with \`${nearest.value}\``;
  // Where the value is written: an overlay's `labels:` entry or patch, when a kustomization set it.
  const ctx = writtenContext(resource, entry);
  return {
    fixes: [
      {
        title,
        preferred: nearest.close,
        changes: [{ file: ctx.source.path, edits: [replaceEntryValue(ctx, entry, nearest.value)] }],
      },
    ],
    suggestion: nearest.close ? ` Did you mean \`${nearest.value}\`?` : '',
  };
}
