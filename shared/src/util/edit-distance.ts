/** Levenshtein distance, for "did you mean" suggestions and near-miss domains. */
export function editDistance(a: string, b: string): number {
  return boundedEditDistance(a, b, Number.POSITIVE_INFINITY);
}

/**
 * Levenshtein distance when it is at most `limit`, else `limit + 1` — computed only inside the band
 * of width 2·limit around the diagonal and abandoned as soon as a row exceeds the limit, so
 * comparing one name against thousands of hostnames stays cheap.
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(limit + 1);
    current[0] = i;
    const from = Math.max(1, Number.isFinite(limit) ? i - limit : 1);
    const to = Math.min(b.length, Number.isFinite(limit) ? i + limit : b.length);
    let rowMin = current[0];
    for (let j = from; j <= to; j++) {
      const substitution = (previous[j - 1] ?? limit + 1) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min((previous[j] ?? limit + 1) + 1, (current[j - 1] ?? limit + 1) + 1, substitution);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return Math.min(previous[b.length] ?? limit + 1, limit + 1);
}
