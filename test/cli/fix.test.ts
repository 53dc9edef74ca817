import assert from 'node:assert/strict';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applyPatch, parsePatch } from 'diff';
import { formatFixDiff } from '../../server/src/cli/format-fix';
import { loadWorkspace } from '../../server/src/cli/load-workspace';
import { writeFixedFiles } from '../../server/src/cli/write-fixes';
import type { FixedFile } from '../../shared/src/analysis/fix-all';
import { commentsOf } from '../helpers/checks';
import { copyOfExample, filesUnder, runCli } from '../helpers/cli';
import { exampleWorkspace, writeFixture } from '../helpers/paths';

const cli = (...args: string[]) => runCli(args);

function changedFiles(before: Map<string, Buffer>, after: Map<string, Buffer>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => !before.get(path)?.equals(after.get(path) ?? Buffer.alloc(0))).sort();
}

function jsonFindings(root: string): { code: string; file: string }[] {
  return JSON.parse(cli('check', root, '--format', 'json').stdout);
}

function exportedIn(root: string, hostname: string): Record<string, boolean> {
  const rows: { hostname: string; clusters: { cluster: string; exported: boolean }[] }[] = JSON.parse(
    cli('hosts', root, '--format', 'json').stdout,
  );
  const row = rows.find((candidate) => candidate.hostname === hostname);
  return Object.fromEntries((row?.clusters ?? []).map(({ cluster, exported }) => [cluster, exported]));
}

describe('mesh-lens check --fix', () => {
  test('fixes the example: what is left has no preferred fix, comments survive, a second run changes nothing', async () => {
    const root = copyOfExample();
    const original = filesUnder(root);

    const first = cli('check', root, '--fix');

    assert.match(
      first.stdout,
      /^fixed clusters\/cluster1\/ratings\.yaml: .*Label Service bookinfo\/ratings in cluster1 with solo\.io\/service-scope=global.* \(\d+ fix(es)?\)$/m,
    );
    const fixed = filesUnder(root);
    assert.ok(changedFiles(original, fixed).includes('clusters/cluster1/ratings.yaml'));
    assert.deepEqual(
      [...fixed.keys()].filter((path) => path.includes('.mesh-lens-')),
      [],
      'no temporary file is left behind',
    );
    for (const [path, bytes] of original) {
      for (const comment of commentsOf(bytes.toString('utf8'))) {
        assert.ok(
          fixed.get(path)?.toString('utf8').includes(comment),
          `comment "${comment}" of ${path} was lost`,
        );
      }
    }
    assert.deepEqual(exportedIn(root, 'ratings.bookinfo.mesh.internal'), { cluster0: true, cluster1: true });

    const loaded = await loadWorkspace([root]);
    const remaining = loaded.snapshot.findings();
    assert.deepEqual(
      remaining.filter((finding) => finding.fixes().some((fix) => fix.preferred)),
      [],
      'every finding with a preferred fix was fixed',
    );
    assert.deepEqual(
      remaining.filter((finding) => finding.code === 'MESH190'),
      [],
      'no fix broke the YAML',
    );
    const again = cli('check', root);
    assert.equal(first.code, again.code, '--fix exits by what remains, as check does');
    assert.equal(
      first.stdout.slice(first.stdout.indexOf('\n\n') + 2).replace(/ in \d+\.\d\d s\n$/, ''),
      again.stdout.replace(/ in \d+\.\d\d s\n$/, ''),
      'after the fixed lines, --fix reports exactly what check reports',
    );

    const second = cli('check', root, '--fix');
    assert.doesNotMatch(second.stdout, /^fixed /m);
    assert.deepEqual(changedFiles(fixed, filesUnder(root)), [], 'a second --fix leaves every byte as it was');
  });

  test('a file with CRLF line breaks and a BOM keeps both, and its permissions', () => {
    const root = writeFixture(`
      //- clusters/east/ratings.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ratings
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
      //- clusters/west/ratings.yaml
    `);
    const west = join(root, 'clusters/west/ratings.yaml');
    const text = [
      '# west copy',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: ratings',
      '  namespace: bookinfo # same namespace',
      '',
    ].join('\r\n');
    writeFileSync(west, `\uFEFF${text}`);
    chmodSync(west, 0o640);

    const { stdout } = cli('check', root, '--fix');

    assert.match(stdout, /^fixed clusters\/west\/ratings\.yaml: /m);
    const bytes = readFileSync(west);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM is still first');
    const after = bytes.toString('utf8');
    assert.match(
      after,
      /namespace: bookinfo # same namespace\r\n {2}labels:\r\n {4}solo\.io\/service-scope: global\r\n/,
    );
    assert.doesNotMatch(after, /[^\r]\n/, 'every line break is still CRLF');
    assert.equal(statSync(west).mode & 0o777, 0o640);
  });

  test('siblings whose namespace exports elsewhere are labeled one by one, their namespace left alone', () => {
    const root = writeFixture(`
      //- clusters/east/bookinfo.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: bookinfo
        labels:
          solo.io/service-scope: global
      ---
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: bookinfo } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: details, namespace: bookinfo } }
      //- clusters/west/namespace.yaml
      apiVersion: v1
      kind: Namespace
      metadata:
        name: bookinfo
        labels:
          team: books # owned by the books team
      //- clusters/west/services.yaml
      { apiVersion: v1, kind: Service, metadata: { name: ratings, namespace: bookinfo } }
      ---
      { apiVersion: v1, kind: Service, metadata: { name: details, namespace: bookinfo } }
    `);
    assert.equal(jsonFindings(root).filter((finding) => finding.code === 'MESH101').length, 2);

    cli('check', root, '--fix');

    // Labeling the west Namespace would also export every other Service there: not preferred.
    const namespace = readFileSync(join(root, 'clusters/west/namespace.yaml'), 'utf8');
    assert.doesNotMatch(namespace, /solo\.io\/service-scope/);
    const services = readFileSync(join(root, 'clusters/west/services.yaml'), 'utf8');
    assert.equal(services.match(/labels: \{ solo\.io\/service-scope: global \}/g)?.length, 2, services);
    assert.deepEqual(
      jsonFindings(root).filter((finding) => finding.code === 'MESH101' || finding.code === 'MESH190'),
      [],
    );
    assert.deepEqual(exportedIn(root, 'ratings.bookinfo.mesh.internal'), { east: true, west: true });
    assert.deepEqual(exportedIn(root, 'details.bookinfo.mesh.internal'), { east: true, west: true });
  });
});

