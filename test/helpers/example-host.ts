import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MeshLens } from '../../shared/src';

/** Every YAML file under `root` (a bundled example), with its workspace path, in the CLI's walk order. */
export function filesUnder(root: string): [string, string][] {
  const files: [string, string][] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name))
        files.push([relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8')]);
    }
  };
  walk(root);
  return files;
}

/** A host holding every YAML file under `root` (a bundled example), as the CLI reads it. */
export function exampleHost(root: string): MeshLens {
  const host = new MeshLens();
  host.applyChange({ set: filesUnder(root) });
  return host;
}
