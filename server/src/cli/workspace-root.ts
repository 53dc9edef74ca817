import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_TOPOLOGY_FILE } from '../../../shared/src';

export interface WorkspaceRoot {
  /** The folder analysed as one workspace. */
  root: string;
  /** The nearest folder at or above `root` with `.git`, whose `.gitignore` rules apply too. */
  repository: string | undefined;
}

/**
 * The workspace a path belongs to, looked up as eslint looks up its config: the nearest folder at or
 * above `start` holding the topology file, else the repository root (the nearest folder with `.git`),
 * else `start` itself. One service spans clusters and files, so a file is only checked next to the
 * rest of its mesh: a lone file's MESH101 needs the exported sibling in another cluster.
 */
export function findWorkspaceRoot(start: string): WorkspaceRoot {
  let withTopology: string | undefined;
  for (let folder = start; ; folder = dirname(folder)) {
    if (withTopology === undefined && existsSync(join(folder, DEFAULT_TOPOLOGY_FILE))) withTopology = folder;
    if (existsSync(join(folder, '.git'))) return { root: withTopology ?? folder, repository: folder };
    if (dirname(folder) === folder) return { root: withTopology ?? start, repository: undefined };
  }
}
