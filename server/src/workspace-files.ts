import { closeSync, type Dirent, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isDataFile } from '../../shared/src';

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
  /** Workspace-relative paths (files or folders) the user excluded; `isDirectory` for `.gitignore`'s `dir/` rules. */
  isExcluded?: (path: string, isDirectory: boolean) => boolean;
  /**
   * Called after each file is read, for progress reporting, with the count so far (1, 2, … N), the
   * length of the file's text (0 for a file skipped) and its workspace path.
   */
  onFile?: (count: number, textLength: number, path: string) => void;
  /**
   * Lets other work run between two slices of reading (the language server handles the messages it
   * has read: documents opened at start-up are taken in while the disk is read). Default: one turn
   * of the event loop.
   */
  pause?: () => Promise<void>;
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
const IGNORED_DIRECTORIES = new Set(['node_modules', '.git']);
/** How long the walk reads files before it lets other work run (a read blocks: see `readManifestNow`). */
const READ_SLICE_MS = 10;

export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** The files a scan reads: manifests, and the data files a kustomization's generators may name. */
function isReadPath(path: string): boolean {
  return isManifestPath(path) || isDataFile(path);
}

/**
 * Whether the scan would read this workspace-relative path: a YAML or generator data file, under no ignored folder,
 * and neither it nor a folder above it excluded. Change events and opened editors follow the same
 * rule, so a file the scan skips does not enter the model through them.
 */
export function isScannedPath(path: string, isExcluded?: (path: string) => boolean): boolean {
  if (!isReadPath(path)) return false;
  const segments = path.split('/');
  if (segments.slice(0, -1).some((segment) => IGNORED_DIRECTORIES.has(segment))) return false;
  if (!isExcluded) return true;
  return !segments.some((_, index) => isExcluded(segments.slice(0, index + 1).join('/')));
}

/** Where a symbolic link leads, by the rules of `readWorkspaceFiles`. */
type LinkTarget =
  | { kind: 'broken' | 'outside' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'directory' | 'file' | 'other'; real: string };

/** One entry of the result, in walk order: a file read, or a link skipped. */
type Outcome = { file: WorkspaceFile } | { skipped: SkippedFile } | { error: unknown };

/**
 * Reads every YAML file under `root`. Symbolic links are followed only while they stay inside the
 * workspace, and every directory is visited once, so a link loop or a link to `/` cannot run away.
 *
 * The result is in walk order (depth first, entries sorted by name), as if read one file at a time,
 * but the disk is asked concurrently: folder listings and link targets are fetched ahead of the walk
 * (each at most once, shared by the walk). Files are read as the walk meets them, synchronously (see
 * `readManifestNow`), in slices of READ_SLICE_MS between which other work runs. The walk itself only
 * decides, in order, which real folder is visited by which path, so the order and the choices are
 * those of a sequential walk. A file or folder that cannot be read is skipped with the reason, and the
 * rest is read: one locked folder (or a workspace of `/`) does not hide the others. Only the root
 * failing to list, or a bug, rejects.
 */
/** How many paths one real folder is read by, at most (links to it included). */
const MAX_PATHS_PER_FOLDER = 8;

