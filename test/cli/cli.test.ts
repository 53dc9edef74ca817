import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exampleWorkspace, repoRoot, writeFixture } from '../helpers/paths';

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mesh-lens hosts', () => {
  test('lists the example global services with clusters and endpoint counts', () => {
    const { code, stdout } = cli('hosts', exampleWorkspace);
    assert.equal(code, 0);
    assert.match(
      stdout,
      /^ratings\.bookinfo\.mesh\.internal\s+global\s+cluster0\s+yes\s+1\s+clusters\/cluster0\/ratings\.yaml$/m,
    );
    assert.match(stdout, /^\s+cluster1\s+NO\s+1\s+clusters\/cluster1\/ratings\.yaml$/m);
    assert.match(stdout, /^reviews-v1\.bookinfo\.mesh\.internal\s+global\s+cluster1\s+yes\s+2/m);
    assert.match(stdout, /^reviews-v2\.bookinfo\.mesh\.internal\s+global\s+cluster2\s+yes\s+1/m);
  });

  test('--format json follows SPEC §8', () => {
    const { code, stdout } = cli('hosts', exampleWorkspace, '--format', 'json');
    assert.equal(code, 0);
    const rows = JSON.parse(stdout);
    assert.deepEqual(rows[0], {
      hostname: 'ratings.bookinfo.mesh.internal',
      scope: 'global',
      clusters: [
        { cluster: 'cluster0', exported: true, endpoints: 1, file: 'clusters/cluster0/ratings.yaml' },
        { cluster: 'cluster1', exported: false, endpoints: 1, file: 'clusters/cluster1/ratings.yaml' },
      ],
    });
    assert.deepEqual(
      rows.map((row: { hostname: string }) => row.hostname),
      [
        'ratings.bookinfo.mesh.internal',
        'reviews-v1.bookinfo.mesh.internal',
        'reviews-v2.bookinfo.mesh.internal',
      ],
    );
  });
});

describe('mesh-lens reach', () => {
  test('explains the choice for reviews-v1 from cluster0', () => {
    const { code, stdout } = cli(
      'reach',
      'reviews-v1.bookinfo.mesh.internal',
      '--from',
      'cluster0',
      exampleWorkspace,
    );
    assert.equal(code, 0);
    assert.match(stdout, /mode PreferClose/);
    assert.match(stdout, /chosen: cluster1 \(2 endpoints\)/);
    assert.match(stdout, /same region \(us-west\)/);
  });

  test('--format json has hostname, from, mode, chosen, candidates and explanation', () => {
    const { stdout } = cli(
      'reach',
      'reviews-v2.bookinfo.mesh.internal',
      '--from',
      'cluster0',
      exampleWorkspace,
      '--format',
      'json',
    );
    const reach = JSON.parse(stdout);
    assert.equal(reach.hostname, 'reviews-v2.bookinfo.mesh.internal');
    assert.equal(reach.from, 'cluster0');
    assert.equal(reach.mode, 'PreferNetwork');
    assert.deepEqual(reach.chosen, [{ cluster: 'cluster2', endpoints: 1 }]);
    assert.equal(reach.candidates[0].network, 'net2');
    assert.equal(typeof reach.explanation, 'string');
  });

  test('from cluster2 nothing in cluster0 is reachable (asymmetric link)', () => {
    const { stdout } = cli(
      'reach',
      'ratings.bookinfo.mesh.internal',
      '--from',
      'cluster2',
      exampleWorkspace,
      '--format',
      'json',
    );
    const reach = JSON.parse(stdout);
    assert.deepEqual(reach.chosen, []);
    assert.equal(reach.excluded[0].reason, 'no link from cluster2 to cluster0');
  });

  test('an unknown cluster is a usage error', () => {
    const { code, stderr } = cli('reach', 'x.y.mesh.internal', '--from', 'nowhere', exampleWorkspace);
    assert.equal(code, 2);
    assert.match(stderr, /unknown cluster "nowhere"; clusters: cluster0, cluster1, cluster2/);
  });
});

