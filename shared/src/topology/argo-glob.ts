/**
 * Argo CD's `directory.include`/`exclude` patterns (its glob package, built on gobwas/glob without
 * separators): `*` and `**` match any characters, `/` included; `?` one character; `[abc]`, `[a-z]`
 * and `[!abc]` a character of a class; `{a,b}` either pattern; `\` escapes. The whole path (relative
 * to the source's path) must match.
 */
export function argoGlob(pattern: string): (path: string) => boolean {
  let expression: RegExp;
  try {
    expression = new RegExp(`^${patternSource(pattern, { at: 0 }, false)}$`, 's');
  } catch {
    // Argo CD logs a pattern it cannot compile and matches nothing with it.
    return () => false;
  }
  return (path) => expression.test(path);
}

/** The regular expression for a pattern from `cursor.at`, up to the end (or, in braces, a `,` or `}`). */
function patternSource(pattern: string, cursor: { at: number }, inBraces: boolean): string {
  let source = '';
  while (cursor.at < pattern.length) {
    const char = pattern[cursor.at] as string;
    if (inBraces && (char === ',' || char === '}')) return source;
    cursor.at++;
    if (char === '*') {
      while (pattern[cursor.at] === '*') cursor.at++;
      source += '.*';
    } else if (char === '?') source += '.';
    else if (char === '\\' && cursor.at < pattern.length) source += escaped(pattern[cursor.at++] as string);
    else if (char === '[') source += characterClass(pattern, cursor);
    else if (char === '{') source += alternatives(pattern, cursor);
    else source += escaped(char);
  }
  if (inBraces) throw new SyntaxError('unclosed {');
  return source;
}

function alternatives(pattern: string, cursor: { at: number }): string {
  const options: string[] = [];
  for (;;) {
    options.push(patternSource(pattern, cursor, true));
    const char = pattern[cursor.at++];
    if (char === '}') return `(?:${options.join('|')})`;
    if (char !== ',') throw new SyntaxError('unclosed {');
  }
}

function characterClass(pattern: string, cursor: { at: number }): string {
  const end = pattern.indexOf(']', cursor.at + 1);
  if (end < 0) throw new SyntaxError('unclosed [');
  let body = pattern.slice(cursor.at, end);
  cursor.at = end + 1;
  const negated = body.startsWith('!');
  if (negated) body = body.slice(1);
  return `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, (char) => `\\${char}`)}]`;
}

function escaped(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
