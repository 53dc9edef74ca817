import { type Finding, type FixAllOptions, getModel, type MeshModel } from '../../../shared/src';
import { formatFixDiff, formatFixedFiles, formatNotApplied, formatWriteFailure } from './format-fix';
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

/** Why the fixed files are not all on disk, and what was and was not changed: an I/O error (SPEC §8). */
export interface FixFailure {
  failure: string;
}

/** SPEC §8 `--fix` / `--fix-dry-run`: applies every preferred fix and writes the changed files, or only diffs them. */
export async function runFixes(
  loaded: LoadedWorkspace,
  mode: FixMode,
  paint: (style: Style, text: string) => string,
  options: FixAllOptions = {},
): Promise<FixOutcome | FixFailure> {
  const result = loaded.snapshot.fixAll(options);
  if (mode === 'fix') {
    const written = await writeFixedFiles(loaded.root, result.files);
    if (written.problems.length > 0)
      return { failure: formatWriteFailure(written) + formatNotApplied(result.notApplied) };
  }
  const applied = mode === 'fix' ? formatFixedFiles(result.files) : formatFixDiff(result.files, paint);
  return {
    report: applied + formatNotApplied(result.notApplied),
    findings: result.remaining,
    model: getModel(result.workspace),
    fileCount: result.workspace.files.size,
  };
}