export async function readWorkspaceFiles(
  root: string,
  options: ReadOptions,
): Promise<{ files: WorkspaceFile[]; skipped: SkippedFile[] }> {
  const realRoot = await realpath(root);

  // Shared by the look-ahead and the walk; a rejection is handled here and seen again by whoever awaits.
  const listings = new Map<string, Promise<Dirent[]>>();
  const listDirectory = (realDir: string): Promise<Dirent[]> => {
    let listing = listings.get(realDir);
    if (!listing) {
      listing = readdir(realDir, { withFileTypes: true }).then((entries) =>
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      );
      listing.catch(() => {});
      listings.set(realDir, listing);
    }
    return listing;
  };
  const links = new Map<string, Promise<LinkTarget>>();
  const followLink = (full: string): Promise<LinkTarget> => {
    let target = links.get(full);
    if (!target) {
      target = resolveLink(realRoot, full);
      target.catch(() => {});
      links.set(full, target);
    }
    return target;
  };

  // The look-ahead: every folder the walk may enter is listed as soon as its parent is, concurrently.
  // It only warms the caches above; should it miss a folder (one reached first by a path the user
  // excluded), the walk lists it itself. It stops with the walk.
  const looked = new Set<string>();
  let walked = false;
  const lookAhead = (dir: string, prefix: string, realDir: string): void => {
    if (walked || looked.has(realDir)) return;
    looked.add(realDir);
    // Failures are the walk's to report, should it meet them (`isExcluded` may throw too).
    listDirectory(realDir)
      .then((entries) => {
        for (const entry of entries) {
          const isDirectory = entry.isDirectory();
          if (!isDirectory && !entry.isSymbolicLink()) continue;
          if (isDirectory && IGNORED_DIRECTORIES.has(entry.name)) continue;
          const full = join(dir, entry.name);
          const path = prefix + entry.name;
          if (options.isExcluded?.(path, isDirectory)) continue;
          if (isDirectory) lookAhead(full, `${path}/`, join(realDir, entry.name));
          else
            followLink(full).then(
              (target) => {
                if (target.kind === 'directory') lookAhead(full, `${path}/`, target.real);
              },
              () => {},
            );
        }
      })
      .catch(() => {});
  };

  const outcomes: Outcome[] = [];
  let count = 0;
  let slice = performance.now();
  const readFile = (full: string, path: string): Outcome => {
    try {
      const result = readManifestNow(full, options.maxFileBytes);
      options.onFile?.(++count, 'text' in result ? result.text.length : 0, path);
      return 'text' in result
        ? { file: { path, text: result.text } }
        : { skipped: { path, reason: result.reason } };
    } catch (error) {
      return isFileSystemError(error)
        ? { skipped: { path, reason: unreadableReason('file', error) } }
        : { error };
    }
  };
  const addFile = async (full: string, path: string): Promise<void> => {
    outcomes.push(readFile(full, path));
    if (performance.now() - slice < READ_SLICE_MS) return;
    await (options.pause?.() ?? new Promise((resolve) => setImmediate(resolve)));
    slice = performance.now();
  };
  const skip = (path: string, reason: string) => outcomes.push({ skipped: { path, reason } });

  // The walk, in order. `realDir` is the folder's real path: the root's, a link's target, or a real
  // folder's parent's real path and its name.
  // A folder linked from another path is read by each path (SPEC §9: `clusters/c2 -> c1` applies the
  // same manifests to both clusters, and each path decides its placement), except a link back into
  // the folders being walked (a loop), and at most MAX_PATHS_PER_FOLDER times (a hostile tree of
  // links to one folder would otherwise multiply it).
  const visits = new Map<string, number>();
  const visit = async (
    dir: string,
    prefix: string,
    realDir: string,
    ancestors: ReadonlySet<string> = new Set(),
  ): Promise<void> => {
    if (ancestors.has(realDir)) return;
    const count = visits.get(realDir) ?? 0;
    if (count >= MAX_PATHS_PER_FOLDER) {
      skip(
        prefix.slice(0, -1),
        `a folder linked from more than ${MAX_PATHS_PER_FOLDER} paths: read by the first ${MAX_PATHS_PER_FOLDER}`,
      );
      return;
    }
    visits.set(realDir, count + 1);
    const inside = new Set(ancestors).add(realDir);
    lookAhead(dir, prefix, realDir);
    let entries: Dirent[];
    try {
      entries = await listDirectory(realDir);
    } catch (error) {
      // A folder that cannot be listed hides only its own files; the workspace's own folder hides all.
      if (prefix === '' || !isFileSystemError(error)) throw error;
      skip(prefix.slice(0, -1), unreadableReason('folder', error));
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const path = prefix + entry.name;
      if (options.isExcluded?.(path, entry.isDirectory())) continue;
      if (entry.isDirectory()) {
        if (!IGNORED_DIRECTORIES.has(entry.name))
          await visit(full, `${path}/`, join(realDir, entry.name), inside);
      } else if (entry.isSymbolicLink()) {
        const target = await followLink(full).catch((error: unknown): LinkTarget => {
          if (!isFileSystemError(error)) throw error;
          return { kind: 'unreadable', reason: unreadableReason('file', error) };
        });
        // Only YAML names are reported: a dangling `node` or `self` link is none of Mesh Lens's
        // business (it got a MESH195; found by the reliability tests).
        if (target.kind === 'broken') {
          if (isReadPath(path)) skip(path, 'a broken symbolic link');
        } else if (target.kind === 'outside') {
          if (isReadPath(path)) skip(path, 'a symbolic link to a file outside the workspace');
        } else if (target.kind === 'unreadable') {
          if (isReadPath(path)) skip(path, target.reason);
        } else if (target.kind === 'directory') await visit(full, `${path}/`, target.real, inside);
        else if (target.kind === 'file' && isReadPath(path)) await addFile(full, path);
      } else if (entry.isFile() && isReadPath(entry.name)) {
        await addFile(full, path);
      }
    }
  };

  try {
    await visit(root, '', realRoot);
  } catch (error) {
    outcomes.push({ error });
  }
  walked = true;
  const files: WorkspaceFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const outcome of outcomes) {
    if ('error' in outcome) throw outcome.error;
    if ('file' in outcome) files.push(outcome.file);
    else skipped.push(outcome.skipped);
  }
  return { files, skipped };
}

