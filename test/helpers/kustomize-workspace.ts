import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { includedFolders, KUSTOMIZATION_NAMES } from '../../shared/src/kustomize/kustomization-file';
import type { KustomizeWorkspace } from '../../shared/src/kustomize/types';
import { type ParsedFile, parseFile } from '../../shared/src/yaml/parse-file';

/** Whether the core would read a file as YAML: `.yaml`, `.yml`, and kustomize's bare `Kustomization`. */
function isYaml(path: string): boolean {
  return /\.ya?ml$/.test(path) || path === 'Kustomization' || path.endsWith('/Kustomization');
}

/**
 * A `KustomizeWorkspace` over inline files (`{ 'base/kustomization.yaml': '…' }`), each YAML file
 * parsed once, on first read, as the core parses workspace files.
 */
export function kustomizeWorkspace(files: Record<string, string>): KustomizeWorkspace & {
  /** How many times each file was parsed: a rendering must not re-parse. */
  parses: Map<string, number>;
} {
  const parsed = new Map<string, ParsedFile>();
  const parses = new Map<string, number>();
  const paths = Object.keys(files);
  return {
    parses,
    file(path) {
      const text = files[path];
      if (text === undefined || !isYaml(path)) return undefined;
      let file = parsed.get(path);
      if (!file) {
        file = parseFile(path, text);
        parsed.set(path, file);
        parses.set(path, (parses.get(path) ?? 0) + 1);
      }
      return file;
    },
    text(path) {
      return isYaml(path) ? undefined : files[path];
    },
    filesIn(folder) {
      return paths.filter((path) => {
        const slash = path.lastIndexOf('/');
        return (slash < 0 ? '' : path.slice(0, slash)) === folder;
      });
    },
    hasFolder(folder) {
      return folder === '' ? paths.length > 0 : paths.some((path) => path.startsWith(`${folder}/`));
    },
  };
}

/** Every file under a fixture folder (generator sources included), by its path in the folder. */
export function fixtureFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path).split(sep).join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return files;
}

/** The folders of the kustomizations that no other includes: a case's entry points. */
export function entryFolders(files: Record<string, string>): string[] {
  const ws = kustomizeWorkspace(files);
  const kustomizations = Object.keys(files).filter((path) =>
    KUSTOMIZATION_NAMES.some((name) => path === name || path.endsWith(`/${name}`)),
  );
  const included = includedFolders(kustomizations, ws);
  return kustomizations
    .map((path) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''))
    .filter((folder) => !included.has(folder))
    .sort();
}
