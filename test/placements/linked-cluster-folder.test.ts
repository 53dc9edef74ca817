import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli';
import { writeFixture } from '../helpers/paths';

// "Deploy the same YAML to both clusters" with a link: `clusters/cluster2 -> cluster1`. Each path
// places the folder in its cluster (SPEC §9); the linked cluster is no longer silently empty.

describe('a linked cluster folder', () => {
  test('places the same manifests in both clusters', () => {
    const root = writeFixture(`
      //- clusters/cluster1/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels: { solo.io/service-scope: global }
      spec:
        selector: { app: reviews }
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: reviews, namespace: bookinfo }
      spec:
        selector: { matchLabels: { app: reviews } }
        template: { metadata: { labels: { app: reviews } } }
    `);
    symlinkSync(join(root, 'clusters', 'cluster1'), join(root, 'clusters', 'cluster2'));
    const hosts = JSON.parse(runCli(['hosts', root, '--format', 'json']).stdout);
    assert.deepEqual(
      hosts[0].clusters.map((cluster: { cluster: string; endpoints: number }) => [
        cluster.cluster,
        cluster.endpoints,
      ]),
      [
        ['cluster1', 1],
        ['cluster2', 1],
      ],
    );
  });
});
