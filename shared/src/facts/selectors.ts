import type { Located } from '../yaml/nodes';

/** Kubernetes equality-based selection: every selector pair is present in the pod labels. */
export function selects(
  selector: ReadonlyMap<string, Located<string>>,
  podLabels: ReadonlyMap<string, Located<string>>,
): boolean {
  if (selector.size === 0) return false;
  // forEach, not for-of: the model's small maps iterate through generators, and matching a selector
  // against each workload of a namespace allocated an iterator per match.
  let matches = true;
  selector.forEach(({ value }, key) => {
    if (matches && podLabels.get(key)?.value !== value) matches = false;
  });
  return matches;
}
