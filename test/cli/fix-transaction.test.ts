import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Disk } from '../../server/src/cli/fix-targets';
import { writeFixedFiles } from '../../server/src/cli/write-fixes';
import type { FixedFile } from '../../shared/src/analysis/fix-all';
import { copyOfExample, filesUnder, runCli } from '../helpers/cli';
import { writeFixture } from '../helpers/paths';
import { giveToUnprivileged, unprivileged } from '../helpers/unprivileged';

// `--fix` writes a run's files as one transaction: every file checked before any is written, a
// failed write undoes the others, links and swapped paths never lead a write out of the workspace,
// and a rewritten file keeps its owner, mode and hard links.

const isRoot = process.getuid?.() === 0;

const change = (path: string, before: string, after: string, created = false): FixedFile => ({
  path,
  before,
  after,
  created,
  fixes: ['A fix'],
});

function threeFiles(): string {
  return writeFixture(`
    //- a.yaml
    a: 1
    //- b.yaml
    b: 1
    //- c.yaml
    c: 1
  `);
}

const fixesOfThree = [
  change('a.yaml', 'a: 1\n', 'a: 2\n'),
  change('b.yaml', 'b: 1\n', 'b: 2\n'),
  change('c.yaml', 'c: 1\n', 'c: 2\n'),
];

/** The real disk, but the `rename` calls `fails` picks (by their 1-based count) fail for want of space. */
function failingRenames(fails: (call: number) => boolean): Disk {
  let calls = 0;
  return {
    ...fsPromises,
    rename: async (from, to) => {
      if (fails(++calls)) throw Object.assign(new Error('no space'), { code: 'ENOSPC', syscall: 'rename' });
      return fsPromises.rename(from, to);
    },
  };
}

describe('a fix run is all or nothing', () => {
  test('one file changed on disk since it was read: no file is written', async () => {
    const root = threeFiles();
    writeFileSync(join(root, 'b.yaml'), 'b: edited\n');
    const before = filesUnder(root);

    const outcome = await writeFixedFiles(root, fixesOfThree);

    assert.deepEqual(outcome, {
      written: [],
      problems: ['not writing b.yaml: it changed on disk while mesh-lens was fixing it'],
      restored: [],
      unwritten: ['a.yaml', 'b.yaml', 'c.yaml'],
    });
    assert.deepEqual(filesUnder(root), before);
  });

  test('a read-only file is refused with its mode, and the others are not written either', async () => {
    const root = threeFiles();
    chmodSync(join(root, 'c.yaml'), 0o444);
    const before = filesUnder(root);

    const outcome = await writeFixedFiles(root, fixesOfThree);

    assert.deepEqual(outcome.problems, ['not writing c.yaml: it is read-only (mode 0444)']);
    assert.deepEqual(filesUnder(root), before);
    assert.equal(statSync(join(root, 'c.yaml')).mode & 0o777, 0o444);
  });

  test('a write that fails midway puts back the files already written, bytes and mode', async () => {
    const root = threeFiles();
    chmodSync(join(root, 'a.yaml'), 0o640);
    const before = filesUnder(root);

    const outcome = await writeFixedFiles(
      root,
      fixesOfThree,
      failingRenames((call) => call === 2),
    );

    assert.deepEqual(outcome, {
      written: [],
      problems: ['cannot write b.yaml: ENOSPC'],
      restored: ['a.yaml'],
      unwritten: ['b.yaml', 'c.yaml'],
    });
    assert.deepEqual(filesUnder(root), before, 'every byte as it was, no temporary file left');
    assert.equal(statSync(join(root, 'a.yaml')).mode & 0o777, 0o640);
  });

  test('a file that cannot be put back is reported as still fixed', async () => {
    const root = threeFiles();

    // b.yaml's rename fails, and so does the one that would put a.yaml back.
    const outcome = await writeFixedFiles(
      root,
      fixesOfThree,
      failingRenames((call) => call >= 2),
    );

    assert.deepEqual(outcome, {
      written: ['a.yaml'],
      problems: ['cannot write b.yaml: ENOSPC', 'cannot restore a.yaml: ENOSPC'],
      restored: [],
      unwritten: ['b.yaml', 'c.yaml'],
    });
    assert.equal(readFileSync(join(root, 'a.yaml'), 'utf8'), 'a: 2\n');
  });

  test('a created file is removed again, with the folders made for it', async () => {
    const root = threeFiles();
    const before = filesUnder(root);

    const outcome = await writeFixedFiles(
      root,
      [change('new/deep/n.yaml', '', 'n: 1\n', true), ...fixesOfThree],
      failingRenames((call) => call === 1),
    );

    assert.deepEqual(outcome.restored, ['new/deep/n.yaml']);
    assert.deepEqual(readdirSync(root).sort(), ['a.yaml', 'b.yaml', 'c.yaml']);
    assert.deepEqual(filesUnder(root), before);
  });
});

