import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { exampleWorkspace, repoRoot } from './paths';

/** Runs the built CLI (`dist/cli.js`) without colours, optionally as another user. */
export function runCli(args: string[], options: { uid?: number; gid?: number } = {}) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    ...options,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh copy of an example (examples/bookinfo-multicluster by default) in a temporary folder, for runs that write. */
export function copyOfExample(example = exampleWorkspace): string {
  const root = mkdtempSync(join(tmpdir(), 'mesh-lens-fix-'));
  cpSync(example, root, { recursive: true });
  return root;
}

/** Every regular file under `root` (relative path → bytes), temporary files included: what "byte-identical" compares. */
export function filesUnder(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) files.set(relative(root, full).split(sep).join('/'), readFileSync(full));
    }
  };
  visit(root);
  return files;
}
