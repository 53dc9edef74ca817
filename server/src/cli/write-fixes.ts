import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { FixedFile } from '../../../shared/src/analysis/fix-all';
import { decodeManifest } from '../workspace-files';

/** Why a fixed file could not be written; the CLI reports it and exits 2 (SPEC §8: I/O error). */
export class WriteError extends Error {}

/** Writes every fixed file under `root`, each one atomically. */
export async function writeFixedFiles(root: string, files: readonly FixedFile[]): Promise<void> {
  for (const file of files) {
    const target = resolve(root, file.path);
    if (file.created) await createFile(target, file);
    else await replaceFile(target, file);
  }
}

async function replaceFile(target: string, file: FixedFile): Promise<void> {
  // Through a symbolic link, replace the file it points at, not the link.
  const real = await realpath(target).catch(() => {
    throw new WriteError(`cannot write ${file.path}: it no longer exists`);
  });
  const onDisk = decodeManifest(await readFile(real));
  if (!('text' in onDisk) || onDisk.text !== file.before) {
    throw new WriteError(`not writing ${file.path}: it changed on disk while mesh-lens was fixing it`);
  }
  await writeAtomically(real, file, (await stat(real)).mode);
}

async function createFile(target: string, file: FixedFile): Promise<void> {
  if (await stat(target).catch(() => undefined)) {
    throw new WriteError(`not creating ${file.path}: a file of that name exists`);
  }
  await mkdir(dirname(target), { recursive: true });
  await writeAtomically(target, file);
}

/**
 * A temporary file in the same directory, renamed over the target: a reader (or a crash) sees the
 * old text or the new one, never half of it. The rename stays on one file system.
 */
async function writeAtomically(target: string, file: FixedFile, mode?: number): Promise<void> {
  const temporary = join(dirname(target), `.${basename(target)}.mesh-lens-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temporary, file.after, { encoding: 'utf8', flag: 'wx' });
    if (mode !== undefined) await chmod(temporary, mode & 0o7777);
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new WriteError(`cannot write ${file.path}: ${code}`);
  }
}
