import { type Finding, getModel, type MeshModel } from '../../../shared/src';
import { type FixAllOptions, fixAll } from '../../../shared/src/analysis/fix-all';
import { formatFixDiff, formatFixedFiles, formatNotApplied } from './format-fix';
import type { LoadedWorkspace } from './load-workspace';
import type { Style } from './terminal';
import { writeFixedFiles } from './write-fixes';

export type FixMode = 'fix' | 'dry-run';

export interface FixOutcome {
  /** `fixed …` lines, or the diff of a dry run; empty when nothing was fixable. */
  report: string;
  /** What is left once the fixes are applied (or would be, for a dry run): `check` reports these. */
  findings: Finding[];
  model: MeshModel;
  fileCount: number;
}

/** SPEC §8 `--fix` / `--fix-dry-run`: applies every preferred fix and writes the changed files, or only diffs them. */
export async function runFixes(
  loaded: LoadedWorkspace,
  mode: FixMode,
  paint: (style: Style, text: string) => string,
  options: FixAllOptions = {},
): Promise<FixOutcome> {
  const result = fixAll(loaded.workspace, {}, options);
  if (mode === 'fix') await writeFixedFiles(loaded.root, result.files);
  const applied = mode === 'fix' ? formatFixedFiles(result.files) : formatFixDiff(result.files, paint);
  return {
    report: applied + formatNotApplied(result.notApplied),
    findings: result.remaining,
    model: getModel(result.workspace),
    fileCount: result.workspace.files.size,
  };
}
