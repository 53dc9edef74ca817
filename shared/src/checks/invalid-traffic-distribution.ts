import { DISTRIBUTION_ANNOTATION, DISTRIBUTION_VALUES } from '../facts/mesh-labels';
import type { Shard } from '../model/types';
import type { Finding } from '../text/findings';
import type { Check } from './check';
import { findingAt } from './finding';
import {
  describeHolder,
  describeServices,
  governedServices,
  type LabelHolder,
  labelHolders,
  valueRange,
} from './label-holders';
import { nearestValueFix } from './nearest-value-fix';

const VALID_VALUES = Object.keys(DISTRIBUTION_VALUES);

export const invalidTrafficDistribution: Check = {
  code: 'MESH150',
  name: 'invalid-traffic-distribution',
  severity: 'error',
  description:
    'The `networking.istio.io/traffic-distribution` annotation of a Service or Namespace has a value Istio does not know. Values are case-sensitive: `PreferNetwork`, `PreferClose` (or `PreferSameZone`), `PreferRegion`, `PreferSameNode`, `Any`. Istio does not reject the manifest: it silently falls back to `Any`, so clients spread their requests over every reachable cluster instead of staying close. Replace the value with the intended mode.',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: global
        annotations:
          networking.istio.io/traffic-distribution: preferClose
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
        annotations:
          networking.istio.io/traffic-distribution: PreferClose
    `,
  },
  run: (shard) => labelHolders(shard).flatMap((holder) => invalidDistribution(shard, holder)),
};

function invalidDistribution(shard: Shard, holder: LabelHolder): Finding[] {
  const annotation = holder.resource.annotations.get(DISTRIBUTION_ANNOTATION);
  if (!annotation || DISTRIBUTION_VALUES[annotation.value] !== undefined) return [];
  const range = valueRange(annotation);
  const at = { ...annotation, range };
  const { fixes, suggestion } = nearestValueFix(holder.resource, annotation, VALID_VALUES);
  return [
    findingAt(
      invalidTrafficDistribution,
      holder.resource,
      at,
      `\`${annotation.value}\` is not a traffic distribution (case-sensitive: ${VALID_VALUES.join(', ')}): Istio silently falls back to \`Any\`, so clients of ${affected(shard, holder)} spread requests over every reachable endpoint in any cluster.${suggestion}`,
      { fixes },
    ),
  ];
}

function affected(shard: Shard, holder: LabelHolder): string {
  if (holder.service) return describeHolder(holder);
  const inheriting = governedServices(shard, holder, (service) => service.trafficDistribution);
  return `${describeHolder(holder)} (${describeServices(inheriting)})`;
}
