import { SCOPE_LABEL } from '../facts/mesh-labels';
import { layeredFixes, sameDocument } from '../fixes/layered-fix';
import { setWrittenEntry } from '../fixes/written-entry';
import { setMetadataEntry } from '../fixes/yaml-edits';
import type { MeshIndex, ServiceInstance, Setting, Shard } from '../model/types';
import type { Fix } from '../text/findings';
import {
  describeHolder,
  governedServices,
  type LabelHolder,
  labelHolders,
  scopeKeepsLocal,
  scopeWritten,
} from './label-holders';

/**
 * Whether a setting written on a holder can take effect nowhere because nothing it governs is exported
 * (SPEC §2: takeover and traffic distribution only matter for an exported service). A Namespace's
 * setting still matters when one of its Services exports itself and inherits the setting.
 */
export function settingIsUnexported(
  shard: Shard,
  holder: LabelHolder,
  setting: (service: ServiceInstance) => Setting<unknown>,
): boolean {
  if (!scopeKeepsLocal(holder)) return false;
  return !governedServices(shard, holder, setting).some((service) => service.exportScope !== undefined);
}

/**
 * Exports the holder with `global`; preferred unless a local scope was written on purpose. For a
 * document other clusters share, through the cluster's overlay (layered-fix.ts); a local scope an
 * overlay wrote is changed where it is written.
 */
export function exportHolderFix(
  shard: Shard,
  mesh: MeshIndex,
  holder: LabelHolder,
  setting: (service: ServiceInstance) => Setting<unknown>,
): Fix[] {
  return layeredFixes(mesh, holder, clustersUnexported(shard, holder, setting), {
    title: `Export ${describeHolder(holder)} (${SCOPE_LABEL}: global)`,
    documentEdits: (written) => ({
      file: written.source.path,
      edits: setMetadataEntry(written, 'labels', SCOPE_LABEL, 'global'),
    }),
    patch: { metadata: { labels: { [SCOPE_LABEL]: 'global' } } },
    value: {
      read: (resource) => resource.labels.get(SCOPE_LABEL),
      writtenEdits: () => setWrittenEntry(holder.resource, ['metadata', 'labels'], SCOPE_LABEL, 'global'),
    },
    preferred: !scopeWritten(holder),
  });
}

/** The clusters whose copy of the holder's document has the same unexported setting. */
export function clustersUnexported(
  shard: Shard,
  holder: LabelHolder,
  setting: (service: ServiceInstance) => Setting<unknown>,
): string[] {
  return labelHolders(shard)
    .filter((other) => sameDocument(other.resource, holder.resource))
    .filter((other) => settingIsUnexported(shard, other, setting))
    .map((other) => other.cluster);
}

/** Why the holder is not exported, for messages: "the Service has no solo.io/service-scope", … */
export function notExportedReason(holder: LabelHolder, what: string): string {
  if (!holder.service) return `neither the Namespace nor any Service inheriting ${what} is exported`;
  const { scope } = holder.service;
  if (scope.from === 'default') return `the Service has no ${SCOPE_LABEL}`;
  const where = scope.from === 'namespace' ? "its Namespace's" : 'its';
  return `the Service is kept local by ${where} ${SCOPE_LABEL}: ${JSON.stringify(scope.value)}`;
}
