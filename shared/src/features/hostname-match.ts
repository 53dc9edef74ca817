import type { CacheSlot, SessionCache } from '../util/session-cache';

// Matching a typed fragment against hostnames, for completion. Forgiving like an editor's own filter:
// case-insensitive; a prefix, then label starts (`book` and `rat.book` find
// `ratings.bookinfo.mesh.internal`, `rev.v1` finds `reviews-v1.…`), then any substring, then the
// fuzzy subsequence VS Code itself accepts. The server filters before the client does, so the last tier must accept
// everything the client's filter would show for the same word: otherwise an item the user expects
// would silently be missing from a list marked complete.

/** How well a hostname matches: lower is better. */
export const MatchQuality = {
  /** The hostname starts with the typed text (or nothing is typed). */
  Prefix: 0,
  /** Each typed part (split at `.`, `-`, `_`) starts a later part of the hostname. */
  PartStarts: 1,
  /** The typed text occurs somewhere. */
  Substring: 2,
  /** The typed characters occur in order, the first at a part start (VS Code's fuzzy filter). */
  Fuzzy: 3,
} as const;
export type MatchQuality = (typeof MatchQuality)[keyof typeof MatchQuality];

export interface MatchTarget {
  /** The hostname in lower case. */
  lower: string;
  /** Its parts between `.`, `-` and `_`. */
  parts: string[];
  /** Which letters and digits it contains ({@link letterMask}). */
  letters: number;
}

export function matchTarget(hostname: string): MatchTarget {
  const lower = hostname.toLowerCase();
  return { lower, parts: lower.split(/[.\-_]/), letters: letterMask(lower) };
}

// What matching needs of a hostname depends on the string alone: the host keeps it across requests
// and models (a model is rebuilt on every edit). Bounded, in case hostnames keep changing in a long session.
const MATCH_TARGETS: CacheSlot<Map<string, MatchTarget>> = {
  name: 'completion match targets',
  create: () => new Map(),
};
const MAX_TARGETS = 100_000;

/** `matchTarget`, remembered in the host's session cache. */
export function cachedMatchTarget(cache: SessionCache, hostname: string): MatchTarget {
  const targets = cache.get(MATCH_TARGETS);
  let target = targets.get(hostname);
  if (!target) {
    target = matchTarget(hostname);
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(hostname, target);
  }
  return target;
}

export interface PreparedQuery {
  lower: string;
  /** The non-empty parts between `.`, `-` and `_`. */
  parts: string[];
  letters: number;
  /** The pattern and VS Code's typo-tolerant variants of it (two neighbours swapped), for the fuzzy tier. */
  patterns: string[];
}

export function prepareQuery(typed: string): PreparedQuery {
  const lower = typed.toLowerCase();
  return {
    lower,
    parts: lower.split(/[.\-_]/).filter(Boolean),
    letters: letterMask(lower),
    patterns: [lower, ...typoPermutations(lower)],
  };
}

/** The match quality, or undefined when `target` does not match `query` at all. */
export function matchHostname(query: PreparedQuery, target: MatchTarget): MatchQuality | undefined {
  const { lower } = query;
  if (lower === '') return MatchQuality.Prefix;
  // Every tier needs each typed letter and digit somewhere in the hostname: most fail here at once.
  if ((query.letters & target.letters) !== query.letters) return undefined;
  if (target.lower.startsWith(lower)) return MatchQuality.Prefix;
  if (query.parts.length > 0 && partStarts(query.parts, target.parts)) return MatchQuality.PartStarts;
  if (target.lower.includes(lower)) return MatchQuality.Substring;
  if (fuzzy(query.patterns, target.lower)) return MatchQuality.Fuzzy;
  return undefined;
}

/** One bit per letter, one for any digit: a necessary condition for a match, cheap to test. */
function letterMask(text: string): number {
  let mask = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 97 && code <= 122) mask |= 1 << (code - 97);
    else if (code >= 48 && code <= 57) mask |= 1 << 26;
  }
  return mask;
}

/** Each typed part is a prefix of a hostname part, in order (parts may be skipped). Greedy is exact here. */
function partStarts(typed: string[], parts: string[]): boolean {
  let next = 0;
  for (const part of typed) {
    while (next < parts.length && !(parts[next] as string).startsWith(part)) next++;
    if (next === parts.length) return false;
    next++;
  }
  return true;
}

const SEPARATORS = new Set([
  '.',
  '-',
  '_',
  '/',
  '\\',
  ':',
  ' ',
  "'",
  '"',
  '$',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
]);

/**
 * VS Code's completion filter (`fuzzyScore` with a strong first match): a pattern's characters occur
 * in order, and the first one at the word start, just after a separator, or on a separator that
 * begins a run of them. A hostname has no upper case, so camel-case humps do not arise. The
 * patterns share their first character (typo variants swap later ones).
 */
function fuzzy(patterns: string[], word: string): boolean {
  const pattern = patterns[0];
  const first = pattern?.[0];
  if (pattern === undefined || first === undefined || pattern.length > word.length) return false;
  let start = word.indexOf(first);
  while (start >= 0 && !strongAt(word, start)) start = word.indexOf(first, start + 1);
  if (start < 0) return false;
  // The earliest strong start leaves the most room for the rest: one subsequence test per pattern.
  return patterns.some((candidate) => restFollows(candidate, word, start + 1));
}

/** The pattern's characters after the first occur in order in `word` from `from` on. */
function restFollows(pattern: string, word: string, from: number): boolean {
  let position = from;
  for (let index = 1; index < pattern.length; index++) {
    position = word.indexOf(pattern[index] as string, position);
    if (position < 0) return false;
    position++;
  }
  return true;
}

function strongAt(word: string, position: number): boolean {
  if (position === 0) return true;
  return SEPARATORS.has(word[position - 1] as string) || SEPARATORS.has(word[position] as string);
}

/**
 * The patterns VS Code also tries when `editor.suggest.filterGraceful` is on (the default): from the
 * second character on, one pair of neighbours swapped, within the first seven characters.
 */
function typoPermutations(pattern: string): string[] {
  if (pattern.length < 3) return [];
  const variants: string[] = [];
  const tries = Math.min(7, pattern.length - 1);
  for (let position = 1; position < tries; position++) {
    const swapped =
      pattern.slice(0, position) + pattern[position + 1] + pattern[position] + pattern.slice(position + 2);
    if (swapped !== pattern) variants.push(swapped);
  }
  return variants;
}
