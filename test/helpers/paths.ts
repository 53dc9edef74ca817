import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseFixture } from './fixture';

/** The repository root: tests run from their bundles under out/test/, so walk up to package.json. */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = dirname(dir);
  }
  return dir;
})();

export const exampleWorkspace = join(repoRoot, 'examples', 'bookinfo-multicluster');
export const kustomizeExample = join(repoRoot, 'examples', 'kustomize-multicluster');
export const gitopsExample = join(repoRoot, 'examples', 'gitops-multicluster');

/** Writes an inline fixture to a fresh temporary folder and returns its path. */
export function writeFixture(fixture: string): string {
  const root = mkdtempSync(join(tmpdir(), 'mesh-lens-'));
  for (const file of parseFixture(fixture)) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.text);
  }
  return root;
}
