import {
  DISTRIBUTION_ANNOTATION,
  DISTRIBUTION_VALUES,
  LOCAL_SCOPES,
  SCOPE_LABEL,
  SEGMENT_LABEL,
  TAKEOVER_LABEL,
} from '../facts/mesh-labels';
import { lookupTable } from '../util/lookup-table';

export interface MeshKeyDoc {
  summary: string;
  values: { value: string; meaning: string }[];
}

/** SPEC §2, as shown in hover and completion. */
export const MESH_KEY_DOCS = lookupTable<MeshKeyDoc>({
  [SCOPE_LABEL]: {
    summary:
      'Exports the Service (or every Service of the Namespace) across clusters. Needed in every cluster that should contribute endpoints; the Service label wins over the Namespace label.',
    values: [
      {
        value: 'global',
        meaning:
          'export to every linked cluster as `<name>.<namespace>.mesh.internal` (or the segment domain)',
      },
      {
        value: 'segment',
        meaning: "export only within the cluster's segment (the cluster must belong to one)",
      },
      ...LOCAL_SCOPES.filter(Boolean).map((value) => ({ value, meaning: 'not exported (the default)' })),
      { value: 'global-only', meaning: 'legacy: `global` plus takeover' },
    ],
  },
  [TAKEOVER_LABEL]: {
    summary:
      'The local `<name>.<namespace>.svc.cluster.local` hostname also routes to the global service (Solo Istio 1.27.2+). Only meaningful on an exported service.',
    values: [{ value: 'true', meaning: 'take over the local hostname' }],
  },
  [DISTRIBUTION_ANNOTATION]: {
    summary:
      "How a client picks among a global service's endpoints. `spec.trafficDistribution` wins over the Service annotation, which wins over the Namespace annotation. Invalid values fall back to `Any` silently.",
    values: Object.keys(DISTRIBUTION_VALUES).map((value) => ({ value, meaning: distributionMeaning(value) })),
  },
  [SEGMENT_LABEL]: {
    summary:
      "On a cluster's `istio-system` Namespace: puts the cluster in a Segment (Solo Istio 1.28+, alpha).",
    values: [],
  },
});

function distributionMeaning(value: string): string {
  switch (DISTRIBUTION_VALUES[value]) {
    case 'PreferNetwork':
      return "endpoints on the client's network first (default for exported services)";
    case 'PreferClose':
      return value === 'PreferSameZone'
        ? 'alias of `PreferClose`'
        : 'closest first: zone, then region, then network';
    case 'PreferRegion':
      return 'region first, then network';
    case 'PreferSameNode':
      return 'as `PreferClose` (manifests do not say which node a pod runs on)';
    default:
      return 'all candidates equally';
  }
}
