// The analysis core's public surface. Pure: no file system, no editor, no LSP types.
export * from './analysis/analyse-workspace';
export * from './checks/check';
export * from './checks/registry';
export * from './docs/links';
export * from './findings';
export * from './findings-order';
export * from './model/hostnames';
export * from './model/mesh-labels';
export * from './model/types';
export * from './model/workspace';
export * from './protocol';
export * from './reach/reach-from';
export * from './topology/types';
export * from './yaml/source';
