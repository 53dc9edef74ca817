import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FixedFile } from '../../../shared/src';
import { type CheckedFile, type Disk, describeError, planWrites, type WriteTarget } from './fix-targets';

/** What a fix run did to the disk, path by path (workspace paths). */
export interface WriteOutcome {
  /** Paths that hold their fixed text now: all of them, or after a failure those that could not be put back. */
  written: string[];
  /** Why the run stopped; empty when every file was written. */
  problems: string[];
  /** Paths written before the run failed, then put back as they were. */
  restored: string[];
  /** Paths never written. */
  unwritten: string[];
}

/** A file written, and how to put it back. */
interface Written {
  target: WriteTarget;
  undo: () => Promise<void>;
}

/**
 * Writes the files of a fix run as one transaction (SPEC §8 `--fix`): every file is checked
 * first and nothing is written unless all pass; then each is written, and should one write
 * fail, those already written are put back as they were. A fix may span files (a subset and the
 * Services it names): half of it on disk is worse than none.
 */
export async function writeFixedFiles(
  root: string,
  files: readonly FixedFile[],
  disk: Disk = fsPromises,
): Promise<WriteOutcome> {
  const plan = await planWrites(root, files, disk);
  if (plan.problems.length > 0) {
    return { written: [], problems: plan.problems, restored: [], unwritten: files.map((file) => file.path) };
  }
  const done: Written[] = [];
  for (const [index, target] of plan.targets.entries()) {
    try {
      done.push({ target, undo: await writeTarget(target, disk) });
    } catch (error) {
      const problem = `cannot write ${target.paths.join(', ')}: ${describeError(error)}`;
      const undone = await undoAll(done);
      return {
        written: undone.stuck,
        problems: [problem, ...undone.problems],
        restored: undone.restored,
        unwritten: plan.targets.slice(index).flatMap((rest) => rest.paths),
      };
    }
  }
  return { written: files.map((file) => file.path), problems: [], restored: [], unwritten: [] };
}

/** Writes one target; returns what puts it back. */
async function writeTarget(target: WriteTarget, disk: Disk): Promise<() => Promise<void>> {
  const { existing } = target;
  if (!existing) return createFile(target, disk);
  const after = Buffer.from(target.after, 'utf8');
  if (existing.inPlace) {
    await rewriteInPlace(target.real, existing.stats, after, disk);
    return () => rewriteInPlace(target.real, existing.stats, existing.bytes, disk, false);
  }
  await replaceFile(target.real, existing.stats, after, disk, () => confirmUnchanged(target, existing, disk));
  return () =>
    replaceFile(target.real, existing.stats, existing.bytes, disk, () => confirmPath(target, disk));
}

/**
 * A new file in the same folder, given the old one's owner, group and mode, renamed over it: a
 * reader (or a crash) sees the old text or the new one, never half of it.
 */
async function replaceFile(
  real: string,
  stats: Stats,
  bytes: Buffer,
  disk: Disk,
  beforeRename: () => Promise<void>,
): Promise<void> {
  const temporary = join(dirname(real), `.mesh-lens-${randomBytes(6).toString('hex')}.tmp`);
  await disk.writeFile(temporary, bytes, { flag: 'wx' });
  try {
    await disk.chown(temporary, stats.uid, stats.gid);
    // After chown, which clears set-user-ID and set-group-ID bits.
    await disk.chmod(temporary, stats.mode & 0o7777);
    await beforeRename();
    await disk.rename(temporary, real);
  } catch (error) {
    await disk.unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * The same file, truncated and written: every hard link sees the new text and the owner stays.
 * Not atomic against a crash, so used only where replacing would lose something. The open file is
 * compared with the one checked, so a path swapped meanwhile is not written through.
 */
async function rewriteInPlace(
  real: string,
  stats: Stats,
  bytes: Buffer,
  disk: Disk,
  confirm = true,
): Promise<void> {
  const handle = await disk.open(real, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    const now = await handle.stat();
    if (now.dev !== stats.dev || now.ino !== stats.ino) throw new Error('it was replaced meanwhile');
    if (confirm && (now.size !== stats.size || now.mtimeMs !== stats.mtimeMs)) {
      throw new Error('it changed on disk meanwhile');
    }
    await handle.truncate(0);
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
}

/** A file to create: missing folders are made, the name is never taken from a file that appeared meanwhile. */
async function createFile(target: WriteTarget, disk: Disk): Promise<() => Promise<void>> {
  const folder = dirname(target.full);
  const firstMade = await disk.mkdir(folder, { recursive: true });
  const made = firstMade ? foldersBetween(firstMade, folder) : [];
  const removeFolders = async () => {
    for (const path of [...made].reverse()) await disk.rmdir(path);
  };
  try {
    await confirmPath(target, disk);
    // `wx` fails on any existing name, a symbolic link included.
    await disk.writeFile(target.real, target.after, { flag: 'wx' });
  } catch (error) {
    await removeFolders().catch(() => undefined);
    throw error;
  }
  return async () => {
    await disk.unlink(target.real);
    await removeFolders();
  };
}

/** `top`, and each folder below it down to `bottom`. */
function foldersBetween(top: string, bottom: string): string[] {
  const folders: string[] = [];
  for (let path = bottom; path.length >= top.length; path = dirname(path)) folders.unshift(path);
  return folders;
}

/** The workspace path still leads where it led when checked: a link changed since is not followed. */
async function confirmPath(target: WriteTarget, disk: Disk): Promise<void> {
  const real = target.existing
    ? await disk.realpath(target.full)
    : join(await disk.realpath(dirname(target.full)), basename(target.full));
  if (real !== target.real) throw new Error(`it now leads to ${real}, not ${target.real}`);
}

async function confirmUnchanged(target: WriteTarget, existing: CheckedFile, disk: Disk): Promise<void> {
  await confirmPath(target, disk);
  const now = await disk.lstat(target.real);
  const { stats } = existing;
  if (
    now.dev !== stats.dev ||
    now.ino !== stats.ino ||
    now.size !== stats.size ||
    now.mtimeMs !== stats.mtimeMs
  ) {
    throw new Error('it changed on disk meanwhile');
  }
}

/** Puts back what was written, newest first; what cannot be put back is said so. */
async function undoAll(
  done: Written[],
): Promise<{ restored: string[]; stuck: string[]; problems: string[] }> {
  const restored: string[] = [];
  const stuck: string[] = [];
  const problems: string[] = [];
  for (const { target, undo } of [...done].reverse()) {
    try {
      await undo();
      restored.push(...target.paths);
    } catch (error) {
      stuck.push(...target.paths);
      problems.push(`cannot restore ${target.paths.join(', ')}: ${describeError(error)}`);
    }
  }
  return { restored: restored.reverse(), stuck: stuck.reverse(), problems };
}
