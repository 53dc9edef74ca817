import type { Check } from '../checks/check';
import { checks, runCheckList } from '../checks/registry';
import { cellLayout, cellViews, shardOfCell } from '../model/cells';
import type { Shard } from '../model/types';
import { type Finding, placeKey } from '../text/findings';
import { type Analysis, reported } from './analyse-workspace';

// Some checks find something from its own unit (model/cells.ts) but build its fixes from the whole
// namespace: MESH101's Namespace fix names every other Service the label would export. The analysis
// does not check such a finding's cell again when another part of the namespace changes (an edit of
// a big namespace would re-check every cell holding one), so the finding it keeps may carry fixes
// that read the namespace as it was. When fixes are asked for, the finding's cell is checked again
// with that check alone, in the analysis's current model, and the finding found there gives them.

/** The checks whose fixes read their whole namespace (`Check.fixesReadNamespace`). */
const namespaceFixers = new Map(
  checks.filter((check) => check.fixesReadNamespace).map((check) => [check.code, check] as const),
);

/**
 * `findings` (as reported from `analysis`) with the fixes of each finding of a check that reads the
 * namespace for its fixes taken from its cell checked again in the analysis's model. Each such cell
 * is checked once, with that check only; a finding not found again keeps the fixes it had.
 */
export function withCurrentFixes(analysis: Analysis, findings: readonly Finding[]): Finding[] {
  const stale = findings.filter((finding) => namespaceFixers.has(finding.code));
  if (stale.length === 0) return [...findings];
  const cells = cellsHolding(analysis, stale);
  const again = checkedAgainIn(analysis);
  const current = new Map<Finding, Finding>();
  for (const finding of stale) {
    const place = placeKey(finding);
    const cell = cells.get(place);
    const check = namespaceFixers.get(finding.code) as Check;
    if (cell === undefined) continue;
    const key = `${cell}\u0000${check.code}`;
    let found = again.get(key);
    if (!found) {
      found = checkedAgain(analysis, cell, check);
      again.set(key, found);
    }
    const twin = found.find((other) => placeKey(other) === place && other.message === finding.message);
    if (twin) current.set(finding, { ...finding, fixes: twin.fixes });
  }
  return findings.map((finding) => current.get(finding) ?? finding);
}

// Per analysis, the cells checked again for fixes: an editor asks for code actions at every move of
// the cursor over a finding, and the answer does not change until the next analysis.
const checkedAgainByAnalysis = new WeakMap<Analysis, Map<string, Finding[]>>();

function checkedAgainIn(analysis: Analysis): Map<string, Finding[]> {
  let again = checkedAgainByAnalysis.get(analysis);
  if (!again) {
    again = new Map();
    checkedAgainByAnalysis.set(analysis, again);
  }
  return again;
}

/** The cell of each place of `findings` among the analysis's cells, found in one pass over them. */
function cellsHolding(analysis: Analysis, findings: readonly Finding[]): Map<string, string> {
  const wanted = new Set(findings.map(placeKey));
  const cells = new Map<string, string>();
  for (const [cell, found] of analysis.shards)
    for (const finding of found) {
      if (!namespaceFixers.has(finding.code)) continue;
      const place = placeKey(finding);
      if (wanted.has(place) && !cells.has(place)) cells.set(place, cell);
    }
  return cells;
}

/** What `check` finds in `cell` of the analysis's model, as reported. */
function checkedAgain(analysis: Analysis, cell: string, check: Check): Finding[] {
  const view = currentView(analysis, cell);
  if (!view) return [];
  const found = runCheckList(view, analysis.model, analysis.options.onCheckError, (one) => one === check);
  return reported(analysis, found);
}

/** The view of `cell` in the analysis's model: its shard when the shard is one cell. */
function currentView(analysis: Analysis, cell: string): Shard | undefined {
  const key = shardOfCell(cell);
  const shard = analysis.model.shards.get(key);
  if (!shard) return undefined;
  const layout = cellLayout(shard, analysis.model, analysis.wholeShards.has(key));
  return cellViews(layout, new Set([cell])).get(cell);
}
