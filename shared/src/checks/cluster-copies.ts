import type { MeshIndex } from '../model/types';
import { type Finding, type Fix, fixesOnce, placeKey } from '../text/findings';
import { groupBy } from '../util/group-by';
import { listClusters, multiFileFix } from './finding';

// A base placed in several clusters is checked once per placement, so a problem the base itself
// has (an invalid value, a selector that matches nothing anywhere) is found once per cluster at the
// same place, with messages that differ only by the cluster's name: twenty overlays gave twenty
// copies of one MESH110. Such copies are reported as one finding naming every cluster (SPEC §9: one
// finding naming them all). Copies that differ otherwise stay apart: they say different things.

/** The findings with per-cluster copies at one place merged into one naming those clusters. */
export function mergedClusterCopies(model: MeshIndex, findings: readonly Finding[]): Finding[] {
  const groups = groupBy(findings, placeKey);
  if (groups.size === findings.length) return [...findings];
  const merged: Finding[] = [];
  for (const finding of findings) {
    const group = groups.get(placeKey(finding));
    if (!group || group[0] !== finding) continue;
    merged.push(...(group.length === 1 ? group : mergeGroup(model, group)));
  }
  return merged;
}

/**
 * One finding for the copies whose messages differ only where each names its own cluster; the
 * others (and exact repeats, once) as they are.
 */
function mergeGroup(model: MeshIndex, group: Finding[]): Finding[] {
  const distinct = [...new Map(group.map((finding) => [finding.message, finding])).values()];
  if (distinct.length === 1) return distinct;
  const words = distinct.map((finding) => finding.message.split(' '));
  const length = words[0]?.length ?? 0;
  if (words.some((message) => message.length !== length)) return distinct;
  const differing = [...Array(length).keys()].filter((index) =>
    words.some((message) => message[index] !== words[0]?.[index]),
  );
  const clusters = words.map((message) => clusterAt(model, message, differing));
  if (clusters.some((cluster) => cluster === undefined)) return distinct;
  const named = listClusters([...(clusters as string[])].sort());
  const firstWords = words[0] as string[];
  const firstCluster = clusters[0] as string;
  const message = firstWords
    .map((word, index) => (differing.includes(index) ? word.replace(firstCluster, named) : word))
    .join(' ');
  const { fixes: _fixes, ...first } = distinct[0] as Finding;
  return [
    {
      ...first,
      message,
      // A copy's pointer at another copy ("no endpoint in west either") points at the merged finding itself.
      related: distinctRelated(distinct.flatMap((finding) => finding.related)).filter(
        (location) => !sameStart(location, first),
      ),
      fixes: fixesOnce(() => distinctFixes(distinct.flatMap((finding) => finding.fixes()))),
    },
  ];
}

/** The one cluster a message names at every place where the copies' messages differ. */
function clusterAt(model: MeshIndex, message: string[], differing: number[]): string | undefined {
  const names = new Set(differing.map((index) => stripped(message[index] ?? '')));
  const [only, ...more] = names;
  return only !== undefined && more.length === 0 && model.topology.clusters.has(only) ? only : undefined;
}

function sameStart(location: Finding['related'][number], finding: Omit<Finding, 'fixes'>): boolean {
  return (
    location.file === finding.file &&
    location.range.start.line === finding.range.start.line &&
    location.range.start.character === finding.range.start.character
  );
}

/** A word without the punctuation a sentence puts around it. */
function stripped(word: string): string {
  return word.replace(/^[(`'"]+|[)`'".,:;!?]+$/g, '');
}

function distinctRelated(related: Finding['related']): Finding['related'] {
  const seen = new Set<string>();
  return related.filter((location) => {
    const key = `${location.file}\u0000${location.range.start.line}:${location.range.start.character}\u0000${location.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Each fix once. The copies' preferred fixes, when they differ (a patch in each at-fault cluster's
 * overlay), become one fix making them all: the merged finding is resolved only when every cluster
 * it names is, and `--fix` applies one transaction.
 */
function distinctFixes(fixes: Fix[]): Fix[] {
  const seen = new Set<string>();
  const distinct = fixes.filter((fix) => {
    const key = JSON.stringify(fix.changes);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const preferred = distinct.filter((fix) => fix.preferred);
  if (preferred.length <= 1) return distinct;
  const together = multiFileFix(
    preferred.map((fix) => fix.title).join('; '),
    preferred.flatMap((fix) => fix.changes),
    true,
  );
  return [together, ...distinct.filter((fix) => !fix.preferred)];
}
