import { TOPOLOGY_INVALID } from '../topology/topology-file';
import type { Check } from './check';

export const topologyInvalid: Check = {
  code: TOPOLOGY_INVALID,
  name: 'topology-invalid',
  severity: 'error',
  description:
    'The topology file (`mesh-topology.yaml`) is invalid, or contradicts what the manifests state (a Segment domain, a network or segment label on `istio-system`, a peering gateway). Mesh Lens then computes reach from a topology that is not the real one. Fix the entry, or make the manifests and the topology file agree.',
  example: {
    wrong: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["clusters/east/**"], segment: payments }
      links:
        - { from: east, to: west }
    `,
    fixed: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["clusters/east/**"], segment: payments }
        west: { paths: ["clusters/west/**"] }
      segments:
        payments: { domain: payments.mesh }
      links:
        - { from: east, to: west }
    `,
  },
  // The topology is validated while it is built; the check reports what was found.
  run: (shard) => shard.findings.filter((finding) => finding.code === TOPOLOGY_INVALID),
};
