import { SCOPE_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import { insertEntry, replaceScalar, yamlScalar } from '../fixes/yaml-edits';
import type { Finding, Fix } from '../text/findings';
import { findPair } from '../yaml/nodes';
import type { Check } from './check';
import { findingAt, singleFileFix } from './finding';
import { describeHolder, type LabelHolder, labelHolders, metadataMap, valueRange } from './label-holders';

export const legacyScopeValue: Check = {
  code: 'MESH113',
  name: 'legacy-scope-value',
  severity: 'hint',
  description:
    'The scope `global-only` is the legacy spelling of `global` plus takeover. It still exports the service globally, and its local `<name>.<namespace>.svc.cluster.local` hostname still routes to the global service, but the two settings are hidden in one value that current releases no longer document. Write `solo.io/service-scope: global` and `solo.io/service-takeover: "true"` instead (quoted: a label value must be a string).',
  example: {
    wrong: `
      //- clusters/east/reviews.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
        labels:
          solo.io/service-scope: global-only
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
          solo.io/service-takeover: "true"
    `,
  },
  run: (shard) => labelHolders(shard).flatMap(legacyScope),
};

function legacyScope(holder: LabelHolder): Finding[] {
  const scope = holder.resource.labels.get(SCOPE_LABEL);
  if (scope?.value !== 'global-only') return [];
  const range = valueRange(scope);
  const at = { ...scope, range };
  // A takeover label already decides takeover (SPEC §2: the label wins, the Service's over its
  // Namespace's): adding one would change behaviour, so only the scope is rewritten. A takeover key
  // whose value is not a string (a list, a map) is still there: writing a second one would
  // duplicate the key (found by fuzzing), so it counts as written too.
  const fix = (): Fix => {
    const labels = metadataMap(holder.resource, 'labels');
    const keepsTakeover =
      holder.service?.takeover.from === 'namespace' ||
      (labels !== undefined && findPair(holder.resource, labels, TAKEOVER_LABEL) !== undefined);
    const replace = replaceScalar(holder.resource, range, 'global');
    if (keepsTakeover || !labels)
      return singleFileFix('Replace `global-only` with `global`', holder.resource, [replace]);
    return singleFileFix(`Replace with \`global\` plus ${TAKEOVER_LABEL}: "true"`, holder.resource, [
      replace,
      insertEntry(holder.resource, labels, TAKEOVER_LABEL, yamlScalar('true')),
    ]);
  };
  return [
    findingAt(
      legacyScopeValue,
      holder.resource,
      at,
      `\`global-only\` is the legacy spelling of \`global\` plus takeover: ${describeHolder(holder)} is exported globally and its local hostnames route to the global service. Write ${SCOPE_LABEL}: global and ${TAKEOVER_LABEL}: "true" to say so explicitly.`,
      { fixes: () => [fix()] },
    ),
  ];
}
