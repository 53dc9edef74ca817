import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { copyOfExample, runCli } from '../helpers/cli';
import { kustomizeExample } from '../helpers/paths';

// examples/kustomize-multicluster (SPEC §9): one base, three overlays, one classic mistake each.

interface JsonFinding {
  file: string;
  code: string;
  message: string;
}

const findingsOf = (root: string): JsonFinding[] =>
  JSON.parse(runCli(['check', root, '--format', 'json']).stdout) as JsonFinding[];

describe('examples/kustomize-multicluster', () => {
  test("reports each overlay's mistake, where it is decided, and nothing else", () => {
    assert.deepEqual(
      findingsOf(kustomizeExample).map((finding) => `${finding.file} ${finding.code}`),
      [
        'base/ratings.yaml MESH101',
        'base/reviews.yaml MESH101',
        'overlays/cluster1/route.yaml MESH120',
        'overlays/cluster3/kustomization.yaml MESH104',
        'overlays/cluster3/kustomization.yaml MESH104',
      ],
    );
    const unlabeled = findingsOf(kustomizeExample).filter((finding) => finding.code === 'MESH101');
    assert.ok(unlabeled.every((finding) => /not exported in cluster2/.test(finding.message)));
  });

  test('--fix exports cluster2 through its overlay and leaves the shared base alone', (t) => {
    const root = copyOfExample(kustomizeExample);
    const base = readFileSync(join(root, 'base/reviews.yaml'), 'utf8');
    const fixed = runCli(['check', root, '--fix', '--format', 'json']);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(readFileSync(join(root, 'base/reviews.yaml'), 'utf8'), base, 'the base is not edited');
    assert.deepEqual(
      findingsOf(root).map((finding) => finding.code),
      ['MESH104', 'MESH104'],
      'what remains has only a suggestion (removing the prefix renames the Deployments too)',
    );
    // The real engine agrees: cluster2's overlay now renders exported Services.
    const kubectl = spawnSync('kubectl', ['kustomize', join(root, 'overlays/cluster2')], {
      encoding: 'utf8',
    });
    if (kubectl.error) {
      if (process.env.CI === 'true') assert.fail('kubectl is missing');
      t.diagnostic('kubectl is not installed: the rendering was not compared');
      return;
    }
    assert.equal(kubectl.status, 0, kubectl.stderr);
    const services = parseAllDocuments(kubectl.stdout)
      .map((doc) => doc.toJSON())
      .filter((object) => object?.kind === 'Service');
    assert.deepEqual(
      services.map((service) => [service.metadata.name, service.metadata.labels['solo.io/service-scope']]),
      [
        ['ratings', 'global'],
        ['reviews', 'global'],
      ],
    );
  });
});
