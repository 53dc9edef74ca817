// The Kustomize renderer: what `kustomize build` outputs, with the source of every value (SPEC §9).
export { includedFolders, KUSTOMIZATION_NAMES, kustomizationFileIn } from './kustomization-file';
export { renderKustomization } from './render';
export type { KustomizeWorkspace, RenderedObject, Rendering, RenderNote } from './types';