describe('mesh-lens check --fix-dry-run', () => {
  test('prints a unified diff that --fix would apply, and writes nothing', () => {
    const root = copyOfExample();
    const original = filesUnder(root);

    const dry = cli('check', root, '--fix-dry-run');

    assert.match(
      dry.stdout,
      /^--- a\/clusters\/cluster1\/ratings\.yaml\n\+\+\+ b\/clusters\/cluster1\/ratings\.yaml\n@@ -\d+,\d+ \+\d+,\d+ @@\n/m,
    );
    assert.match(dry.stdout, /^\+ {4}solo\.io\/service-scope: global$/m);
    assert.deepEqual(changedFiles(original, filesUnder(root)), [], 'a dry run leaves every byte as it was');

    const fixedRoot = copyOfExample();
    const fixed = cli('check', fixedRoot, '--fix');
    assert.equal(dry.code, fixed.code, 'a dry run exits by what would remain');
    // With JSON on stdout the diff goes to stderr: applying it must give exactly what --fix wrote.
    const json = cli('check', root, '--fix-dry-run', '--format', 'json');
    assert.ok(Array.isArray(JSON.parse(json.stdout)), 'stdout stays one JSON document');
    const patches = parsePatch(json.stderr);
    assert.ok(patches.length > 0);
    for (const patch of patches) {
      const path = (patch.newFileName ?? '').replace(/^b\//, '');
      const before = original.get(path)?.toString('utf8') ?? '';
      assert.equal(applyPatch(before, patch), readFileSync(join(fixedRoot, path), 'utf8'), path);
    }
    assert.deepEqual(
      changedFiles(original, filesUnder(fixedRoot)),
      patches.map((patch) => (patch.newFileName ?? '').replace(/^b\//, '')).sort(),
    );
  });
});

describe('fix options', () => {
  test('--fix with --fix-dry-run, or outside check, is a usage error', () => {
    const both = cli('check', exampleWorkspace, '--fix', '--fix-dry-run');
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'mesh-lens: use either --fix or --fix-dry-run, not both\n');
    assert.equal(cli('hosts', exampleWorkspace, '--fix').code, 2);
  });

  test('--help documents both', () => {
    const { stdout } = cli('--help');
    assert.match(stdout, /\[--fix \| --fix-dry-run\]/);
    assert.match(stdout, /^ {2}--fix {10}apply every preferred quick-fix in place/m);
    assert.match(stdout, /^ {2}--fix-dry-run {2}print the unified diff/m);
  });
});

describe('writing fixed files', () => {
  const change = (path: string, before: string, after: string, created = false): FixedFile => ({
    path,
    before,
    after,
    created,
    fixes: ['A fix'],
  });

  test('a created file gets its folders; an existing file is never overwritten by a creation', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mesh-lens-write-'));
    await writeFixedFiles(root, [change('clusters/c9/new.yaml', '', 'kind: Service\n', true)]);
    assert.equal(readFileSync(join(root, 'clusters/c9/new.yaml'), 'utf8'), 'kind: Service\n');
    const again = await writeFixedFiles(root, [change('clusters/c9/new.yaml', '', 'kind: Other\n', true)]);
    assert.deepEqual(again.problems, ['not creating clusters/c9/new.yaml: a file of that name exists']);
    assert.equal(readFileSync(join(root, 'clusters/c9/new.yaml'), 'utf8'), 'kind: Service\n');
  });

  test('a file that changed on disk since it was read is left alone', async () => {
    const root = writeFixture(`
      //- a.yaml
      a: 2
    `);
    const outcome = await writeFixedFiles(root, [change('a.yaml', 'a: 1\n', 'a: 3\n')]);
    assert.deepEqual(outcome.problems, [
      'not writing a.yaml: it changed on disk while mesh-lens was fixing it',
    ]);
    assert.equal(readFileSync(join(root, 'a.yaml'), 'utf8'), 'a: 2\n');
  });

  test('through a symbolic link, the target is rewritten and the link stays a link', async () => {
    const root = writeFixture(`
      //- real/a.yaml
      a: 1
    `);
    symlinkSync('real/a.yaml', join(root, 'link.yaml'));
    await writeFixedFiles(root, [change('link.yaml', 'a: 1\n', 'a: 2\n')]);
    assert.ok(lstatSync(join(root, 'link.yaml')).isSymbolicLink());
    assert.equal(readFileSync(join(root, 'real/a.yaml'), 'utf8'), 'a: 2\n');
  });

  test('the diff of a created file comes from /dev/null', () => {
    const diff = formatFixDiff([change('new.yaml', '', 'a: 1\n', true)], (_style, text) => text);
    assert.equal(diff, '--- /dev/null\n+++ b/new.yaml\n@@ -0,0 +1,1 @@\n+a: 1\n');
  });
});
