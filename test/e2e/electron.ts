import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../helpers/paths';
import type { SuiteReport } from './suite/runner';
import { copyExample, suiteBundle } from './workspace';

// `npm run test:e2e:electron`: the same suite in VS Code desktop, through @vscode/test-electron. It uses
// the VS Code at VSCODE_EXECUTABLE_PATH, or downloads VSCODE_VERSION (default: stable) from Microsoft,
// and loads the extension from this repository (dist/, built by `node scripts/build.mjs`).

async function main(): Promise<number> {
  if (!existsSync(join(repoRoot, 'dist', 'client.js')) || !existsSync(suiteBundle)) {
    console.error('Build first: node scripts/build.mjs');
    return 1;
  }
  const runDir = realpathSync(mkdtempSync(join(tmpdir(), 'mesh-lens-e2e-electron-')));
  try {
    return await runSuite(runDir);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

async function runSuite(runDir: string): Promise<number> {
  const workspace = copyExample(runDir, 'bookinfo');
  const resultsFile = join(runDir, 'suite-results.json');
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      version: process.env.VSCODE_VERSION || undefined,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteBundle,
      extensionTestsEnv: { MESH_LENS_E2E_RESULTS: resultsFile },
      launchArgs: [
        workspace,
        '--disable-extensions',
        `--user-data-dir=${join(runDir, 'user-data')}`,
        `--extensions-dir=${join(runDir, 'extensions')}`,
      ],
    });
  } catch (error) {
    console.error(`VS Code reported a failure: ${(error as Error).message}`);
  }
  if (!existsSync(resultsFile)) {
    console.error('The suite wrote no results: VS Code did not start or did not load it.');
    return 1;
  }
  const report = JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteReport;
  for (const result of report.cases) console.log(`${result.ok ? 'ok' : 'not ok'} - ${result.name}`);
  for (const [name, value] of Object.entries(report.metrics)) console.log(`# ${name}: ${value}`);
  const failed = report.cases.filter((result) => !result.ok);
  for (const result of failed) console.error(`\n✖ ${result.name}\n${result.error}`);
  console.log(`# ${report.cases.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
