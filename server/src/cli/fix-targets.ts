import { constants, type Stats } from 'node:fs';
import type * as fsPromises from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { FixedFile } from '../../../shared/src';
import { decodeManifest, isInside } from '../workspace-files';

/** The file-system calls a fix run makes; the tests hand in one that fails where they choose. */
export type Disk = Pick<
  typeof fsPromises,
  | 'access'
  | 'chmod'
  | 'chown'
  | 'lstat'
  | 'mkdir'
  | 'open'
  | 'readFile'
  | 'realpath'
  | 'rename'
  | 'rmdir'
  | 'stat'
  | 'unlink'
  | 'writeFile'
>;

/** A file as it was checked: it is written only while it still is that file. */
export interface CheckedFile {
  stats: Stats;
  /** Its bytes when checked: what a restore writes back. */
  bytes: Buffer;
  /**
   * Rewritten in place rather than replaced by a new file: a new file would split its hard links,
   * or could not be given its owner.
   */
  inPlace: boolean;
}

/** One file on disk that a fix run writes, whichever workspace paths name it. */
export interface WriteTarget {
  /** The workspace paths that name it: several when links lead to one file. */
  paths: string[];
  /** The first path, absolute, as the workspace names it. */
  full: string;
  /** Its real path when checked; for a file to create, its folder's real path and its name. */
  real: string;
  after: string;
  /** None for a file to create. */
  existing?: CheckedFile;
}

export interface WritePlan {
  targets: WriteTarget[];
  /** Why the run must not write at all; empty when every target passed. */
  problems: string[];
}

type Checked = { target: WriteTarget; key: string } | { problem: string };

/**
 * Checks every file of a fix run before any is written: each must still hold the text the fixes
 * started from, lie inside the workspace, and be writable. Paths naming one file (symbolic or hard
 * links) become one target; if the fixes changed those views differently, no text is right for the
 * file, and that is a problem too.
 */
export async function planWrites(root: string, files: readonly FixedFile[], disk: Disk): Promise<WritePlan> {
  const realRoot = await disk.realpath(root);
  const problems: string[] = [];
  const byFile = new Map<string, WriteTarget>();
  for (const file of files) {
    const checked = await checkFile(root, realRoot, file, disk).catch(
      (error: unknown): Checked => ({ problem: `cannot check ${file.path}: ${describeError(error)}` }),
    );
    if ('problem' in checked) {
      problems.push(checked.problem);
      continue;
    }
    const same = byFile.get(checked.key);
    if (!same) byFile.set(checked.key, checked.target);
    else if (same.after === file.after) same.paths.push(file.path);
    else
      problems.push(
        `not writing ${same.paths.join(', ')} and ${file.path}: they are one file on disk (linked), and the fixes changed them differently`,
      );
  }
  return { targets: [...byFile.values()], problems };
}

function checkFile(root: string, realRoot: string, file: FixedFile, disk: Disk): Promise<Checked> {
  const full = resolve(root, file.path);
  return file.created ? checkCreation(full, realRoot, file, disk) : checkExisting(full, realRoot, file, disk);
}

async function checkExisting(full: string, realRoot: string, file: FixedFile, disk: Disk): Promise<Checked> {
  const not = (why: string): Checked => ({ problem: `not writing ${file.path}: ${why}` });
  const real = await disk.realpath(full).catch(() => undefined);
  if (!real) return not('it no longer exists');
  if (!isInside(realRoot, real)) return not('it now leads outside the workspace');
  const stats = await disk.stat(real);
  if (!stats.isFile()) return not('it is no longer a regular file');
  const bytes = await disk.readFile(real);
  const onDisk = decodeManifest(bytes);
  if (!('text' in onDisk) || onDisk.text !== file.before) {
    return not('it changed on disk while mesh-lens was fixing it');
  }
  // The mode is the owner's word: even root, whom access() lets through, leaves such a file alone.
  if ((stats.mode & 0o222) === 0) return not(`it is read-only (mode ${formatMode(stats.mode)})`);
  const denied = await refusal(disk, real);
  if (denied) return not(`it is not writable (${denied})`);
  const inPlace = stats.nlink > 1 || !canGiveOwnership(stats);
  if (!inPlace) {
    // Replacing a file creates a new one beside it, which its folder must allow.
    const folderDenied = await refusal(disk, dirname(real));
    if (folderDenied) return not(`its folder is not writable (${folderDenied})`);
  }
  const target: WriteTarget = {
    paths: [file.path],
    full,
    real,
    after: file.after,
    existing: { stats, bytes, inPlace },
  };
  return { target, key: `${stats.dev}:${stats.ino}` };
}

async function checkCreation(full: string, realRoot: string, file: FixedFile, disk: Disk): Promise<Checked> {
  const not = (why: string): Checked => ({ problem: `not creating ${file.path}: ${why}` });
  if (await disk.lstat(full).catch(() => undefined)) return not('a file of that name exists');
  let existing = dirname(full);
  while (!(await disk.lstat(existing).catch(() => undefined))) existing = dirname(existing);
  const realFolder = await disk.realpath(existing);
  if (!isInside(realRoot, realFolder)) return not('its folder leads outside the workspace');
  if (!(await disk.stat(realFolder)).isDirectory()) return not(`${existing} is not a folder`);
  const denied = await refusal(disk, realFolder);
  if (denied) return not(`its folder is not writable (${denied})`);
  const real = join(realFolder, relative(existing, full));
  return { target: { paths: [file.path], full, real, after: file.after }, key: `new:${real}` };
}

/** Why the running user may not write `path`, if it may not. */
async function refusal(disk: Disk, path: string): Promise<string | undefined> {
  return disk.access(path, constants.W_OK).then(
    () => undefined,
    (error: unknown) => describeError(error),
  );
}

/** Whether a new file can be given this one's owner and group: root can, others only their own. */
function canGiveOwnership(stats: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0) return true;
  return (
    stats.uid === uid && (stats.gid === process.getgid?.() || !!process.getgroups?.().includes(stats.gid))
  );
}

function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** An error as a user reads it: the system's code for file-system errors, else the message. */
export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (error instanceof Error ? error.message : String(error));
}
