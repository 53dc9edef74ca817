import {
  createWorkspace,
  getModel,
  type MeshModel,
  type Position,
  type Range,
  setFile,
  type Workspace,
} from '../../shared/src';
import { type FixtureFile, parseFixture } from '../../shared/src/text/inline-workspace';
import { parseAnnotatedFixture } from './annotations';

export { type FixtureFile, parseFixture };

/**
 * The workspace of an inline fixture. Expected-finding annotations (helpers/annotations.ts) are
 * removed first, so an annotated fixture is analysed as the YAML it annotates.
 */
export function workspaceFrom(
  fixture: string,
  topologyPath?: string,
): { workspace: Workspace; files: FixtureFile[] } {
  const { files } = parseAnnotatedFixture(fixture);
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

/** A range as the wire carries it: the core's ranges are compact objects whose positions are getters. */
export function plainRange(range: Range | undefined): Range | undefined {
  return asJson(range);
}

/** A value as JSON carries it (ranges become plain objects), for comparing findings' parts. */
export function asJson<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** The range a file marks with a pair of `$0` cursors (`$0global$0`); `pair` counts the pairs. */
export function markedRange(files: FixtureFile[], path: string, pair = 0): Range {
  const cursors = files.find((file) => file.path === path)?.cursors ?? [];
  const [start, end] = cursors.slice(2 * pair, 2 * pair + 2);
  if (!start || !end) throw new Error(`no pair ${pair} of $0 cursors in ${path}`);
  return { start, end };
}
