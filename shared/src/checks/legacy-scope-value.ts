import { SCOPE_LABEL, TAKEOVER_LABEL } from '../facts/mesh-labels';
import { writtenContext, writtenEntry } from '../fixes/written-entry';
import { insertEntry, replaceScalar, yamlScalar } from '../fixes/yaml-edits';
import type { Finding, Fix } from '../text/findings';
import { findPair } from '../yaml/nodes';
import type { Check } from './check';
import { findingAt } from './finding';
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
    // Edited where the scope is written: the Service's own document, or the overlay that set it.
    const written = writtenEntry(holder.resource, ['metadata', 'labels'], SCOPE_LABEL);
    const ctx = written?.ctx ?? writtenContext(holder.resource, scope);
    const labels = written ? written.map : metadataMap(holder.resource, 'labels');
    const keepsTakeover =
      holder.service?.takeover.from === 'namespace' ||
      holder.resource.labels.has(TAKEOVER_LABEL) ||
      (labels !== undefined && findPair(ctx, labels, TAKEOVER_LABEL) !== undefined);
    const replace = replaceScalar(ctx, range, 'global');
    const file = ctx.source.path;
    if (keepsTakeover || !labels)
      return {
        title: 'Replace `global-only` with `global`',
        preferred: true,
        changes: [{ file, edits: [replace] }],
      };
    return {
      title: `Replace with \`global\` plus ${TAKEOVER_LABEL}: "true"`,
      preferred: true,
      changes: [{ file, edits: [replace, insertEntry(ctx, labels, TAKEOVER_LABEL, yamlScalar('true'))] }],
    };
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