describe('one file under several paths', () => {
  test('a symbolic link to another workspace file: the file is written once, both paths reported', async () => {
    const root = writeFixture(`
      //- real/a.yaml
      a: 1
    `);
    symlinkSync('real/a.yaml', join(root, 'link.yaml'));

    const outcome = await writeFixedFiles(root, [
      change('link.yaml', 'a: 1\n', 'a: 2\n'),
      change('real/a.yaml', 'a: 1\n', 'a: 2\n'),
    ]);

    assert.deepEqual(outcome.problems, []);
    assert.deepEqual(outcome.written, ['link.yaml', 'real/a.yaml']);
    assert.equal(readFileSync(join(root, 'real/a.yaml'), 'utf8'), 'a: 2\n');
  });

  test('two views of one file fixed differently: nothing is written', async () => {
    const root = threeFiles();
    symlinkSync('a.yaml', join(root, 'link.yaml'));
    const before = filesUnder(root);

    const outcome = await writeFixedFiles(root, [
      change('a.yaml', 'a: 1\n', 'a: 2\n'),
      change('link.yaml', 'a: 1\n', 'a: 3\n'),
      change('b.yaml', 'b: 1\n', 'b: 2\n'),
    ]);

    assert.deepEqual(outcome.problems, [
      'not writing a.yaml and link.yaml: they are one file on disk (linked), and the fixes changed them differently',
    ]);
    assert.deepEqual(filesUnder(root), before);
  });

  test('a hard-linked file is rewritten in place: every name shows the fix, the link holds', async () => {
    const root = threeFiles();
    linkSync(join(root, 'a.yaml'), join(root, 'same.yaml'));

    const outcome = await writeFixedFiles(root, [
      change('a.yaml', 'a: 1\n', 'a: 2\n'),
      change('same.yaml', 'a: 1\n', 'a: 2\n'),
    ]);

    assert.deepEqual(outcome.problems, []);
    assert.equal(readFileSync(join(root, 'same.yaml'), 'utf8'), 'a: 2\n');
    assert.equal(statSync(join(root, 'a.yaml')).nlink, 2);
    assert.equal(statSync(join(root, 'a.yaml')).ino, statSync(join(root, 'same.yaml')).ino);
  });

  test('a link swapped to a file outside the workspace before the write is not followed', async () => {
    const root = writeFixture(`
      //- real/a.yaml
      a: 1
    `);
    const outside = mkdtempSync(join(tmpdir(), 'mesh-lens-outside-'));
    writeFileSync(join(outside, 'a.yaml'), 'a: 1\n');
    symlinkSync(join(outside, 'a.yaml'), join(root, 'link.yaml'));

    const outcome = await writeFixedFiles(root, [change('link.yaml', 'a: 1\n', 'a: 2\n')]);

    assert.deepEqual(outcome.problems, ['not writing link.yaml: it now leads outside the workspace']);
    assert.equal(readFileSync(join(outside, 'a.yaml'), 'utf8'), 'a: 1\n');
  });

  test('a link swapped between the checks and the write is not followed, and nothing is left written', async () => {
    const root = writeFixture(`
      //- real/a.yaml
      a: 1
      //- real/b.yaml
      b: 1
    `);
    const outside = mkdtempSync(join(tmpdir(), 'mesh-lens-outside-'));
    writeFileSync(join(outside, 'b.yaml'), 'b: 1\n');
    symlinkSync('real/b.yaml', join(root, 'link.yaml'));
    let swapped = false;
    const swapOnFirstWrite: Disk = {
      ...fsPromises,
      writeFile: async (...args: Parameters<typeof fsPromises.writeFile>) => {
        if (!swapped) {
          swapped = true;
          rmSync(join(root, 'link.yaml'));
          symlinkSync(join(outside, 'b.yaml'), join(root, 'link.yaml'));
        }
        return fsPromises.writeFile(...args);
      },
    };

    const outcome = await writeFixedFiles(
      root,
      [change('link.yaml', 'b: 1\n', 'b: 2\n'), change('real/a.yaml', 'a: 1\n', 'a: 2\n')],
      swapOnFirstWrite,
    );

    assert.ok(swapped);
    assert.equal(outcome.problems.length, 1);
    assert.match(outcome.problems[0] ?? '', /^cannot write link\.yaml: it now leads to .*mesh-lens-outside-/);
    assert.deepEqual(outcome.unwritten, ['link.yaml', 'real/a.yaml']);
    assert.equal(readFileSync(join(outside, 'b.yaml'), 'utf8'), 'b: 1\n');
    assert.deepEqual(
      filesUnder(root),
      new Map([
        ['real/a.yaml', Buffer.from('a: 1\n')],
        ['real/b.yaml', Buffer.from('b: 1\n')],
      ]),
    );
  });
});

