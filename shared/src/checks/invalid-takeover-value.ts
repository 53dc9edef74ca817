import { TAKEOVER_LABEL } from '../facts/mesh-labels';
import { removeEntryKeepingComment } from '../fixes/remove-entry-keeping-comment';
import { replaceEntryValue } from '../fixes/replace-entry-value';
import { writtenContext, writtenEntry } from '../fixes/written-entry';
import type { Finding, Fix } from '../text/findings';
import type { Check } from './check';
import { findingAt } from './finding';
import {
  describeHolder,
  type LabelHolder,
  labelHolders,
  metadataMap,
  takeoverMeansOff,
  valueRange,
} from './label-holders';

export const invalidTakeoverValue: Check = {
  code: 'MESH161',
  name: 'invalid-takeover-value',
  severity: 'error',
  description:
    'The `solo.io/service-takeover` label has a value other than the string `"true"`. Any other value (`yes`, `True`, `"1"`, `enabled`) leaves takeover off, so clients of the local `svc.cluster.local` hostname keep reaching only the local instance; an unquoted `true` is a YAML boolean, and Kubernetes rejects a manifest whose label value is not a string. Write `"true"`, or remove the label to leave takeover off.',
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
          solo.io/service-takeover: "yes"
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
  run: (shard) => labelHolders(shard).flatMap(invalidTakeover),
};

function invalidTakeover(holder: LabelHolder): Finding[] {
  const takeover = holder.resource.labels.get(TAKEOVER_LABEL);
  if (!takeover) return [];
  const unquoted = takeover.yamlBoolean === true;
  if (takeover.value === 'true' && !unquoted) return [];
  const range = valueRange(takeover);
  const at = { ...takeover, range };
  const disables = takeoverMeansOff(takeover.value);
  const fixes = (): Fix[] => {
    // Edited where the label is written: the document, or the overlay's patch or `labels:` that set it.
    const written = writtenEntry(holder.resource, ['metadata', 'labels'], TAKEOVER_LABEL);
    const ctx = written?.ctx ?? writtenContext(holder.resource, takeover);
    const file = ctx.source.path;
    const set: Fix = {
      title: 'Set it to "true"',
      preferred: !disables,
      changes: [{ file, edits: [replaceEntryValue(ctx, takeover, 'true')] }],
    };
    const labels = written ? written.map : metadataMap(holder.resource, 'labels');
    const removal = labels && removeEntryKeepingComment(ctx, labels, TAKEOVER_LABEL);
    return removal
      ? [
          set,
          { title: `Remove ${TAKEOVER_LABEL}`, preferred: disables, changes: [{ file, edits: [removal] }] },
        ]
      : [set];
  };
  return [
    findingAt(invalidTakeoverValue, holder.resource, at, message(holder, takeover.value, unquoted), {
      fixes,
    }),
  ];
}

/** An unquoted `true`/`false` is a YAML boolean, which the Kubernetes API rejects as a label value. */
function message(holder: LabelHolder, value: string, unquoted: boolean): string {
  const subject = describeHolder(holder);
  if (unquoted) {
    const instead = takeoverMeansOff(value)
      ? 'Remove the label to leave takeover off'
      : `Write ${TAKEOVER_LABEL}: "true"`;
    return `Unquoted \`${value}\` is a YAML boolean, but label values must be strings: the Kubernetes API rejects ${subject}. ${instead}.`;
  }
  const shown = JSON.stringify(value);
  if (takeoverMeansOff(value)) {
    return `${TAKEOVER_LABEL} only recognizes "true": ${shown} on ${subject} leaves takeover off, as no label would. Remove the label, or set it to "true" to take over the local hostname.`;
  }
  return `${TAKEOVER_LABEL} only recognizes "true" (case-sensitive): ${shown} on ${subject} leaves takeover off, so clients of the local svc.cluster.local hostname keep reaching only the local instance. Set it to "true".`;
}
