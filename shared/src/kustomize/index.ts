// The Kustomize renderer: what `kustomize build` outputs, with the source of every value (SPEC §9).
export {
  includedFolders,
  isKustomizationFile,
  KUSTOMIZATION_NAMES,
  kustomizationFileIn,
} from './kustomization-file';
export { folderOf, resolvePath } from './paths';
export { renderKustomization } from './render';
export type { KustomizeWorkspace, RenderedObject, Rendering, RenderNote } from './types';
