// Paths inside a kustomization are relative to its folder; the workspace's are relative to its root,
// with forward slashes and no `.` or `..` segments. These helpers turn the one into the other.

/**
 * `entry` (as a kustomization writes it) resolved against `folder` and normalised, or undefined when
 * it leaves the workspace: an absolute path, or `..` climbing above the root. The workspace is all
 * the renderer can read, so such a path is reported rather than followed.
 */
export function resolvePath(folder: string, entry: string): string | undefined {
  if (entry.startsWith('/') || /^[A-Za-z]:[\\/]/.test(entry)) return undefined;
  const parts = folder === '' ? [] : folder.split('/');
  for (const part of entry.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** The folder holding a workspace path ('' for the root). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** A path in a folder ('' is the root). */
export function pathIn(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

// What kustomize fetches rather than reads: URLs of any scheme, scp-like git addresses, the hosts it
// knows without a scheme, and `?ref=` (a git ref, which only a remote has).
const REMOTE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|git@|git::|(?:github\.com|gitlab\.com|bitbucket\.org)\/)/;

/** Whether a `resources`/`components` entry names something outside the workspace (a git repository, a URL). */
export function isRemote(entry: string): boolean {
  return REMOTE.test(entry) || entry.includes('?ref=');
}
