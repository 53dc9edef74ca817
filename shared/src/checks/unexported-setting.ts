import { SCOPE_LABEL } from '../facts/mesh-labels';
import { setMetadataEntry } from '../fixes/yaml-edits';
import type { ServiceInstance, Setting, Shard } from '../model/types';
import type { Fix } from '../text/findings';
import { singleFileFix } from './finding';
import {
  describeHolder,
  governedServices,
  type LabelHolder,
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

/** Exports the holder with `global`; preferred unless a local scope was written on purpose. */
export function exportHolderFix(holder: LabelHolder): Fix {
  return singleFileFix(
    `Export ${describeHolder(holder)} (${SCOPE_LABEL}: global)`,
    holder.resource,
    setMetadataEntry(holder.resource, 'labels', SCOPE_LABEL, 'global'),
    !scopeWritten(holder),
  );
}

/** Why the holder is not exported, for messages: "the Service has no solo.io/service-scope", … */
export function notExportedReason(holder: LabelHolder, what: string): string {
  if (!holder.service) return `neither the Namespace nor any Service inheriting ${what} is exported`;
  const { scope } = holder.service;
  if (scope.from === 'default') return `the Service has no ${SCOPE_LABEL}`;
  const where = scope.from === 'namespace' ? "its Namespace's" : 'its';
  return `the Service is kept local by ${where} ${SCOPE_LABEL}: ${JSON.stringify(scope.value)}`;
}
