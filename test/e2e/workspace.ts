import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleWorkspace, repoRoot } from '../helpers/paths';

/** A fresh copy of examples/bookinfo-multicluster in the run's folder (the suite applies fixes to it). */
export function copyExample(runDir: string, name: string): string {
  const root = join(runDir, name);
  cpSync(exampleWorkspace, root, { recursive: true });
  return root;
}

export const extensionPackage = (() => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return {
    id: `${manifest.publisher}.${manifest.name}`,
    vsix: join(repoRoot, `${manifest.name}-${manifest.version}.vsix`),
  };
})();

/** The suite bundle (build.mjs: test/e2e/suite/index.ts → out/e2e/suite/index.js). */
export const suiteBundle = join(repoRoot, 'out', 'e2e', 'suite', 'index.js');
