import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import {
  createWorkspace,
  DEFAULT_TOPOLOGY_FILE,
  setFile,
  setSkippedFile,
  type Workspace,
} from '../../../shared/src';
import { DEFAULT_MAX_FILE_BYTES, decodeManifest, readWorkspaceFiles } from '../workspace-files';

export class UsageError extends Error {}

export interface LoadedWorkspace {
  root: string;
  workspace: Workspace;
  fileCount: number;
}

/** Reads PATH (a folder, or one file) into a core Workspace; the topology file comes from `--topology` or the root. */
export async function loadWorkspace(
  target: string,
  topologyFlag: string | undefined,
  onProgress?: (count: number) => void,
): Promise<LoadedWorkspace> {
  const absolute = resolve(target);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new UsageError(`no such file or directory: ${target}`);
  const root = info.isDirectory() ? absolute : dirname(absolute);
  const topologyPath = topologyFlag ? relativePath(root, resolve(topologyFlag)) : DEFAULT_TOPOLOGY_FILE;
  const workspace = createWorkspace(topologyPath);

  if (info.isDirectory()) {
    const { files, skipped } = await readWorkspaceFiles(root, {
      maxFileBytes: DEFAULT_MAX_FILE_BYTES,
      onFile: onProgress,
    }).catch((error: NodeJS.ErrnoException) => {
      if (!error?.syscall) throw error;
      throw new UsageError(`cannot read ${target}: ${error.code ?? error.message}`);
    });
    for (const file of files) setFile(workspace, file.path, file.text);
    for (const file of skipped) setSkippedFile(workspace, file.path, file.reason);
  } else {
    await addFile(workspace, absolute, basename(absolute));
  }
  if (topologyFlag) await addTopologyFile(workspace, resolve(topologyFlag), topologyPath, topologyFlag);
  return { root, workspace, fileCount: workspace.files.size };
}

async function addTopologyFile(workspace: Workspace, absolute: string, path: string, shown: string) {
  if (workspace.files.has(path)) return;
  const bytes = await readFile(absolute).catch(() => {
    throw new UsageError(`cannot read the topology file ${shown}`);
  });
  const decoded = decodeManifest(bytes);
  if (!('text' in decoded)) throw new UsageError(`cannot read the topology file ${shown}: ${decoded.reason}`);
  setFile(workspace, path, decoded.text);
}

async function addFile(workspace: Workspace, absolute: string, path: string) {
  const bytes = await readFile(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${absolute}: ${error.code ?? error.message}`);
  });
  const decoded = decodeManifest(bytes);
  if ('text' in decoded) setFile(workspace, path, decoded.text);
  else setSkippedFile(workspace, path, decoded.reason);
}

function relativePath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}
