import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { copyOfExample } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';

/** The built CLI run from `cwd`, with `input` on its standard input. */
function cli(cwd: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFinding {
  file: string;
  code: string;
  range: { start: { line: number } };
}

function findings(cwd: string, args: string[], input?: string): JsonFinding[] {
  const { stdout, stderr } = cli(cwd, [...args, '--format', 'json'], input);
  assert.equal(stderr, '');
  return JSON.parse(stdout);
}

const brief = (list: JsonFinding[]) => list.map((f) => `${f.file}:${f.range.start.line} ${f.code}`);

describe('check PATH: the workspace is found above the path', () => {
  test('a file below the topology file gets the findings of a whole-workspace run', () => {
    const root = copyOfExample();
    const whole = findings(root, ['check']);
    const ratings = 'clusters/cluster1/ratings.yaml';
    const alone = findings(join(root, 'clusters', 'cluster1'), ['check', 'ratings.yaml']);
    assert.deepEqual(brief(alone), brief(whole.filter((finding) => finding.file === ratings)));
    assert.deepEqual(brief(alone), [`${ratings}:4 MESH101`]);
  });

  test('several paths and a folder report exactly their files', () => {
    const root = copyOfExample();
    const whole = findings(root, ['check']);
    const chosen = findings(root, ['check', 'clusters/cluster0', 'clusters/cluster1/ratings.yaml']);
    assert.deepEqual(
      brief(chosen),
      brief(
        whole.filter(
          (f) => f.file.startsWith('clusters/cluster0/') || f.file === 'clusters/cluster1/ratings.yaml',
        ),
      ),
    );
    assert.ok(chosen.length > 1);
  });

  test('a glob is matched against the workspace files, relative to the current folder', () => {
    const root = copyOfExample();
    const whole = findings(root, ['check']);
    const globbed = findings(join(root, 'clusters'), ['check', '*/ratings.yaml']);
    assert.deepEqual(brief(globbed), brief(whole.filter((f) => f.file.endsWith('/ratings.yaml'))));
  });

  test('without a topology file, the repository root (.git) is the workspace', () => {
    const root = copyOfExample();
    mkdirSync(join(root, '.git'));
    rmSync(join(root, 'mesh-topology.yaml'));
    // Clusters then come from the clusters/<name>/ convention; alone, the file would have no sibling.
    const { stdout } = cli(join(root, 'clusters', 'cluster1'), ['check', 'ratings.yaml']);
    assert.match(stdout, /^clusters\/cluster1\/ratings\.yaml\n.*MESH101/m);
  });

  test('a path outside the workspace found from the first one is a usage error', () => {
    const root = copyOfExample();
    const other = copyOfExample();
    const { code, stderr } = cli(root, ['check', '.', other]);
    assert.equal(code, 2);
    assert.match(stderr, /is outside the workspace/);
  });
});

describe('check -: standard input', () => {
  test('stdin replaces the text of --stdin-filename, with the findings of the file on disk', () => {
    const root = copyOfExample();
    const path = 'clusters/cluster1/ratings.yaml';
    const onDisk = findings(root, ['check', path]);
    const fromStdin = findings(
      root,
      ['check', '-', '--stdin-filename', path],
      readFileSync(join(root, path), 'utf8'),
    );
    assert.deepEqual(fromStdin, onDisk);
  });

  test('the buffer wins over the file on disk', () => {
    const root = copyOfExample();
    const path = 'clusters/cluster1/ratings.yaml';
    const exported = readFileSync(join(root, path), 'utf8').replace(
      /labels:\n/,
      'labels:\n    solo.io/service-scope: global\n',
    );
    assert.notEqual(exported, readFileSync(join(root, path), 'utf8'));
    assert.deepEqual(findings(root, ['check', '-', '--stdin-filename', path], exported), []);
  });

  test('a file new to the workspace gets the findings it would have on disk', () => {
    const path = 'clusters/cluster2/rendered.yaml';
    const rendered = `apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n---\n${readFileSync(
      join(copyOfExample(), 'clusters/cluster0/ratings.yaml'),
      'utf8',
    ).replace(/solo.io\/service-scope: global/, 'app: ratings')}`;
    const onDisk = copyOfExample();
    writeFileSync(join(onDisk, path), rendered);
    const expected = findings(onDisk, ['check', path]);
    assert.ok(expected.length > 0);
    assert.deepEqual(findings(copyOfExample(), ['check', '-', '--stdin-filename', path], rendered), expected);
  });
});

describe('check: what the walk leaves out', () => {
  const withRendered = () => {
    const root = copyOfExample();
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'clusters', 'cluster2', 'out'));
    // Output git does not track, with a MESH190 that shows whether it was read.
    writeFileSync(join(root, 'clusters', 'cluster2', 'out', 'ratings.yaml'), 'a: [unclosed\n');
    return root;
  };
  const files = (list: JsonFinding[]) => list.map((finding) => finding.file);

  test('reads ignored files when nothing ignores them', () => {
    assert.ok(files(findings(withRendered(), ['check'])).includes('clusters/cluster2/out/ratings.yaml'));
  });

  test('honours .gitignore in the workspace and in its folders', () => {
    const root = withRendered();
    writeFileSync(join(root, '.gitignore'), 'out/\n');
    assert.ok(!files(findings(root, ['check'])).includes('clusters/cluster2/out/ratings.yaml'));
    const nested = withRendered();
    writeFileSync(join(nested, 'clusters', 'cluster2', '.gitignore'), 'out\n');
    assert.ok(!files(findings(nested, ['check'])).includes('clusters/cluster2/out/ratings.yaml'));
  });

  test('a deeper .gitignore re-includes what a higher one ignores', () => {
    const root = withRendered();
    writeFileSync(join(root, '.gitignore'), 'ratings.yaml\n');
    writeFileSync(join(root, 'clusters', 'cluster2', '.gitignore'), '!ratings.yaml\n');
    const found = files(findings(root, ['check']));
    assert.ok(found.includes('clusters/cluster2/out/ratings.yaml'));
    assert.ok(!found.includes('clusters/cluster1/ratings.yaml'));
  });

  test('honours --exclude globs relative to the workspace root', () => {
    const root = withRendered();
    const found = files(findings(root, ['check', '--exclude', 'clusters/*/out/**']));
    assert.ok(!found.includes('clusters/cluster2/out/ratings.yaml'));
    assert.ok(found.includes('clusters/cluster1/ratings.yaml'));
  });
});
