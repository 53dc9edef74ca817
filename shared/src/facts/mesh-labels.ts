import { lookupTable } from '../util/lookup-table';

/** The keys and values of SPEC §2, in one place so checks, hover and completion agree. */
export const SCOPE_LABEL = 'solo.io/service-scope';
export const TAKEOVER_LABEL = 'solo.io/service-takeover';
export const DISTRIBUTION_ANNOTATION = 'networking.istio.io/traffic-distribution';
export const SEGMENT_LABEL = 'admin.solo.io/segment';
export const NETWORK_LABEL = 'topology.istio.io/network';
export const IGNORE_ANNOTATION = 'mesh-lens.io/ignore';

export const ISTIO_SYSTEM = 'istio-system';

export type ExportScope = 'global' | 'segment';

/** Scope values that export, and what they export as. `global-only` is legacy `global` plus takeover. */
export const EXPORTING_SCOPES = lookupTable<ExportScope>({
  global: 'global',
  segment: 'segment',
  'global-only': 'global',
});
/** Values that explicitly keep a service local (the default). */
export const LOCAL_SCOPES = ['cluster', 'local', ''];
export const VALID_SCOPES = [...Object.keys(EXPORTING_SCOPES), ...LOCAL_SCOPES];

export type DistributionMode = 'PreferNetwork' | 'PreferClose' | 'PreferRegion' | 'PreferSameNode' | 'Any';

/** Accepted spellings → the mode they select (`PreferSameZone` is an alias of `PreferClose`). */
export const DISTRIBUTION_VALUES = lookupTable<DistributionMode>({
  PreferNetwork: 'PreferNetwork',
  PreferClose: 'PreferClose',
  PreferSameZone: 'PreferClose',
  PreferRegion: 'PreferRegion',
  PreferSameNode: 'PreferSameNode',
  Any: 'Any',
});

export const DEFAULT_DISTRIBUTION: DistributionMode = 'PreferNetwork';
