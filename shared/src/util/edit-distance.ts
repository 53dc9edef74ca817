/** Levenshtein distance, for "did you mean" suggestions and near-miss domains. */
export function editDistance(a: string, b: string): number {
  return boundedEditDistance(a, b, Number.POSITIVE_INFINITY);
}

/**
 * Levenshtein distance when it is at most `limit`, else `limit + 1` — computed only inside the band
 * of width 2·limit around the diagonal and abandoned as soon as a row exceeds the limit, so
 * comparing one name against thousands of hostnames stays cheap. Two rows are reused from call to
 * call: allocating them per row made MESH121's first run at 10,000 resources mostly allocation
 * (8,000 hostnames for each unknown one, eight times slower than now).
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length;
  // Past the limit a cell's value no longer matters: it is held at `cap` (also outside the band).
  const band = Number.isFinite(limit) ? limit : Math.max(a.length, width);
  const cap = Math.min(band + 1, MAX_CELL);
  let previous: Int32Array = rows(width);
  let current: Int32Array = otherRow;
  const firstTo = Math.min(width, band);
  for (let j = 0; j <= firstTo; j++) previous[j] = j;
  if (firstTo < width) previous[firstTo + 1] = cap;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(width, i + band);
    current[from - 1] = from === 1 ? i : cap;
    let rowMin = current[from - 1] as number;
    const code = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const substitution = (previous[j - 1] as number) + (code === b.charCodeAt(j - 1) ? 0 : 1);
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution, cap);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (to < width) current[to + 1] = cap;
    if (rowMin > limit) return limit + 1;
    const done = previous;
    previous = current;
    current = done;
  }
  return Math.min(previous[width] as number, limit + 1);
}

const MAX_CELL = 0x3fffffff;
let oneRow = new Int32Array(64);
let otherRow = new Int32Array(64);

/** The two rows, long enough for a string of `width` code units (grown, never shrunk). */
function rows(width: number): Int32Array {
  if (oneRow.length < width + 2) {
    oneRow = new Int32Array(2 * width + 2);
    otherRow = new Int32Array(2 * width + 2);
  }
  return oneRow;
}
