import type { MeshModel } from '../model/types';
import type { Finding, Fix, Severity } from '../text/findings';
import { compareFindings } from '../text/findings-order';
import type { SeverityOverride } from '../topology/topology-file';
import { backendrefHostnameKind } from './backendref-hostname-kind';
import type { Check } from './check';
import { fixesPending, withFixes } from './finding';
import { hostNotExported } from './host-not-exported';
import { inconsistentInstances } from './inconsistent-instances';
import { invalidPeeringGateway } from './invalid-peering-gateway';
import { invalidScopeValue } from './invalid-scope-value';
import { invalidTakeoverValue } from './invalid-takeover-value';
import { invalidTrafficDistribution } from './invalid-traffic-distribution';
import { labelOnWrongKind } from './label-on-wrong-kind';
import { legacyScopeValue } from './legacy-scope-value';
import { noReadyEndpoints } from './no-ready-endpoints';
import { scopeMismatch } from './scope-mismatch';
import { segmentScopeWithoutSegment } from './segment-scope-without-segment';
import { skippedContent } from './skipped-content';
import { subsetRoutingUnsupported } from './subset-routing-unsupported';
import { isSuppressed } from './suppression';
import { takeoverOverridesDistribution } from './takeover-overrides-distribution';
import { takeoverUnexported } from './takeover-unexported';
import { topologyInvalid } from './topology-invalid';
import { trafficDistributionUnexported } from './traffic-distribution-unexported';
import { unknownGlobalHost } from './unknown-global-host';
import { unlabeledSibling } from './unlabeled-sibling';
import { unreachableFromCluster } from './unreachable-from-cluster';
import { wrongHostnameSuffix } from './wrong-hostname-suffix';
import { yamlSyntax } from './yaml-syntax';

/** Every check, in catalogue order. Adding a check means one new file and one line here. */
export const checks: readonly Check[] = [
  unlabeledSibling,
  scopeMismatch,
  inconsistentInstances,
  invalidScopeValue,
  segmentScopeWithoutSegment,
  labelOnWrongKind,
  legacyScopeValue,
  wrongHostnameSuffix,
  unknownGlobalHost,
  hostNotExported,
  unreachableFromCluster,
  subsetRoutingUnsupported,
  backendrefHostnameKind,
  invalidTrafficDistribution,
  trafficDistributionUnexported,
  takeoverOverridesDistribution,
  takeoverUnexported,
  invalidTakeoverValue,
  noReadyEndpoints,
  invalidPeeringGateway,
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
    for (const raw of found) {
      if (isSuppressed(model, raw)) continue;
      findings.push(refine(raw, override as Severity | undefined, options.onCheckError));
    }
  }
  return findings.sort(compareFindings);
}

/** The finding as reported: the override's severity, and only fixes that change something. */
function refine(
  raw: Finding,
  severity: Severity | undefined,
  onError: CheckOptions['onCheckError'],
): Finding {
  const base: Omit<Finding, 'fixes'> = {
    code: raw.code,
    severity: severity ?? raw.severity,
    file: raw.file,
    range: raw.range,
    message: raw.message,
    related: raw.related,
  };
  if (!fixesPending(raw)) return withFixes(base, offered(raw.fixes));
  // Built on first read, after the check returned: a builder that throws must not take a code
  // action down with it, so it is reported like a failing check and offers nothing.
  return withFixes(base, () => {
    try {
      return offered(raw.fixes);
    } catch (error) {
      const check = checkByCode(raw.code);
      if (check) onError?.(check, error);
      return [];
    }
  });
}

/**
 * A fix whose edits came out empty (its builder found nothing it could change safely, e.g. labels
 * written as a scalar) would do nothing if chosen: it is not offered. Found by fuzzing.
 */
function offered(fixes: Fix[]): Fix[] {
  const changesSomething = (fix: Fix) => fix.changes.some((change) => change.edits.length > 0);
  return fixes.every(changesSomething) ? fixes : fixes.filter(changesSomething);
}
