import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli';
import { writeFixture } from '../helpers/paths';

// SPEC §9, Helm: a cluster's `render:` command is run only when the user allows it (--allow-render),
// and its output is analysed in that cluster without being written.

const workspace = (render: string) =>
  writeFixture(`
    //- mesh-topology.yaml
    clusters:
      cluster1: { paths: ["clusters/cluster1/**"] }
      cluster2: { render: "${render}" }
    //- clusters/cluster1/reviews.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
    //- chart-output/kustomization.yaml
    resources: [reviews.yaml]
    //- chart-output/reviews.yaml
    apiVersion: v1
    kind: Service
    metadata: { name: reviews, namespace: bookinfo, labels: { solo.io/service-scope: global } }
    //- chart-output/cluster2.txt
    apiVersion: v1
    kind: Service
    metadata: { name: reviews, namespace: bookinfo }
  `);

interface JsonFinding {
  file: string;
  code: string;
  message: string;
}

const findings = (args: string[]) => {
  const result = runCli(['check', ...args, '--format', 'json']);
  return { ...result, findings: JSON.parse(result.stdout || '[]') as JsonFinding[] };
};

describe('render commands', () => {
  test('without --allow-render nothing is executed, and MESH192 says what is missing', () => {
    const root = workspace('touch executed; cat chart-output/cluster2.txt');
    const { findings: found } = findings([root]);
    assert.equal(existsSync(join(root, 'executed')), false, 'the command did not run');
    const note = found.find((finding) => finding.code === 'MESH192');
    assert.match(note?.message ?? '', /render command of cluster cluster2 .* runs only when allowed/);
    assert.equal(note?.file, 'mesh-topology.yaml');
  });

  test('with --allow-render its output is analysed in its cluster, and never written', () => {
    const root = workspace('cat chart-output/cluster2.txt');
    const { findings: found, code } = findings([root, '--allow-render']);
    assert.equal(code, 0);
    const unlabeled = found.filter((finding) => finding.code === 'MESH101');
    // On the output, and on the `render:` line that produced it (the output has no file to open).
    assert.deepEqual(
      unlabeled.map((finding) => finding.file),
      ['.mesh-lens/rendered/cluster2.yaml', 'mesh-topology.yaml'],
    );
    assert.match(unlabeled[0]?.message ?? '', /not exported in cluster2/);
    assert.match(
      unlabeled[1]?.message ?? '',
      /^In the rendered output \(\.mesh-lens\/rendered\/cluster2\.yaml, line 3\): .*not exported in cluster2/,
    );
    assert.equal(existsSync(join(root, '.mesh-lens')), false);
  });

  test('a real render command here: kubectl kustomize', (t) => {
    if (spawnSync('kubectl', ['version', '--client']).error) {
      if (process.env.CI === 'true') assert.fail('kubectl is missing');
      t.diagnostic('kubectl is not installed: the kubectl render was not run');
      return;
    }
    // The output is exported (the kustomization's Service is labeled): nothing is missing from cluster2.
    const root = workspace('kubectl kustomize chart-output');
    const { findings: found } = findings([root, '--allow-render']);
    assert.deepEqual(
      found.filter((finding) => finding.file.startsWith('.mesh-lens/') && finding.code === 'MESH101'),
      [],
    );
    const hosts = JSON.parse(runCli(['hosts', root, '--allow-render', '--format', 'json']).stdout);
    assert.ok(
      hosts[0].clusters.some(
        (cluster: { cluster: string; exported: boolean }) =>
          cluster.cluster === 'cluster2' && cluster.exported,
      ),
      JSON.stringify(hosts),
    );
  });

  test('a command that fails stops the run with its error (exit 2)', () => {
    const root = workspace('echo no chart here >&2; exit 3');
    const result = runCli(['check', root, '--allow-render']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /render command of cluster cluster2 \(echo no chart here >&2; exit 3\) failed: no chart here/,
    );
  });
});
