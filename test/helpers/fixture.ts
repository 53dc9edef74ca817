import {
  createWorkspace,
  getModel,
  type MeshModel,
  type Position,
  setFile,
  type Workspace,
} from '../../shared/src';

/** A file of an inline fixture, with the positions of its `$0` cursor markers (removed from the text). */
export interface FixtureFile {
  path: string;
  text: string;
  cursors: Position[];
}

/**
 * Parses an inline workspace: each file starts with a line `//- path/to/file.yaml`; `$0` marks a
 * cursor. Common indentation is removed so fixtures can be indented in the test source.
 */
export function parseFixture(fixture: string): FixtureFile[] {
  const lines = dedent(fixture).split('\n');
  const files: FixtureFile[] = [];
  let current: { path: string; lines: string[] } | undefined;
  const flush = () => {
    if (current) files.push(withCursors(current.path, current.lines.join('\n')));
  };
  for (const line of lines) {
    const header = /^\/\/- (\S+)\s*$/.exec(line);
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
  const common = Math.min(...indents);
  return lines.map((line) => line.slice(common)).join('\n');
}

export function workspaceFrom(
  fixture: string,
  topologyPath?: string,
): { workspace: Workspace; files: FixtureFile[] } {
  const files = parseFixture(fixture);
  const workspace = createWorkspace(topologyPath);
  for (const file of files) setFile(workspace, file.path, file.text);
  return { workspace, files };
}

export function modelFrom(fixture: string): MeshModel {
  return getModel(workspaceFrom(fixture).workspace);
}

export function cursorOf(files: FixtureFile[], path?: string): Position {
  const file = path
    ? files.find((candidate) => candidate.path === path)
    : files.find((candidate) => candidate.cursors.length);
  const cursor = file?.cursors[0];
  if (!cursor) throw new Error(`no $0 cursor in ${path ?? 'the fixture'}`);
  return cursor;
}