describe('mesh-lens check', () => {
  const broken = () =>
    writeFixture(`
      //- clusters/c1/bad.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: [unclosed
      //- clusters/c1/chart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ .Values.name }}
      //- mesh-topology.yaml
      clusters:
        c1: { paths: ["clusters/c1/**"], colour: red }
    `);

  test('text output lists findings per file with a summary, exit 1 on errors', () => {
    const { code, stdout } = cli('check', broken());
    assert.equal(code, 1);
    assert.match(stdout, /^clusters\/c1\/bad\.yaml$/m);
    assert.match(stdout, /^\s+5:\d+\s+error\s+YAML syntax error: .*MESH190 yaml-syntax$/m);
    assert.match(stdout, /^\s+4:9\s+info\s+Template syntax/m);
    assert.match(stdout, /^\s+2:36\s+error\s+Unknown key `colour`.*MESH191 topology-invalid$/m);
    assert.match(
      stdout,
      /^2 errors, 0 warnings, 1 info in 3 files \(3 files, 0 resources, 1 cluster\) in \d+\.\d\d s$/m,
    );
  });

  test('--format json is a sorted array with 0-based positions and relative files', () => {
    const { stdout } = cli('check', broken(), '--format', 'json');
    const findings = JSON.parse(stdout);
    assert.deepEqual(
      findings.map((finding: { file: string; code: string }) => `${finding.file} ${finding.code}`),
      ['clusters/c1/bad.yaml MESH190', 'clusters/c1/chart.yaml MESH195', 'mesh-topology.yaml MESH191'],
    );
    assert.deepEqual(Object.keys(findings[0]), [
      'file',
      'range',
      'severity',
      'code',
      'name',
      'message',
      'related',
    ]);
    assert.deepEqual(findings[2].range, {
      start: { line: 1, character: 35 },
      end: { line: 1, character: 41 },
    });
  });

  test('--format sarif is SARIF 2.1.0 with rules and 1-based regions', () => {
    const { stdout } = cli('check', broken(), '--format', 'sarif');
    const log = JSON.parse(stdout);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.ok(run.tool.driver.rules.some((rule: { id: string }) => rule.id === 'MESH190'));
    const result = run.results.find((entry: { ruleId: string }) => entry.ruleId === 'MESH191');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation.region, {
      startLine: 2,
      startColumn: 36,
      endLine: 2,
      endColumn: 42,
    });
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'MESH191');
  });

  test('--severity sets the exit threshold', () => {
    const root = writeFixture(`
      //- a.yaml
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: {{ template }}
    `);
    assert.equal(cli('check', root).code, 0, 'an info finding is below the default threshold');
    assert.equal(cli('check', root, '--severity', 'info').code, 1);
  });

  test('a clean workspace exits 0', () => {
    const root = writeFixture(`
      //- clusters/c1/s.yaml
      { apiVersion: v1, kind: Service, metadata: { name: s, namespace: x } }
    `);
    const { code, stdout } = cli('check', root);
    assert.equal(code, 0);
    assert.match(stdout, /^0 errors, 0 warnings in 0 files \(1 file, 1 resource, 1 cluster\)/);
  });

  test('binary files, non-UTF-8 text and links out of the workspace are skipped with a reason', () => {
    const root = writeFixture(`
      //- ok.yaml
      { apiVersion: v1, kind: Namespace, metadata: { name: x } }
    `);
    writeFileSync(join(root, 'binary.yaml'), Buffer.from([0x61, 0x00, 0x62]));
    writeFileSync(join(root, 'latin1.yaml'), Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9]));
    symlinkSync('/etc/hostname', join(root, 'outside.yaml'));
    symlinkSync('.', join(root, 'loop'));
    const { stdout } = cli('check', root, '--format', 'json');
    const reasons = JSON.parse(stdout).map(
      (finding: { file: string; message: string }) => `${finding.file}: ${finding.message}`,
    );
    assert.deepEqual(reasons, [
      'binary.yaml: Not analysed: the file is binary (it contains NUL bytes).',
      'latin1.yaml: Not analysed: the file is not valid UTF-8 text.',
      'outside.yaml: Not analysed: a symbolic link to a file outside the workspace.',
    ]);
  });
});

describe('usage', () => {
  test('--help and --version', () => {
    assert.match(cli('--help').stdout, /Usage:\n {2}mesh-lens check/);
    assert.match(cli('--version').stdout, /^\d+\.\d+\.\d+/);
  });

  test('a missing path, an unknown command or a bad option value exits 2 with a message', () => {
    const missing = cli('check', '/no/such/place');
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'mesh-lens: no such file or directory: /no/such/place\n');
    assert.equal(cli('frobnicate').code, 2);
    assert.match(cli('check', '--format', 'xml').stderr, /--format must be one of text, json, sarif/);
    assert.equal(cli('check', '--bogus').code, 2);
  });
});
