import { editDistance } from './edit-distance';

export interface NearestValue {
  value: string;
  /** A case difference or a typo's worth of edits: safe to apply without asking. */
  close: boolean;
}

/**
 * The candidate a mistyped value most likely meant: a case-insensitive match first (`Global` →
 * `global`), else the smallest edit distance ignoring case, the first candidate winning ties.
 */
export function nearestValue(written: string, candidates: readonly string[]): NearestValue | undefined {
  const lower = written.toLowerCase();
  const sameLetters = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (sameLetters !== undefined) return { value: sameLetters, close: true };
  let best: { value: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { value: candidate, distance };
  }
  if (!best) return undefined;
  return { value: best.value, close: best.distance <= Math.max(1, Math.floor(best.value.length / 3)) };
}
