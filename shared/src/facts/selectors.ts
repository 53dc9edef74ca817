import type { Located } from '../yaml/nodes';

/** Kubernetes equality-based selection: every selector pair is present in the pod labels. */
export function selects(
  selector: ReadonlyMap<string, Located<string>>,
  podLabels: ReadonlyMap<string, Located<string>>,
): boolean {
  if (selector.size === 0) return false;
  for (const [key, { value }] of selector) {
    if (podLabels.get(key)?.value !== value) return false;
  }
  return true;
}
