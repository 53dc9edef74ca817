import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { exampleWorkspace, repoRoot, writeFixture } from '../helpers/paths';

/** Runs the CLI with its stdout closed before it writes, as `mesh-lens check | head -1` ends up. */
function withClosedStdout(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('a closed stdout: the CLI exits quietly, with the exit code of its findings', async () => {
  const clean = writeFixture(`
    //- clusters/east/cart.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: cart, namespace: shop }
  `);
  assert.deepEqual(await withClosedStdout('check', clean), { code: 0, stderr: '' });
  assert.deepEqual(await withClosedStdout('hosts', exampleWorkspace, '--format', 'json'), {
    code: 0,
    stderr: '',
  });
  assert.deepEqual(await withClosedStdout('check', exampleWorkspace), { code: 1, stderr: '' });
});
