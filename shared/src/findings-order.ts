import type { Finding } from './findings';
import { compareRanges } from './yaml/source';

/** Sorted by file, then position, then code: the stable order of CLI output (SPEC §8). */
export function compareFindings(a: Finding, b: Finding): number {
  return compareStrings(a.file, b.file) || compareRanges(a.range, b.range) || compareStrings(a.code, b.code);
}

/** Plain code-unit order, independent of the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
