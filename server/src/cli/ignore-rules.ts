import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

/**
 * Whether a workspace-relative path is left out of the walk: by a `.gitignore` (the root's, those of
 * the folders above it up to the repository root, and those of the folders inside it, each applying
 * below its own folder, a deeper one overriding), by `.git/info/exclude`, or by an `--exclude` glob.
 * A CI checkout holds what git tracks; rendered charts, vendored manifests and build output that git
 * ignores would otherwise be checked on a laptop and not in CI.
 */
export function ignoreRules(
  root: string,
  repository: string | undefined,
  excludeGlobs: string[],
): (path: string, isDirectory: boolean) => boolean {
  const excluded = excludeGlobs.length > 0 ? picomatch(excludeGlobs, { dot: true }) : () => false;
  const rulesByFolder = new Map<string, Ignore | undefined>();
  const rulesOf = (folder: string): Ignore | undefined => {
    if (!rulesByFolder.has(folder)) {
      const files = [join(folder, '.gitignore')];
      if (folder === repository) files.push(join(folder, '.git', 'info', 'exclude'));
      const texts = files.flatMap((file) => readOptional(file) ?? []);
      rulesByFolder.set(folder, texts.length > 0 ? ignore().add(texts) : undefined);
    }
    return rulesByFolder.get(folder);
  };
  // The folders whose rules apply to the root's contents: the repository root down to the root.
  const above: string[] = [];
  for (let folder = root; ; folder = dirname(folder)) {
    above.unshift(folder);
    if (folder === (repository ?? root) || dirname(folder) === folder) break;
  }
  return (path, isDirectory) => {
    if (excluded(path) || (isDirectory && excluded(`${path}/`))) return true;
    const absolute = join(root, ...path.split('/'));
    const segments = path.split('/');
    const folders = [
      ...above,
      ...segments.slice(0, -1).map((_, index) => join(root, ...segments.slice(0, index + 1))),
    ];
    let ignored = false;
    for (const folder of folders) {
      const rules = rulesOf(folder);
      if (!rules) continue;
      const name = relative(folder, absolute).split(sep).join('/');
      const verdict = rules.test(isDirectory ? `${name}/` : name);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  };
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
