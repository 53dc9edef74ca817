import type { Finding } from './findings';
import { compareRanges } from './source';

/**
 * Sorted by file, then position, then code: the stable order of CLI output (SPEC §8). The message
 * breaks the remaining ties, so the order does not depend on which check ran first (the
 * incremental analysis merges findings made in different runs).
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    compareRanges(a.range, b.range) ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.message, b.message)
  );
}

/** Plain code-unit order, independent of the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
