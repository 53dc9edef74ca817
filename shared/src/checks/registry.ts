import type { Finding, Severity } from '../findings';
import { compareFindings } from '../findings-order';
import type { MeshModel } from '../model/types';
import type { SeverityOverride } from '../topology/topology-file';
import { backendrefHostnameKind } from './backendref-hostname-kind';
import type { Check } from './check';
import { hostNotExported } from './host-not-exported';
import { skippedContent } from './skipped-content';
import { subsetRoutingUnsupported } from './subset-routing-unsupported';
import { isSuppressed } from './suppression';
import { topologyInvalid } from './topology-invalid';
import { unknownGlobalHost } from './unknown-global-host';
import { unlabeledSibling } from './unlabeled-sibling';
import { unreachableFromCluster } from './unreachable-from-cluster';
import { wrongHostnameSuffix } from './wrong-hostname-suffix';
import { yamlSyntax } from './yaml-syntax';

/** Every check, in catalogue order. Adding a check means one new file and one line here. */
export const checks: readonly Check[] = [
  unlabeledSibling,
  wrongHostnameSuffix,
  unknownGlobalHost,
  hostNotExported,
  unreachableFromCluster,
  subsetRoutingUnsupported,
  backendrefHostnameKind,
  yamlSyntax,
  topologyInvalid,
  skippedContent,
];

export function checkByCode(code: string): Check | undefined {
  return checks.find((check) => check.code === code);
}

export interface CheckOptions {
  /** Per-code severities from the user's settings; they win over the topology file's. */
  severityOverrides?: ReadonlyMap<string, SeverityOverride>;
  /** Called when a check throws: a bug in one check must not hide the others' findings. */
  onCheckError?: (check: Check, error: unknown) => void;
}

export function runChecks(model: MeshModel, options: CheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    let found: Finding[];
    try {
      found = check.run(model);
    } catch (error) {
      options.onCheckError?.(check, error);
      continue;
    }
    const override = options.severityOverrides?.get(check.code) ?? model.severityOverrides.get(check.code);
    if (override === 'off') continue;
    for (const finding of found) {
      if (isSuppressed(model, finding)) continue;
      findings.push(override ? { ...finding, severity: override as Severity } : finding);
    }
  }
  return findings.sort(compareFindings);
}
