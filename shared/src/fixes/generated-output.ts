import type { FileEdit, Fix } from '../text/findings';
import { offsetAt } from '../text/source';
import { isRenderedOutput } from '../topology/placement';
import { helmSourceAt, mayHoldHelmOutput } from '../yaml/helm-source';
import { type HelmContext, helmValuesFix } from './helm-values-fix';

// A fix belongs in the layer at fault (SPEC §9). Generated output is not that layer: a render
// command's output has no file at all (it is held in memory, never written), and an edit to a
// committed `helm template` document is undone by the next render — the chart's values are what to
// change. So a fix that edits a render command's output is not offered; one that edits a
// Helm-rendered document moves to the values file when that is certain (helm-values-fix.ts), and
// otherwise is offered in the editor but never preferred (`--fix` leaves it), its title saying why.

/** A finding's fixes as they may be offered, given what the workspace holds now. */
export function fixesForGeneratedOutput(fixes: readonly Fix[], context: HelmContext): Fix[] {
  const { textOf } = context;
  return fixes.flatMap((fix): Fix[] => {
    if (fix.changes.some((change) => isRenderedOutput(change.file))) return [];
    if (!fix.changes.some((change) => editsHelmOutput(change, textOf))) return [fix];
    const inValues = fix.preferred ? helmValuesFix(fix, context) : undefined;
    if (inValues) return [inValues];
    return [
      {
        ...fix,
        preferred: false,
        suggestion: false,
        title: `${fix.title} (edits generated Helm output: the next helm template undoes it; change the chart or its values)`,
      },
    ];
  });
}

function editsHelmOutput(change: FileEdit, textOf: (file: string) => string | undefined): boolean {
  if (change.create) return false;
  const text = textOf(change.file);
  if (text === undefined || !mayHoldHelmOutput(text)) return false;
  const source = { path: change.file, text };
  return change.edits.some((edit) => helmSourceAt(text, offsetAt(source, edit.range.start)) !== undefined);
}
