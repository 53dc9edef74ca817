import {
  createWorkspace,
  getModel,
  type MeshModel,
  type Position,
  setFile,
  type Workspace,
} from '../../shared/src';
import { type FixtureFile, parseFixture } from '../../shared/src/util/inline-workspace';

export { type FixtureFile, parseFixture };

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
