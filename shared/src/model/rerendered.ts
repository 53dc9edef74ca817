import { folderOf, isKustomizationFile, type Rendering } from '../kustomize';
import { objectsByFile, rerenderFile } from '../kustomize/rerender';
import type { KustomizeWorkspace, RenderedObject } from '../kustomize/types';
import { isController } from '../topology/gitops';
import type { Placement } from '../topology/placement';
import type { ParsedFile } from '../yaml/parse-file';
import type { PlacedFile } from './placed-facts';
import type { ModelFile } from './types';

// An edit of a file that kustomizations read as a resource (a base's Service) changes only that
// file's rendered objects when the renderer can prove it (kustomize/rerender.ts): then the model is
// updated like any other edit, the file placed anew from the re-rendered objects, instead of being
// built again from every overlay rendered again.

/** The renderings after an edit of one of their resource files, and that file's placements in them. */
export interface Rerendered {
  path: string;
  renderings: ReadonlyMap<string, Rendering>;
  placements: Placement[];
}

/**
 * Re-renders the file `before` → `after` in every rendering that read it, and places it again where it
 * was placed; undefined when any rendering must be rendered whole, or when the file's placements
 * cannot be carried over one by one (it lost every object of a rendering, a GitOps controller's
 * options changed its objects, it also holds a controller).
 */
export function rerenderedPlacements(
  before: ParsedFile,
  after: ParsedFile,
  known: ModelFile,
  renderings: ReadonlyMap<string, Rendering>,
  files: ReadonlyMap<string, ModelFile>,
): Rerendered | undefined {
  const path = after.source.path;
  if (isKustomizationFile(path) || [before, after].some((parsed) => parsed.resources.some(isController)))
    return undefined;
  // Inline patches parsed once for both readings.
  const inlinePatches: KustomizeWorkspace['inlinePatches'] = new Map();
  const ws = workspaceView(files, after, inlinePatches);
  const old = workspaceView(files, before, inlinePatches);
  const next = new Map(renderings);
  const lists = new Map<RenderedObject[], RenderedObject[]>();
  for (const [folder, rendering] of renderings) {
    if (!rendering.reads.has(path)) continue;
    const rerendered = rerenderFile(rendering, folder, path, ws, old);
    if (!rerendered) return undefined;
    next.set(folder, rerendered);
    const was = objectsByFile(rendering).get(path);
    const now = objectsByFile(rerendered).get(path);
    if (!was || !now) return undefined;
    lists.set(was, now);
  }
  const placements: Placement[] = [];
  for (const placed of known.placements) {
    const rendered = placed.rendered && lists.get(placed.rendered);
    if (!rendered) return undefined;
    placements.push({ ...placementOf(placed), rendered });
  }
  return { path, renderings: next, placements };
}

/** A placed file's placement, without what was read from its objects. */
function placementOf(placed: PlacedFile): Placement {
  const { resources: _resources, declarations: _declarations, ...placement } = placed;
  return placement;
}

/**
 * The model's files as the renderer reads them, with one file's parse in place of the model's:
 * only files and folders that already exist are asked for (the kustomizations read are unchanged).
 */
function workspaceView(
  files: ReadonlyMap<string, ModelFile>,
  replaced: ParsedFile,
  inlinePatches: KustomizeWorkspace['inlinePatches'],
): KustomizeWorkspace {
  const path = replaced.source.path;
  let folders: Map<string, string[]> | undefined;
  const byFolder = () => {
    if (!folders) {
      folders = new Map();
      for (const file of files.keys()) {
        for (let at = folderOf(file); ; at = folderOf(at)) {
          if (!folders.has(at)) folders.set(at, []);
          if (at === '') break;
        }
        folders.get(folderOf(file))?.push(file);
      }
    }
    return folders;
  };
  return {
    file: (wanted) => (wanted === path ? replaced : files.get(wanted)?.parsed),
    filesIn: (folder) => byFolder().get(folder) ?? [],
    hasFolder: (folder) => folder === '' || byFolder().has(folder),
    inlinePatches,
  };
}
