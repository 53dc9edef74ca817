import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { readManifest, readWorkspaceFiles } from '../../server/src/workspace-files';

// The reader asks the disk concurrently (folder listings ahead of the walk, a pool of file reads), but
// its result is that of a sequential walk: depth first, entries sorted by name, every real folder
// read by each path that reaches it, except through a loop. The odd files and links out of the
// workspace are in test/reliability/workspace-files.test.ts.

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mesh-lens-read-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The YAML files under `dir`, read one at a time in walk order: what the reader must return. */
function sequentialRead(root: string, dir = root, prefix = ''): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => byName(a.name, b.name))
    .flatMap((entry) => {
      const path = prefix + entry.name;
      if (entry.isDirectory()) return sequentialRead(root, join(dir, entry.name), `${path}/`);
      return /\.ya?ml$/i.test(entry.name)
        ? [{ path, text: readFileSync(join(dir, entry.name), 'utf8') }]
        : [];
    });
}

describe('reading a workspace: order and links', () => {
  test('the result is in walk order: depth first, entries sorted by name, folders among files', async () => {
    const root = workspace({
      'b.yaml': 'b: 1\n',
      'a/z.yaml': 'z: 1\n',
      'a/m/n.yml': 'n: 1\n',
      'a/b.yaml': 'ab: 1\n',
      'a.yaml': 'a: 1\n',
      'a-b/c.yaml': 'c: 1\n',
      'B.YAML': 'B: 1\n',
      'notes.txt': 'not yaml\n',
      'node_modules/x.yaml': 'ignored: 1\n',
      '.git/y.yaml': 'ignored: 1\n',
    });
    const { files, skipped } = await readWorkspaceFiles(root, { maxFileBytes: 1024 });
    assert.deepEqual(
      files.map((file) => file.path),
      ['B.YAML', 'a/b.yaml', 'a/m/n.yml', 'a/z.yaml', 'a-b/c.yaml', 'a.yaml', 'b.yaml'],
    );
    assert.equal(files.find((file) => file.path === 'a/m/n.yml')?.text, 'n: 1\n');
    assert.deepEqual(skipped, []);
  });

  test('many files of many sizes, more than are read at once, come back in walk order', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 400; index++) {
      const path = `clusters/c${index % 7}/ns-${index % 13}/f${String(index).padStart(3, '0')}.yaml`;
      // Sizes differ wildly so reads finish out of order; every tenth file is over the limit.
      files[path] =
        index % 10 === 0 ? `# ${'x'.repeat(5000)}\n` : `i: ${index}\n# ${'y'.repeat((index * 37) % 900)}\n`;
    }
    const root = workspace(files);
    const counts: number[] = [];
    const read = await readWorkspaceFiles(root, {
      maxFileBytes: 4096,
      onFile: (count) => counts.push(count),
    });
    const expected = sequentialRead(root);
    assert.deepEqual(
      read.files,
      expected.filter((file) => file.text.length <= 4096),
    );
    assert.deepEqual(
      read.skipped,
      expected
        .filter((file) => file.text.length > 4096)
        .map((file) => ({ path: file.path, reason: 'the file is 5 KB, over the 4 KB limit' })),
    );
    assert.deepEqual(
      counts,
      expected.map((_, index) => index + 1),
      'one progress call per file, counting 1..N',
    );
  });

  test('a folder linked inside the workspace is read by each path (each places it in its cluster)', async () => {
    const root = workspace({ 'real/x.yaml': 'x: 1\n', 'real/deep/y.yaml': 'y: 1\n' });
    symlinkSync(join(root, 'real'), join(root, 'alias')); // before `real` in the walk
    symlinkSync(join(root, 'real'), join(root, 'zz-alias')); // after it
    symlinkSync(join(root, 'real', 'x.yaml'), join(root, 'real', 'deep', 'x-link.yaml')); // a file inside
    const { files, skipped } = await readWorkspaceFiles(root, { maxFileBytes: 1024 });
    assert.deepEqual(
      files.map((file) => file.path),
      ['alias', 'real', 'zz-alias'].flatMap((folder) =>
        ['deep/x-link.yaml', 'deep/y.yaml', 'x.yaml'].map((file) => `${folder}/${file}`),
      ),
    );
    assert.equal(files[0]?.text, 'x: 1\n');
    assert.deepEqual(skipped, []);
  });

  test('a folder linked from many paths is read by the first eight, and the rest is said', async () => {
    const root = workspace({ 'real/x.yaml': 'x: 1\n' });
    for (let index = 0; index < 10; index++) symlinkSync(join(root, 'real'), join(root, `link${index}`));
    const { files, skipped } = await readWorkspaceFiles(root, { maxFileBytes: 1024 });
    assert.equal(files.length, 8);
    assert.deepEqual(
      skipped.map((entry) => entry.path),
      ['link8', 'link9', 'real'],
      'in walk order, the folder itself too once eight links have read it',
    );
    assert.match(skipped[0]?.reason ?? '', /linked from more than 8 paths/);
  });

  test('link loops end: a link to the root, to a parent, to itself, and two links to each other', async () => {
    const root = workspace({ 'a/one.yaml': 'one: 1\n', 'a/b/two.yaml': 'two: 1\n' });
    symlinkSync(root, join(root, 'a', 'b', 'to-root'));
    symlinkSync(join(root, 'a'), join(root, 'a', 'b', 'to-parent'));
    symlinkSync(join(root, 'a', 'self.yaml'), join(root, 'a', 'self.yaml'));
    symlinkSync(join(root, 'ping'), join(root, 'pong'));
    symlinkSync(join(root, 'pong'), join(root, 'ping'));
    const { files, skipped } = await readWorkspaceFiles(root, { maxFileBytes: 1024 });
    assert.deepEqual(
      files.map((file) => file.path),
      ['a/b/two.yaml', 'a/one.yaml'],
    );
    assert.deepEqual(skipped, [{ path: 'a/self.yaml', reason: 'a broken symbolic link' }]);
  });

  test('exclusions go by the path the walk takes, also into a folder the look-ahead reached by another', async () => {
    const root = workspace({ 'c/top.yaml': 'top: 1\n', 'c/sub/x.yaml': 'x: 1\n' });
    // The walk enters `c` through `a-link` first; the look-ahead may list `c` by its own path first,
    // where `c/sub` is excluded, and so not list `sub`: the walk must still read `a-link/sub/x.yaml`.
    symlinkSync(join(root, 'c'), join(root, 'a-link'));
    const excluded = new Set(['c/sub']);
    const read = await readWorkspaceFiles(root, {
      maxFileBytes: 1024,
      isExcluded: (path) => excluded.has(path),
    });
    assert.deepEqual(
      read.files.map((file) => file.path),
      ['a-link/sub/x.yaml', 'a-link/top.yaml', 'c/top.yaml'],
    );
    // Excluding the link instead, the folder is read by its own path, without `sub`.
    excluded.clear();
    excluded.add('a-link').add('c/sub');
    const direct = await readWorkspaceFiles(root, {
      maxFileBytes: 1024,
      isExcluded: (path) => excluded.has(path),
    });
    assert.deepEqual(
      direct.files.map((file) => file.path),
      ['c/top.yaml'],
    );
  });

  test('a missing root rejects; so does a failure met on the way, the first one in walk order', async () => {
    await assert.rejects(
      readWorkspaceFiles(join(tmpdir(), 'mesh-lens-no-such-folder'), { maxFileBytes: 1024 }),
    );
    const files: Record<string, string> = {};
    for (let index = 0; index < 100; index++) files[`d${index % 5}/f${index}.yaml`] = `i: ${index}\n`;
    const root = workspace(files);
    const failing = (path: string) => {
      if (path === 'd2' || path === 'd3/f8.yaml') throw new Error(`cannot match ${path}`);
      return false;
    };
    await assert.rejects(readWorkspaceFiles(root, { maxFileBytes: 1024, isExcluded: failing }), {
      message: 'cannot match d2',
    });
    let calls = 0;
    const onFile = () => {
      if (++calls === 30) throw new Error('progress failed');
    };
    await assert.rejects(readWorkspaceFiles(root, { maxFileBytes: 1024, onFile }), {
      message: 'progress failed',
    });
    // Nothing left behind rejects unhandled (the test runner would report it).
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

describe('reading one manifest', () => {
  test('text, the size limit checked before reading, an empty file, through a link, a missing file', async () => {
    const root = workspace({ 'ok.yaml': 'a: 1\n', 'big.yaml': 'x'.repeat(3000), 'empty.yaml': '' });
    symlinkSync(join(root, 'big.yaml'), join(root, 'big-link.yaml'));
    assert.deepEqual(await readManifest(join(root, 'ok.yaml'), 1024), { text: 'a: 1\n' });
    assert.deepEqual(await readManifest(join(root, 'empty.yaml'), 1024), { text: '' });
    assert.deepEqual(await readManifest(join(root, 'big.yaml'), 1024), {
      reason: 'the file is 3 KB, over the 1 KB limit',
    });
    assert.deepEqual(await readManifest(join(root, 'big-link.yaml'), 1024), {
      reason: 'the file is 3 KB, over the 1 KB limit',
    });
    assert.deepEqual(await readManifest(join(root, 'big-link.yaml'), 4096), { text: 'x'.repeat(3000) });
    await assert.rejects(readManifest(join(root, 'missing.yaml'), 1024), { code: 'ENOENT' });
  });
});
