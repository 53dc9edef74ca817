// The analysis core's public surface: the server and the CLI import this module and nothing else
// under shared/src (a test holds them to it). Pure: no file system, no editor, no LSP types.
export * from './analysis/analyse-workspace';
export * from './analysis/current-fixes';
export * from './analysis/fix-all';
export { Cancelled, type HostOptions, MeshLens, Snapshot, type WorkspaceChange } from './analysis/host';
export { offeredFixes, shardChecker } from './analysis/verify-fix';
export * from './checks/check';
export * from './checks/registry';
export * from './docs/links';
export * from './facts/mesh-labels';
export {
  type ClusterEntryRow,
  type ClusterProblem,
  type ClusterProblemFile,
  type ClusterProblemsRow,
  type ClusterRow,
  clusterRows,
  problemsByCluster,
} from './features/cluster-views';
export { type CodeLens, codeLenses } from './features/code-lens';
export { type CompletionList, completionListAt } from './features/completion';
export { type GlobalServiceRow, globalServiceRows } from './features/global-services';
export { type Hover, hoverAt } from './features/hover';
export * from './features/mesh-graph';
export { meshGraphToDot } from './features/mesh-graph-dot';
export { meshGraphSummary } from './features/mesh-graph-labels';
export { meshGraphToMermaid } from './features/mesh-graph-mermaid';
export { definitionAt, type Location, referencesAt } from './features/navigation';
export {
  type ClusterPlacements,
  type EntryPlacements,
  formatPlacements,
  placementsByCluster,
} from './features/placements-summary';
export { suppressionFixes } from './features/suppression-fixes';
export {
  type DocumentSymbol,
  documentSymbols,
  type WorkspaceSymbol,
  workspaceSymbols,
} from './features/symbols';
export { isKustomizationFile } from './kustomize/kustomization-file';
export * from './model/hostnames';
export { type PortableFacts, readPortableFacts } from './model/portable-facts';
export * from './model/types';
export * from './model/workspace';
export * from './protocol';
export * from './reach/reach-from';
export * from './text/findings';
export * from './text/findings-order';
export * from './text/source';
export { isRenderedOutput } from './topology/placement';
export { type RenderCommand, renderCommands } from './topology/render-commands';
export type { SeverityOverride } from './topology/topology-file';
export * from './topology/types';
export { isDataFile } from './yaml/parse-file';
