import type { MeshIndex, MeshModel, Shard } from '../model/types';
import type { Finding } from '../text/findings';
import { compareFindings } from '../text/findings-order';
import type { SeverityOverride } from '../topology/topology-file';
import { backendrefHostnameKind } from './backendref-hostname-kind';
import type { Check } from './check';
import { mergedClusterCopies } from './cluster-copies';
import { duplicateResource } from './duplicate-resource';
import { helmTemplateFindings } from './helm-template-findings';
import { hostNotExported } from './host-not-exported';
import { inconsistentInstances } from './inconsistent-instances';
import { invalidPeeringGateway } from './invalid-peering-gateway';
import { invalidScopeValue } from './invalid-scope-value';
import { invalidTakeoverValue } from './invalid-takeover-value';
import { invalidTrafficDistribution } from './invalid-traffic-distribution';
import { labelOnWrongKind } from './label-on-wrong-kind';
import { legacyScopeValue } from './legacy-scope-value';
import { nameTransformSplitsService } from './name-transform-splits-service';
import { noReadyEndpoints } from './no-ready-endpoints';
import { placementIncomplete } from './placement-incomplete';
import { renderedOutputFindings } from './rendered-output-findings';
import { reportedFindings, unsuppressed } from './reported';
import { scopeMismatch } from './scope-mismatch';
import { segmentScopeWithoutSegment } from './segment-scope-without-segment';
import { skippedContent } from './skipped-content';
import { subsetRoutingUnsupported } from './subset-routing-unsupported';
import { takeoverOverridesDistribution } from './takeover-overrides-distribution';
import { takeoverUnexported } from './takeover-unexported';
import { topologyInvalid } from './topology-invalid';
import { trafficDistributionUnexported } from './traffic-distribution-unexported';
import { unknownGlobalHost } from './unknown-global-host';
import { unlabeledSibling } from './unlabeled-sibling';
import { unplacedCluster } from './unplaced-cluster';
import { unreachableFromCluster } from './unreachable-from-cluster';
import { wrongHostnameSuffix } from './wrong-hostname-suffix';
import { yamlSyntax } from './yaml-syntax';

/** Every check, in catalogue order. Adding a check means one new file and one line here. */
export const checks: readonly Check[] = [
  unlabeledSibling,
  scopeMismatch,
  inconsistentInstances,
  nameTransformSplitsService,
  duplicateResource,
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
  placementIncomplete,
  unplacedCluster,
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
  /** Only the checks this accepts run (`runChecks`): the file-local ones, before the scan ends. */
  only?: (check: Check) => boolean;
}

/**
 * What the checks find in one shard, suppressions applied, before the final pass (reported.ts):
 * each finding at its check's own severity. The analysis keeps these, so a change of severity
 * settings re-checks nothing.
 */
export function runCheckList(
  shard: Shard,
  mesh: MeshIndex,
  onCheckError?: CheckOptions['onCheckError'],
  only?: CheckOptions['only'],
): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    if (only && !only(check)) continue;
    try {
      findings.push(...check.run(shard, mesh));
    } catch (error) {
      onCheckError?.(check, error);
    }
  }
  const onTemplates = helmTemplateFindings(mesh, findings);
  const onRenderLines = renderedOutputFindings(mesh, findings, onTemplates);
  return mergedClusterCopies(mesh, unsuppressed(mesh, [...findings, ...onTemplates, ...onRenderLines]));
}

/** The findings of a model as users see them, in the CLI's order: every shard checked. */
export function runChecks(model: MeshModel, options: CheckOptions = {}): Finding[] {
  const found = [...model.shards.values()].flatMap((shard) =>
    runCheckList(shard, model, options.onCheckError, options.only),
  );
  return reportedFindings(model, found, { ...options, checkByCode }).sort(compareFindings);
}
