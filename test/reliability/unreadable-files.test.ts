import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot, writeFixture } from '../helpers/paths';
import { giveToUnprivileged, unprivileged } from '../helpers/unprivileged';
import { codesOf, startServerProcess } from './server-process';

// A file or folder the user running Mesh Lens may not read is skipped with a MESH195 that says so;
// everything else is analysed. One locked file used to blank the whole workspace.

/** A workspace with a finding in a readable file, a locked file and a locked folder holding a file. */
function lockedWorkspace(): string {
  const root = writeFixture(`
    //- clusters/east/cart.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: cart
      namespace: shop
      labels: { solo.io/service-scope: globl }
    //- clusters/east/locked.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: locked, namespace: shop }
    //- clusters/west/private/hidden.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: hidden, namespace: shop }
  `);
  giveToUnprivileged(root);
  chmodSync(join(root, 'clusters/east/locked.yaml'), 0o000);
  chmodSync(join(root, 'clusters/west/private'), 0o000);
  return root;
}

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    ...unprivileged(),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('unreadable files and folders', () => {
  test('the CLI reports each as MESH195 with the reason and analyses the rest', () => {
    const root = lockedWorkspace();

    const { code, stdout, stderr } = cli('check', root, '--format', 'json', '--severity', 'info');

    assert.equal(stderr, '');
    assert.equal(code, 1);
    const findings: { code: string; file: string; message: string }[] = JSON.parse(stdout);
    const byFile = Object.fromEntries(findings.map((finding) => [finding.file, finding]));
    assert.equal(byFile['clusters/east/cart.yaml']?.code, 'MESH110', 'the readable file is analysed');
    assert.deepEqual(
      [byFile['clusters/east/locked.yaml'], byFile['clusters/west/private']].map((finding) => [
        finding?.code,
        finding?.message,
      ]),
      [
        ['MESH195', 'Not analysed: the file cannot be read (permission denied).'],
        ['MESH195', 'Not analysed: the folder cannot be read (permission denied).'],
      ],
    );
  });

  test('the CLI on a folder it cannot list: exit 2 and one line, no stack trace', () => {
    const root = lockedWorkspace();
    chmodSync(root, 0o000);

    const { code, stdout, stderr } = cli('check', root);

    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, `mesh-lens: cannot read ${root}: EACCES\n`);
  });

  test('the server publishes MESH195 on each and the diagnostics of the rest', async () => {
    const root = lockedWorkspace();
    const server = await startServerProcess(root, { user: unprivileged() });
    try {
      const published = (path: string) => server.published.get(server.uri(path));
      await server.until('the readable file analysed', () =>
        codesOf(published('clusters/east/cart.yaml')).includes('MESH110'),
      );
      await server.until('MESH195 on the locked file and folder', () =>
        ['clusters/east/locked.yaml', 'clusters/west/private'].every((path) =>
          codesOf(published(path)).includes('MESH195'),
        ),
      );
      assert.match(
        String(published('clusters/west/private')?.diagnostics[0]?.message),
        /the folder cannot be read \(permission denied\)/,
      );
    } finally {
      await server.stop();
    }
  });
});
