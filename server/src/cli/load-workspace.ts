import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_TOPOLOGY_FILE, MeshLens, renderCommands, type Snapshot } from '../../../shared/src';
import { dealToWorker, type ParseWorker } from '../parse-workers';
import { runRenderCommand } from '../render-command';
import { DEFAULT_MAX_FILE_BYTES, decodeManifest, readWorkspaceFiles } from '../workspace-files';
import { ignoreRules } from './ignore-rules';
import { findWorkspaceRoot } from './workspace-root';

export class UsageError extends Error {}

/**
 * Runs each cluster's `render` command in the workspace root (the user allowed it with
 * `--allow-render`) and adds its output at the path the core places in that cluster. The output is
 * analysed like a file and never written. A command that fails stops the run with its error: the
 * checks would otherwise miss that cluster's manifests without saying so.
 */
async function addRenderedOutputs(read: Read, root: string, topologyPath: string): Promise<void> {
  const topology = read.set.find(([path]) => path === topologyPath)?.[1];
  if (topology === undefined) return;
  for (const { cluster, command, output } of renderCommands(topologyPath, topology)) {
    const result = await runRenderCommand(command, root);
    if (result.error)
      throw new UsageError(`render command of cluster ${cluster} (${command}) failed: ${result.error}`);
    setText(read, output, result.stdout);
  }
}

export interface LoadedWorkspace {
  root: string;
  host: MeshLens;
  snapshot: Snapshot;
  /** The workspace-relative files the paths given name, whose findings are reported; every file when undefined. */
  selected: ReadonlySet<string> | undefined;
}

export interface LoadOptions {
  topology?: string;
  /** `--exclude` globs, relative to the workspace root. */
  exclude?: string[];
  /** The text read from standard input for the `-` path, and where it stands in the workspace. */
  stdin?: { text: string; filename: string };
  onProgress?: (count: number) => void;
  /** Run the topology file's `render` commands (`--allow-render`): nothing is executed otherwise. */
  allowRender?: boolean;
  /** A worker thread that parses part of the files (the host thread parses the rest). */
  parseWorker?: ParseWorker;
}

interface Read {
  set: [string, string][];
  skipped: [string, string][];
}

/** A path given on the command line: a file or folder on disk, a glob, or `-` (standard input). */
type Target =
  | { kind: 'path'; absolute: string; isDirectory: boolean }
  | { kind: 'glob'; glob: string }
  | { kind: 'stdin' };

/**
 * Reads the workspace the paths belong to (`findWorkspaceRoot`) into an analysis host, and which of
 * its files those paths name. The whole workspace is analysed whatever the paths, so a file's findings
 * are those of a whole-workspace run; the paths only choose which files are reported.
 */
export async function loadWorkspace(paths: string[], options: LoadOptions = {}): Promise<LoadedWorkspace> {
  const targets = await Promise.all((paths.length > 0 ? paths : ['.']).map(toTarget));
  const stdinPath = options.stdin ? resolve(options.stdin.filename) : undefined;
  const { root, repository } = findWorkspaceRoot(startOf(targets, stdinPath));
  for (const target of targets) {
    if (target.kind === 'path' && !isWithin(root, target.absolute))
      throw new UsageError(`${relative('.', target.absolute)} is outside the workspace ${root}`);
  }
  if (stdinPath && !isWithin(root, stdinPath))
    throw new UsageError(`--stdin-filename ${options.stdin?.filename} is outside the workspace ${root}`);

  const topologyPath = options.topology
    ? relativePath(root, resolve(options.topology))
    : DEFAULT_TOPOLOGY_FILE;
  const read: Read = { set: [], skipped: [] };
  const { files, skipped } = await readWorkspaceFiles(root, {
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    isExcluded: ignoreRules(root, repository, options.exclude ?? []),
    onFile: (count, textLength, path) => {
      options.onProgress?.(count);
      options.parseWorker?.noteRead(path, textLength);
    },
  }).catch((error: NodeJS.ErrnoException) => {
    if (!error?.syscall) throw error;
    throw new UsageError(`cannot read ${root}: ${error.code ?? error.message}`);
  });
  for (const file of files) read.set.push([file.path, file.text]);
  for (const file of skipped) read.skipped.push([file.path, file.reason]);
  // A file named on the command line is checked even if ignored, as eslint lints a file passed by name.
  for (const target of targets) {
    if (target.kind === 'path' && !target.isDirectory) await addFile(read, root, target.absolute);
  }
  if (options.stdin && stdinPath) setText(read, relativePath(root, stdinPath), options.stdin.text);
  if (options.topology && !read.set.some(([path]) => path === topologyPath))
    await addTopologyFile(read, resolve(options.topology), topologyPath, options.topology);

  if (options.allowRender) await addRenderedOutputs(read, root, topologyPath);

  const host = new MeshLens({ topologyPath });
  const snapshot = options.parseWorker
    ? await applyWithWorker(host, read, options.parseWorker, topologyPath)
    : host.applyChange(read);
  return { root, host, snapshot, selected: selection(root, targets, read, stdinPath) };
}

