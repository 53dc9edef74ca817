import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { FixedFile, FixNotApplied } from '../../../shared/src/analysis/fix-all';
import type { Style } from './terminal';

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
