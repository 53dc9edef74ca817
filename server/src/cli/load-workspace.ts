import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { DEFAULT_TOPOLOGY_FILE, MeshLens, type Snapshot } from '../../../shared/src';
import { DEFAULT_MAX_FILE_BYTES, decodeManifest, readWorkspaceFiles } from '../workspace-files';

export class UsageError extends Error {}

export interface LoadedWorkspace {
  root: string;
  host: MeshLens;
  snapshot: Snapshot;
}

interface Read {
  set: [string, string][];
  skipped: [string, string][];
}

/** Reads PATH (a folder, or one file) into an analysis host; the topology file comes from `--topology` or the root. */
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
  const read: Read = { set: [], skipped: [] };

  if (info.isDirectory()) {
    const { files, skipped } = await readWorkspaceFiles(root, {
      maxFileBytes: DEFAULT_MAX_FILE_BYTES,
      onFile: onProgress,
    }).catch((error: NodeJS.ErrnoException) => {
      if (!error?.syscall) throw error;
      throw new UsageError(`cannot read ${target}: ${error.code ?? error.message}`);
    });
    for (const file of files) read.set.push([file.path, file.text]);
    for (const file of skipped) read.skipped.push([file.path, file.reason]);
  } else {
    await addFile(read, absolute, basename(absolute));
  }
  if (topologyFlag && !read.set.some(([path]) => path === topologyPath))
    await addTopologyFile(read, resolve(topologyFlag), topologyPath, topologyFlag);
  const host = new MeshLens({ topologyPath });
  const snapshot = host.applyChange(read);
  return { root, host, snapshot };
}

async function addTopologyFile(read: Read, absolute: string, path: string, shown: string) {
  const bytes = await readFile(absolute).catch(() => {
    throw new UsageError(`cannot read the topology file ${shown}`);
  });
  const decoded = decodeManifest(bytes);
  if (!('text' in decoded)) throw new UsageError(`cannot read the topology file ${shown}: ${decoded.reason}`);
  read.set.push([path, decoded.text]);
}

async function addFile(read: Read, absolute: string, path: string) {
  const bytes = await readFile(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${absolute}: ${error.code ?? error.message}`);
  });
  const decoded = decodeManifest(bytes);
  if ('text' in decoded) read.set.push([path, decoded.text]);
  else read.skipped.push([path, decoded.reason]);
}

function relativePath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}
