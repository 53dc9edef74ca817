import { SCOPE_LABEL, VALID_SCOPES } from '../facts/mesh-labels';
import type { MeshIndex, Shard } from '../model/types';
import type { Finding } from '../text/findings';
import type { Check } from './check';
import { findingAt } from './finding';
import {
  describeHolder,
  describeServices,
  globalHostnameOf,
  governedServices,
  type LabelHolder,
  labelHolders,
  valueRange,
} from './label-holders';
import { nearestValueFix } from './nearest-value-fix';

// Suggestions skip the empty value: nobody mistypes "nothing".
const SUGGESTIONS = VALID_SCOPES.filter((scope) => scope !== '');

export const invalidScopeValue: Check = {
  code: 'MESH110',
  readsTopology: ['clusters', 'segments'],
  name: 'invalid-scope-value',
  severity: 'error',
  description:
    'The `solo.io/service-scope` label of a Service or Namespace has a value Solo does not know. Values are case-sensitive: `global`, `segment`, `cluster`, `local`, empty, or the legacy `global-only`. With any other value (`Global`, `globl`) the service is simply not exported: its global hostname does not exist and its endpoints are missing from the global service, although the manifest looks exported to a reader. Replace the value with the intended one, usually `global`.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: Global
    `,
    fixed: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
    `,
  },
  run: (shard, mesh) => labelHolders(shard).flatMap((holder) => invalidScope(shard, mesh, holder)),
};

function invalidScope(shard: Shard, mesh: MeshIndex, holder: LabelHolder): Finding[] {
  const scope = holder.resource.labels.get(SCOPE_LABEL);
  if (!scope || VALID_SCOPES.includes(scope.value)) return [];
  const range = valueRange(scope);
  const at = { ...scope, range };
  const { fixes, suggestion } = nearestValueFix(holder.resource, scope, SUGGESTIONS);
  return [
    findingAt(
      invalidScopeValue,
      holder.resource,
      at,
      `\`${scope.value}\` is not a ${SCOPE_LABEL} value (case-sensitive: ${SUGGESTIONS.join(', ')} or empty): ${consequence(shard, mesh, holder)}.${suggestion}`,
      { fixes },
    ),
  ];
}

function consequence(shard: Shard, mesh: MeshIndex, holder: LabelHolder): string {
  if (holder.service) {
    return `${describeHolder(holder)} is not exported, so ${globalHostnameOf(mesh, holder.service)} gets no endpoints from ${holder.cluster}`;
  }
  const inheriting = governedServices(shard, holder, (service) => service.scope);
  return `${describeHolder(holder)} exports nothing (it governs ${describeServices(inheriting)})`;
}
