import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { FixedFile, FixNotApplied } from '../../../shared/src';
import type { Style } from './terminal';
import type { WriteOutcome } from './write-fixes';

type Paint = (style: Style, text: string) => string;

/** `fixed clusters/c1/x.yaml: Label Service bookinfo/ratings … (1 fix)`, one line per file. */
export function formatFixedFiles(files: readonly FixedFile[]): string {
  return files
    .map((file) => {
      const count = `${file.fixes.length} ${file.fixes.length === 1 ? 'fix' : 'fixes'}`;
      return `${file.created ? 'created' : 'fixed'} ${file.path}: ${file.fixes.join('; ')} (${count})\n`;
    })
    .join('');
}

/** `not applied clusters/c3/x.yaml: Change to global (MESH111): it would raise MESH102 in …`, one line per fix. */
export function formatNotApplied(fixes: readonly FixNotApplied[]): string {
  return fixes.map((fix) => `not applied ${fix.file}: ${fix.title} (${fix.code}): ${fix.reason}\n`).join('');
}

/**
 * Why a fix run stopped, then every path by what became of it, then the state of the disk in one
 * line: after a failure the user must know exactly which files hold fixed text.
 */
export function formatWriteFailure(outcome: WriteOutcome): string {
  const lines = [
    ...outcome.problems.map((problem) => `mesh-lens: ${problem}`),
    ...outcome.written.map((path) => `still fixed: ${path} (it could not be put back)`),
    ...outcome.restored.map((path) => `restored: ${path} (written, then put back as it was)`),
    ...outcome.unwritten.map((path) => `not written: ${path}`),
    outcome.written.length === 0
      ? 'mesh-lens: --fix changed no file'
      : `mesh-lens: --fix left ${outcome.written.length} of the files to fix changed; run it again once the problem is solved`,
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** A unified diff of every file, `a/`- and `b/`-prefixed as `git apply` and `patch -p1` read it. */
export function formatFixDiff(files: readonly FixedFile[], paint: Paint): string {
  return files
    .map((file) =>
      createTwoFilesPatch(
        file.created ? '/dev/null' : `a/${file.path}`,
        `b/${file.path}`,
        file.before,
        file.after,
        undefined,
        undefined,
        { headerOptions: FILE_HEADERS_ONLY },
      ),
    )
    .join('')
    .split(/(?<=\n)/)
    .map((line) => paintDiffLine(line, paint))
    .join('');
}

function paintDiffLine(line: string, paint: Paint): string {
  const body = line.replace(/\r?\n$/, '');
  const end = line.slice(body.length);
  if (body.startsWith('+++') || body.startsWith('---')) return paint('bold', body) + end;
  if (body.startsWith('@@')) return paint('cyan', body) + end;
  if (body.startsWith('+')) return paint('green', body) + end;
  if (body.startsWith('-')) return paint('red', body) + end;
  return line;
}
