import { PLACEMENT_INCOMPLETE } from '../topology/place-workspace';
import type { Check } from './check';

export const placementIncomplete: Check = {
  code: PLACEMENT_INCOMPLETE,
  name: 'placement-incomplete',
  severity: 'info',
  description:
    'Something that places manifests asks for what Mesh Lens does not render or follow — in a kustomization `helmCharts`, `vars`, `transformers`, a remote resource, a generator source that is not YAML, `.properties`, `.env`, `.conf` or `.ini`; in an Argo CD or Flux object a Helm chart, a generator or an option it does not apply; a `render:` command not allowed to run — or names a path the workspace does not have. Mesh Lens renders everything else and analyses it, but the objects that feature would add or change are missing from the mesh model: a Service it generates is not there, a label it sets is not seen. The finding names what was left out; render it yourself (`kubectl kustomize DIR > rendered/CLUSTER.yaml`, placed with the topology file) if those objects matter to the mesh.',
  example: {
    wrong: `
      //- clusters/east/kustomization.yaml
      resources:
        - reviews.yaml
        - ../../missing-base
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo }
    `,
    fixed: `
      //- clusters/east/kustomization.yaml
      resources:
        - reviews.yaml
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata: { name: reviews, namespace: bookinfo }
    `,
  },
  // Found while kustomizations are rendered; the check reports what was found.
  run: (shard) => shard.findings.filter((finding) => finding.code === PLACEMENT_INCOMPLETE),
};