describe('a rewritten file keeps what it was', () => {
  test('its owner, group and mode', {
    skip: !isRoot && 'only root can give a file another owner',
  }, async () => {
    const root = threeFiles();
    const other = unprivileged();
    chownSync(join(root, 'a.yaml'), other.uid ?? 0, other.gid ?? 0);
    chmodSync(join(root, 'a.yaml'), 0o664);

    const outcome = await writeFixedFiles(root, [change('a.yaml', 'a: 1\n', 'a: 2\n')]);

    assert.deepEqual(outcome.problems, []);
    const stats = statSync(join(root, 'a.yaml'));
    assert.deepEqual([stats.uid, stats.gid, stats.mode & 0o7777], [other.uid, other.gid, 0o664]);
    assert.equal(readFileSync(join(root, 'a.yaml'), 'utf8'), 'a: 2\n');
  });
});

describe('mesh-lens check --fix on a disk that says no', () => {
  // The example's fixes (with the MESH130 split, a suggestion) change three files, one in each cluster's folder.
  const FIXED = [
    'clusters/cluster0/reviews-route.yaml',
    'clusters/cluster1/ratings.yaml',
    'clusters/cluster2/reviews.yaml',
  ];

  test('a read-only file: exit 2, the reason, every file named not written, the disk untouched', () => {
    const root = copyOfExample();
    chmodSync(join(root, 'clusters/cluster2/reviews.yaml'), 0o444);
    const before = filesUnder(root);

    const { code, stdout, stderr } = runCli(['check', root, '--fix', '--unsafe-fixes']);

    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      [
        'mesh-lens: not writing clusters/cluster2/reviews.yaml: it is read-only (mode 0444)',
        ...FIXED.map((path) => `not written: ${path}`),
        'mesh-lens: --fix changed no file',
        '',
      ].join('\n'),
    );
    assert.deepEqual(filesUnder(root), before);
  });

  test('an unwritable folder: no file is written, not even those in other folders', () => {
    const root = copyOfExample();
    giveToUnprivileged(root);
    chmodSync(join(root, 'clusters/cluster1'), 0o555);
    const before = filesUnder(root);

    const { code, stderr } = runCli(['check', root, '--fix', '--unsafe-fixes'], unprivileged());

    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /^mesh-lens: not writing clusters\/cluster1\/ratings\.yaml: its folder is not writable \(permission denied\)$/m,
    );
    assert.match(stderr, /^mesh-lens: --fix changed no file$/m);
    assert.deepEqual(filesUnder(root), before);
  });

  test('a symbolic link to another workspace file: the run succeeds, the file fixed once', () => {
    const root = copyOfExample();
    symlinkSync('reviews.yaml', join(root, 'clusters/cluster2/reviews-alias.yaml'));

    const { code, stdout, stderr } = runCli(['check', root, '--fix', '--unsafe-fixes']);

    assert.equal(stderr, '');
    assert.notEqual(code, 2);
    assert.match(stdout, /^fixed clusters\/cluster2\/reviews-alias\.yaml: /m);
    assert.match(stdout, /^fixed clusters\/cluster2\/reviews\.yaml: /m);
    assert.doesNotMatch(
      runCli(['check', root, '--fix-dry-run']).stdout,
      /^\+\+\+ /m,
      'nothing is left to fix',
    );
  });
});