/**
 * The files given to the host in walk order, as `applyChange(read)` would, the worker reading from
 * the end while this thread parses from the start, until they meet (parse-workers.ts).
 */
async function applyWithWorker(host: MeshLens, read: Read, worker: ParseWorker, topologyPath: string) {
  const files = read.set.map(([path, text]) => ({ path, text }));
  const dealt = worker.read(
    dealToWorker(files, (path) => path === topologyPath),
    host.valueDomains(),
  );
  for (const [path, text] of read.set) {
    host.applyChange({ set: [[path, text, dealt.has(path) ? await dealt.factsOf(path) : undefined]] });
  }
  return host.applyChange({ skipped: read.skipped });
}

async function toTarget(path: string): Promise<Target> {
  if (path === '-') return { kind: 'stdin' };
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (info) return { kind: 'path', absolute, isDirectory: info.isDirectory() };
  if (picomatch.scan(path).isGlob) return { kind: 'glob', glob: path };
  throw new UsageError(`no such file or directory: ${path}`);
}

/** Where the root lookup starts: the first path on disk, else standard input's place, else a glob's base. */
function startOf(targets: Target[], stdinPath: string | undefined): string {
  const onDisk = targets.find((target) => target.kind === 'path');
  if (onDisk) return onDisk.isDirectory ? onDisk.absolute : dirname(onDisk.absolute);
  if (stdinPath) return dirname(stdinPath);
  const glob = targets.find((target) => target.kind === 'glob');
  return resolve(glob ? picomatch.scan(glob.glob).base || '.' : '.');
}

/** The files the targets name; undefined when one of them is the whole workspace. */
function selection(
  root: string,
  targets: Target[],
  read: Read,
  stdinPath: string | undefined,
): ReadonlySet<string> | undefined {
  if (targets.some((target) => target.kind === 'path' && target.absolute === root)) return undefined;
  const known = [...read.set, ...read.skipped].map(([path]) => path);
  const selected = new Set<string>();
  for (const target of targets) {
    if (target.kind === 'stdin') {
      if (stdinPath) selected.add(relativePath(root, stdinPath));
    } else if (target.kind === 'glob') {
      // Globs are written relative to the current folder, as the shell would have expanded them.
      const matches = picomatch(target.glob);
      for (const path of known)
        if (matches(relative('.', resolve(root, path)).split(sep).join('/'))) selected.add(path);
    } else {
      const inside = relativePath(root, target.absolute);
      for (const path of known) {
        if (target.isDirectory ? path.startsWith(`${inside}/`) : path === inside) selected.add(path);
      }
    }
  }
  return selected;
}

/**
 * Standard input's text for `path`: in place of the file read from disk, or where the walk would
 * have read it, so that the findings (their related locations' order too) are those of the file on
 * disk.
 */
function setText(read: Read, path: string, text: string) {
  read.skipped = read.skipped.filter(([known]) => known !== path);
  const existing = read.set.findIndex(([known]) => known === path);
  if (existing >= 0) {
    read.set[existing] = [path, text];
    return;
  }
  const after = read.set.findIndex(([known]) => walkOrder(path, known) < 0);
  read.set.splice(after < 0 ? read.set.length : after, 0, [path, text]);
}

/** The order `readWorkspaceFiles` walks in: depth first, each folder's entries sorted by name. */
function walkOrder(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

async function addTopologyFile(read: Read, absolute: string, path: string, shown: string) {
  const bytes = await readFile(absolute).catch(() => {
    throw new UsageError(`cannot read the topology file ${shown}`);
  });
  const decoded = decodeManifest(bytes);
  if (!('text' in decoded)) throw new UsageError(`cannot read the topology file ${shown}: ${decoded.reason}`);
  read.set.push([path, decoded.text]);
}

async function addFile(read: Read, root: string, absolute: string) {
  const path = relativePath(root, absolute);
  if (read.set.some(([known]) => known === path) || read.skipped.some(([known]) => known === path)) return;
  const bytes = await readFile(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${absolute}: ${error.code ?? error.message}`);
  });
  const decoded = decodeManifest(bytes);
  if ('text' in decoded) read.set.push([path, decoded.text]);
  else read.skipped.push([path, decoded.reason]);
}

function isWithin(root: string, absolute: string): boolean {
  return absolute === root || absolute.startsWith(root + sep);
}

function relativePath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}
