import { UNPLACED_CLUSTER } from '../topology/place-workspace';
import type { Check } from './check';

export const unplacedCluster: Check = {
  code: UNPLACED_CLUSTER,
  name: 'unplaced-cluster',
  severity: 'warning',
  description:
    'A cluster that the topology file declares receives no manifest: none of its `paths` matches a file that holds Kubernetes objects, and no kustomization places anything in it. Mesh Lens then sees the cluster as empty: its Services are missing from every global service and every check that compares clusters ignores it, so a cluster deployed from a folder the paths do not name (a typo, a folder renamed, a glob that matches only the other clusters) goes unchecked without a word. Point its `paths` at its manifests.',
  example: {
    wrong: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["infra/east/**"] }
        west: { paths: ["infra/wset/**"] }
      //- infra/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo }
      //- infra/west/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo }
    `,
    fixed: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["infra/east/**"] }
        west: { paths: ["infra/west/**"] }
      //- infra/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo }
      //- infra/west/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo }
    `,
  },
  // Found while the topology is built, from every file's placements; the check reports what was found.
  run: (shard) => shard.findings.filter((finding) => finding.code === UNPLACED_CLUSTER),
};
