import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CheckOptions,
  createWorkspace,
  type Finding,
  getModel,
  type MeshModel,
  runChecks,
  type Workspace,
} from '../../../shared/src';
import type { Settings } from './settings';

/** One workspace folder of the editor: its own mesh (a repository of manifests). */
export interface Folder {
  uri: string;
  root: string;
  workspace: Workspace;
  /** Files whose text comes from an open editor buffer rather than disk. */
  open: Set<string>;
  /** The last analysis, reused until the workspace changes (the model is rebuilt on change). */
  analysis?: { model: MeshModel; findings: Finding[]; severity: Settings['severity'] };
}

export function createFolder(uri: string, settings: Settings): Folder {
  return {
    uri,
    root: fileURLToPath(uri),
    workspace: createWorkspace(settings.topologyFile),
    open: new Set(),
  };
}

/** The workspace-relative path of a document URI in this folder, or undefined when it lies outside. */
export function pathIn(folder: Folder, uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  const path = relative(folder.root, fileURLToPath(uri));
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return undefined;
  return path.split(sep).join('/');
}

export function uriIn(folder: Folder, path: string): string {
  return pathToFileURL(join(folder.root, ...path.split('/'))).toString();
}

export function analyse(
  folder: Folder,
  severity: Settings['severity'],
  onCheckError: CheckOptions['onCheckError'],
): { model: MeshModel; findings: Finding[] } {
  const model = getModel(folder.workspace);
  if (folder.analysis?.model === model && folder.analysis.severity === severity) return folder.analysis;
  const findings = runChecks(model, { severityOverrides: severity, onCheckError });
  folder.analysis = { model, findings, severity };
  return folder.analysis;
}
