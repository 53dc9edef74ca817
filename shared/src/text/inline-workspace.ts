import type { Position } from './source';

/** A file of an inline fixture, with the positions of its `$0` cursor markers (removed from the text). */
export interface FixtureFile {
  path: string;
  text: string;
  cursors: Position[];
}

/**
 * Parses an inline workspace: each file starts with a line `//- path/to/file.yaml`; `$0` marks a
 * cursor. Each file's common indentation is removed so fixtures can be indented in the test source.
 */
export function parseFixture(fixture: string): FixtureFile[] {
  const lines = fixture.split('\n');
  const files: FixtureFile[] = [];
  let current: { path: string; lines: string[] } | undefined;
  const flush = () => {
    if (current) files.push(withCursors(current.path, dedent(current.lines.join('\n'))));
  };
  for (const line of lines) {
    const header = /^\s*\/\/- (\S+)\s*$/.exec(line);
    if (header?.[1]) {
      flush();
      current = { path: header[1], lines: [] };
    } else if (current) {
      current.lines.push(line);
    }
  }
  flush();
  return files;
}

function withCursors(path: string, raw: string): FixtureFile {
  const cursors: Position[] = [];
  const lines = raw.split('\n').map((line, lineNumber) => {
    let text = line;
    for (let index = text.indexOf('$0'); index >= 0; index = text.indexOf('$0')) {
      cursors.push({ line: lineNumber, character: index });
      text = text.slice(0, index) + text.slice(index + 2);
    }
    return text;
  });
  return { path, text: `${lines.join('\n').replace(/\n+$/, '')}\n`, cursors };
}

function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common)).join('\n');
}
