import { lchownSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Root ignores file modes, so a test of what happens to an unreadable or unwritable file runs the
// CLI or the server as `nobody` when the tests run as root, and as the user itself otherwise.

const isRoot = process.getuid?.() === 0;

/** `nobody`'s uid and gid, from /etc/passwd. */
function nobody(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('no user nobody in /etc/passwd');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Spawn options that run a child without root's power over file modes. */
export function unprivileged(): { uid?: number; gid?: number } {
  return isRoot ? nobody() : {};
}

/** Gives every file and folder under `root` to the user `unprivileged` runs as. */
export function giveToUnprivileged(root: string): void {
  if (!isRoot) return;
  const { uid, gid } = nobody();
  const visit = (path: string): void => {
    lchownSync(path, uid, gid);
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
}
