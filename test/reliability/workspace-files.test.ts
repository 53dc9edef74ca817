import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeManifest, readWorkspaceFiles } from '../../server/src/workspace-files';
import { GLOBAL_SERVICES_REQUEST } from '../../shared/src';
import { writeFixture } from '../helpers/paths';
import { codesOf, startServerProcess } from './server-process';

// What the adapters read from disk, and what they refuse to: symbolic links that leave the
// workspace or loop, binary files named .yaml, text that is not UTF-8, files over the size limit.

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\n';

/** A workspace with every odd thing a checkout can hold, and a secret next to it. */
function oddWorkspace(): { root: string; outside: string } {
  const root = writeFixture(`
    //- clusters/east/cart.yaml
    ${SERVICE}
  `);
  const outside = mkdtempSync(join(tmpdir(), 'mesh-lens-outside-'));
  // Read, it would be a MESH110 (invalid scope): a finding on it means it was read.
  writeFileSync(
    join(outside, 'secret.yaml'),
    `${SERVICE.replace('cart', 'secret')}  labels: { solo.io/service-scope: globl }\n`,
  );
  mkdirSync(join(outside, 'more'));
  writeFileSync(join(outside, 'more', 'other.yaml'), SERVICE.replace('cart', 'other'));
  const east = join(root, 'clusters', 'east');
  symlinkSync(join(outside, 'secret.yaml'), join(east, 'secret.yaml')); // a file outside
  symlinkSync(outside, join(east, 'outside-dir')); // a folder outside
  symlinkSync(root, join(east, 'loop-to-root')); // a loop back to the root
  symlinkSync(join(east, 'self'), join(east, 'self')); // a link to itself
  symlinkSync(join(east, 'nowhere.yaml'), join(east, 'broken.yaml')); // a broken link
  symlinkSync(join(east, 'cart.yaml'), join(east, 'alias.yaml')); // a file inside: followed
  writeFileSync(join(east, 'binary.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
  writeFileSync(join(east, 'latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
  writeFileSync(join(east, 'utf16.yaml'), Buffer.from(`\ufeff${SERVICE}`, 'utf16le'));
  writeFileSync(join(east, 'big.yaml'), `# ${'x'.repeat(2048)}\n`);
  return { root, outside };
}

describe('reading a workspace from disk', () => {
  test('links out of the workspace are never followed, loops end, odd files are skipped with a reason', async () => {
    const { root } = oddWorkspace();
    const { files, skipped } = await readWorkspaceFiles(root, { maxFileBytes: 1024 });
    assert.deepEqual(
      files.map((file) => file.path),
      ['clusters/east/alias.yaml', 'clusters/east/cart.yaml'],
    );
    assert.deepEqual(Object.fromEntries(skipped.map((file) => [file.path, file.reason])), {
      'clusters/east/big.yaml': 'the file is 3 KB, over the 1 KB limit',
      'clusters/east/binary.yaml': 'the file is binary (it contains NUL bytes)',
      'clusters/east/broken.yaml': 'a broken symbolic link',
      'clusters/east/latin1.yaml': 'the file is not valid UTF-8 text',
      'clusters/east/secret.yaml': 'a symbolic link to a file outside the workspace',
      'clusters/east/utf16.yaml': 'the file is binary (it contains NUL bytes)',
    });
    assert.ok(
      [...files, ...skipped].every(
        (file) => !file.path.includes('outside-dir') && !file.path.includes('loop'),
      ),
      'nothing is read through the folder link or the loop',
    );
  });

  test('UTF-8 with a byte-order mark and CRLF is read as text, the BOM kept for fixes to write back', () => {
    const decoded = decodeManifest(Buffer.from(`\ufeff${SERVICE.replaceAll('\n', '\r\n')}`, 'utf8'));
    assert.ok('text' in decoded && decoded.text.startsWith('\ufeffapiVersion'));
  });

  test('through the language server: a link out of the workspace stays unread after file events', async () => {
    const { root, outside } = oddWorkspace();
    const server = await startServerProcess(root);
    try {
      const east = join(root, 'clusters', 'east');
      const isOutsideNote = (path: string) => () => {
        const diagnostics = server.published.get(server.uri(path))?.diagnostics ?? [];
        return diagnostics.length === 1 && /outside the workspace/.test(String(diagnostics[0]?.message));
      };
      await server.until('the scan', isOutsideNote('clusters/east/secret.yaml'));
      // A link created later, announced by the editor's file watcher.
      symlinkSync(join(outside, 'secret.yaml'), join(east, 'late.yaml'));
      await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: server.uri('clusters/east/late.yaml'), type: 1 }],
      });
      await server.until('late.yaml published', () =>
        server.published.has(server.uri('clusters/east/late.yaml')),
      );
      assert.ok(
        isOutsideNote('clusters/east/late.yaml')(),
        JSON.stringify(server.published.get(server.uri('clusters/east/late.yaml'))),
      );
      // Opened, the editor's buffer is analysed (the user chose to open it); closed, it is not re-read.
      const secret = server.uri('clusters/east/secret.yaml');
      await server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: secret, languageId: 'yaml', version: 1, text: SERVICE },
      });
      await server.until('the buffer analysed', () => codesOf(server.published.get(secret)).length === 0);
      await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: secret } });
      await server.until('the link skipped again after closing', isOutsideNote('clusters/east/secret.yaml'));
    } finally {
      await server.stop();
    }
  });

  test('through the language server: skipped files get MESH195, nothing outside is analysed', async () => {
    const { root } = oddWorkspace();
    const server = await startServerProcess(root, { settings: { maxFileSizeMB: 0.001 } });
    try {
      const skippedFile = (path: string) => () =>
        codesOf(server.published.get(server.uri(path))).includes('MESH195');
      for (const path of ['secret.yaml', 'binary.yaml', 'latin1.yaml', 'broken.yaml', 'big.yaml']) {
        await server.until(`MESH195 on ${path}`, skippedFile(`clusters/east/${path}`));
      }
      const services = (await server.connection.sendRequest(GLOBAL_SERVICES_REQUEST)) as {
        folders: { services: unknown[] }[];
      };
      assert.ok(services.folders[0], 'the server answers after the scan');
      const published = [...server.published.keys()].map((uri) => uri.slice(server.uri('').length));
      assert.ok(
        published.every((path) => !path.includes('outside-dir') && !path.includes('loop-to-root')),
        published.join('\n'),
      );
    } finally {
      await server.stop();
    }
  });
});
