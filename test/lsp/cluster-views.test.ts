import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CLUSTERS_REQUEST,
  type ClustersResult,
  PROBLEMS_BY_CLUSTER_REQUEST,
  type ProblemsByClusterResult,
} from '../../shared/src/protocol';
import { copyOfExample } from '../helpers/cli';
import { startSession } from '../helpers/lsp-client';
import { kustomizeExample } from '../helpers/paths';

// `meshLens/clusters` and `meshLens/problemsByCluster` over stdio, on the Kustomize example: what the
// editor's Clusters and Problems-by-cluster views draw (docs/protocol.md).

describe('language server over stdio: the cluster views', () => {
  test('clusters → entry points → files, and problems → cluster → file, with URIs to open', async () => {
    const session = await startSession(copyOfExample(kustomizeExample));
    try {
      const clusters = (await session.connection.sendRequest(CLUSTERS_REQUEST, {})) as ClustersResult;
      const [folder] = clusters.folders;
      assert.deepEqual(
        folder?.clusters.map((cluster) => cluster.name),
        ['cluster1', 'cluster2', 'cluster3'],
      );
      const [entry] = folder?.clusters[1]?.entries ?? [];
      assert.equal(entry?.via, 'kustomize');
      assert.equal(entry?.label, 'overlays/cluster2/kustomization.yaml');
      assert.equal(entry?.origin?.uri, session.uri('overlays/cluster2/kustomization.yaml'));
      assert.deepEqual(entry?.files, [session.uri('base/ratings.yaml'), session.uri('base/reviews.yaml')]);
      assert.equal(folder?.clusters[0]?.declaredAt?.uri, session.uri('mesh-topology.yaml'));

      const problems = (await session.connection.sendRequest(
        PROBLEMS_BY_CLUSTER_REQUEST,
        {},
      )) as ProblemsByClusterResult;
      const cluster3 = problems.folders[0]?.clusters.find((row) => row.cluster === 'cluster3');
      const overlay = cluster3?.files.find(
        (file) => file.uri === session.uri('overlays/cluster3/kustomization.yaml'),
      );
      assert.deepEqual(
        overlay?.problems.map((problem) => [problem.code, problem.severity]),
        [
          ['MESH104', 'warning'],
          ['MESH104', 'warning'],
        ],
      );
      assert.ok(overlay?.problems[0]?.range.start.line !== undefined);
    } finally {
      await session.stop();
    }
  });
});