async function resolveLink(realRoot: string, full: string): Promise<LinkTarget> {
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    return { kind: 'broken' };
  }
  if (!isInside(realRoot, real)) return { kind: 'outside' };
  const info = await stat(real);
  return { kind: info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'other', real };
}

/** An error the file system reported about one path (it has a code such as EACCES), not a bug. */
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return typeof (error as NodeJS.ErrnoException)?.code === 'string' && 'syscall' in (error as object);
}

function unreadableReason(what: 'file' | 'folder', error: NodeJS.ErrnoException): string {
  const why = error.code === 'EACCES' || error.code === 'EPERM' ? 'permission denied' : error.code;
  return `the ${what} cannot be read (${why})`;
}

export function isInside(realRoot: string, target: string): boolean {
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

/**
 * One file's text, or why it is not analysed (too large, binary, not UTF-8). The size is that of the
 * open file (a link's target), checked before anything is read.
 */
export function readManifest(
  full: string,
  maxFileBytes: number,
): Promise<{ text: string } | { reason: string }> {
  return new Promise((resolve) => resolve(readManifestNow(full, maxFileBytes)));
}

/**
 * `readManifest`, synchronously. A scan reads thousands of small files: opening, measuring, reading
 * and closing each through the thread pool cost three times as much as doing it here (10,000
 * resources: about 400 against 110 ms; 16,000 files: 900 against 300 ms), and that was time the
 * thread waited idle. The walk reads in slices and lets other work run between them.
 */
export function readManifestNow(full: string, maxFileBytes: number): { text: string } | { reason: string } {
  const fd = openSync(full, 'r');
  try {
    const { size } = fstatSync(fd);
    const tooLarge = sizeLimitReason(size, maxFileBytes);
    return tooLarge ? { reason: tooLarge } : decodeManifest(readOpenFile(fd, size));
  } finally {
    closeSync(fd);
  }
}

/** The bytes of an open file of `size` bytes, read as `readFile` does (to that size, or to the end if sooner). */
function readOpenFile(fd: number, size: number): Uint8Array {
  // A size of 0 may be a file whose size is not known in advance: read it to its end.
  if (size === 0) return readFileSync(fd);
  const buffer = Buffer.allocUnsafe(size);
  let total = 0;
  while (total < size) {
    const bytesRead = readSync(fd, buffer, total, size - total, total);
    if (bytesRead === 0) return buffer.subarray(0, total);
    total += bytesRead;
  }
  return buffer;
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
