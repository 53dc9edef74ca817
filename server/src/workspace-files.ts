import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface WorkspaceFile {
  /** Relative to the workspace root, with forward slashes. */
  path: string;
  text: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ReadOptions {
  maxFileBytes: number;
  /** Workspace-relative paths (files or folders) the user excluded. */
  isExcluded?: (path: string) => boolean;
  /** Called after each file, for progress reporting. */
  onFile?: (count: number) => void;
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
const IGNORED_DIRECTORIES = new Set(['node_modules', '.git']);

export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Reads every YAML file under `root`. Symbolic links are followed only while they stay inside the
 * workspace, and every directory is visited once, so a link loop or a link to `/` cannot run away.
 */
export async function readWorkspaceFiles(
  root: string,
  options: ReadOptions,
): Promise<{ files: WorkspaceFile[]; skipped: SkippedFile[] }> {
  const realRoot = await realpath(root);
  const files: WorkspaceFile[] = [];
  const skipped: SkippedFile[] = [];
  const visited = new Set<string>();

  const visit = async (dir: string): Promise<void> => {
    const realDir = await realpath(dir);
    if (visited.has(realDir)) return;
    visited.add(realDir);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const path = relative(root, full).split(sep).join('/');
      if (options.isExcluded?.(path)) continue;
      if (entry.isDirectory()) {
        if (!IGNORED_DIRECTORIES.has(entry.name)) await visit(full);
      } else if (entry.isSymbolicLink()) {
        await visitLink(full, path);
      } else if (entry.isFile() && isManifestPath(entry.name)) {
        await addFile(full, path);
      }
    }
  };

  const visitLink = async (full: string, path: string): Promise<void> => {
    let target: string;
    try {
      target = await realpath(full);
    } catch {
      // Only YAML names are reported, as for links that leave the workspace: a dangling `node` or
      // `self` link is none of Mesh Lens's business (it got a MESH195; found by the reliability tests).
      if (isManifestPath(path)) skipped.push({ path, reason: 'a broken symbolic link' });
      return;
    }
    if (!isInside(realRoot, target)) {
      if (isManifestPath(path))
        skipped.push({ path, reason: 'a symbolic link to a file outside the workspace' });
      return;
    }
    const info = await stat(target);
    if (info.isDirectory()) await visit(full);
    else if (info.isFile() && isManifestPath(path)) await addFile(full, path);
  };

  const addFile = async (full: string, path: string): Promise<void> => {
    const result = await readManifest(full, options.maxFileBytes);
    if ('text' in result) files.push({ path, text: result.text });
    else skipped.push({ path, reason: result.reason });
    options.onFile?.(files.length + skipped.length);
  };

  await visit(root);
  return { files, skipped };
}

function isInside(realRoot: string, target: string): boolean {
  return target === realRoot || target.startsWith(realRoot + sep);
}

/**
 * One file of the workspace by its workspace-relative path, by the rules of `readWorkspaceFiles`:
 * a symbolic link (of the file or of a folder above it) that leads out of the workspace is not
 * followed. Reading a changed or closed file by its path alone followed such a link (found by the
 * reliability tests).
 */
export async function readWorkspaceFile(
  root: string,
  path: string,
  maxFileBytes: number,
): Promise<{ text: string } | { reason: string }> {
  const full = join(root, ...path.split('/'));
  const [realRoot, target] = await Promise.all([realpath(root), realpath(full)]);
  if (!isInside(realRoot, target)) return { reason: 'a symbolic link to a file outside the workspace' };
  return readManifest(full, maxFileBytes);
}

/** One file's text, or why it is not analysed (too large, binary, not UTF-8). */
export async function readManifest(
  full: string,
  maxFileBytes: number,
): Promise<{ text: string } | { reason: string }> {
  const info = await lstat(full).then((link) => (link.isSymbolicLink() ? stat(full) : link));
  const tooLarge = sizeLimitReason(info.size, maxFileBytes);
  if (tooLarge) return { reason: tooLarge };
  const bytes = await readFile(full);
  return decodeManifest(bytes);
}

/** Why a file (or an open buffer) of `bytes` is not analysed, if it is over the limit. */
export function sizeLimitReason(bytes: number, maxFileBytes: number): string | undefined {
  return bytes > maxFileBytes
    ? `the file is ${formatBytes(bytes)}, over the ${formatBytes(maxFileBytes)} limit`
    : undefined;
}

export function decodeManifest(bytes: Uint8Array): { text: string } | { reason: string } {
  if (bytes.subarray(0, 8192).includes(0)) return { reason: 'the file is binary (it contains NUL bytes)' };
  try {
    // `ignoreBOM: true` keeps a BOM in the text, so fixes write it back unchanged.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { reason: 'the file is not valid UTF-8 text' };
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
