import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { copyOfExample, runCli } from '../helpers/cli';
import { gitopsExample } from '../helpers/paths';

// examples/gitops-multicluster (issue #16): Flux objects deploying Kustomize overlays, a chart's
// rendered output per cluster, a hostname in an env value.

interface JsonFinding {
  file: string;
  code: string;
  message: string;
}

const findingsOf = (root: string): JsonFinding[] =>
  JSON.parse(runCli(['check', root, '--format', 'json']).stdout) as JsonFinding[];

describe('examples/gitops-multicluster', () => {
  test('reports the three mistakes its README lists, where they are decided, and nothing else', () => {
    const found = findingsOf(gitopsExample);
    assert.deepEqual(
      found.map((finding) => `${finding.file} ${finding.code}`),
      [
        'apps/base/productpage/productpage.yaml MESH120',
        'apps/base/reviews/reviews.yaml MESH101',
        'apps/west/ratings.rendered.yaml MESH110',
        'charts/ratings/templates/service.yaml MESH195',
        'charts/ratings/templates/service.yaml MESH110',
      ],
    );
    assert.match(found[1]?.message ?? '', /not exported in west/);
    assert.match(found[4]?.message ?? '', /^In west rendered output \(apps\/west\/ratings\.rendered\.yaml\)/);
  });

  test('--fix patches the west overlay, the env hostname, and the values file with its rendered output; the bases stay', () => {
    const root = copyOfExample(gitopsExample);
    const base = readFileSync(join(root, 'apps/base/reviews/reviews.yaml'), 'utf8');
    const result = runCli(['check', root, '--fix']);
    assert.equal(result.code, 0, result.stdout);
    assert.equal(readFileSync(join(root, 'apps/base/reviews/reviews.yaml'), 'utf8'), base);
    assert.match(
      readFileSync(join(root, 'apps/base/productpage/productpage.yaml'), 'utf8'),
      /value: http:\/\/reviews\.bookinfo\.mesh\.internal:9080\/reviews\n/,
    );
    assert.match(readFileSync(join(root, 'apps/west/kustomization.yaml'), 'utf8'), /patches:\n {2}- target:/);
    assert.equal(readFileSync(join(root, 'charts/ratings/values/west.yaml'), 'utf8'), 'scope: global\n');
    assert.match(
      readFileSync(join(root, 'apps/west/ratings.rendered.yaml'), 'utf8'),
      /solo\.io\/service-scope: global\n/,
    );
    assert.deepEqual(
      findingsOf(root).map((finding) => finding.code),
      ['MESH195'],
    );
  });
});
