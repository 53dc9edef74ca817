import type { Finding } from '../findings';
import { readTopologyFile, type TopologyDeclaration } from '../topology/topology-file';
import { type ParsedFile, parseFile, SKIPPED_CONTENT } from '../yaml/parse-file';
import { createSourceFile } from '../yaml/source';
import { buildModel, type FileFacts } from './build-model';
import { extractDeclarations } from './extract-declarations';
import type { MeshModel } from './types';

export const DEFAULT_TOPOLOGY_FILE = 'mesh-topology.yaml';

interface FileEntry {
  text: string;
  facts: FileFacts;
}

/**
 * The workspace's files and the caches derived from them. The state is explicit (no hidden
 * globals) so the adapters own its lifetime: each file is parsed once per distinct text, and
 * the model is reassembled from cached per-file facts only when something changed.
 */
export interface Workspace {
  topologyPath: string;
  files: Map<string, FileEntry>;
  /** How many times a file's text was parsed: lets tests prove an unchanged file is not re-read. */
  stats: { parses: number; modelBuilds: number };
  model?: MeshModel;
  topology?: { parsed: ParsedFile; declaration: TopologyDeclaration };
}

export function createWorkspace(topologyPath = DEFAULT_TOPOLOGY_FILE): Workspace {
  return { topologyPath, files: new Map(), stats: { parses: 0, modelBuilds: 0 } };
}

/** Sets a file's text; re-parses only if the text differs. Returns whether anything changed. */
export function setFile(workspace: Workspace, path: string, text: string): boolean {
  const existing = workspace.files.get(path);
  if (existing?.text === text) return false;
  workspace.stats.parses++;
  const parsed = parseFile(path, text);
  workspace.files.set(path, { text, facts: { parsed, declarations: extractDeclarations(parsed) } });
  invalidate(workspace, path);
  return true;
}

/** Records a file that was not read (binary, too large, not UTF-8, …) so the reason is reported on it. */
export function setSkippedFile(workspace: Workspace, path: string, reason: string): void {
  const source = createSourceFile(path, '');
  const finding: Finding = {
    code: SKIPPED_CONTENT,
    severity: 'info',
    file: path,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    message: `Not analysed: ${reason}.`,
    related: [],
    fixes: [],
  };
  const parsed: ParsedFile = { source, documents: [], resources: [], findings: [finding], documentCount: 0 };
  workspace.files.set(path, {
    text: `\u0000skipped:${reason}`,
    facts: { parsed, declarations: extractDeclarations(parsed) },
  });
  invalidate(workspace, path);
}

export function deleteFile(workspace: Workspace, path: string): boolean {
  const deleted = workspace.files.delete(path);
  if (deleted) invalidate(workspace, path);
  return deleted;
}

export function setTopologyPath(workspace: Workspace, path: string): void {
  if (workspace.topologyPath === path) return;
  workspace.topologyPath = path;
  workspace.topology = undefined;
  workspace.model = undefined;
}

export function getModel(workspace: Workspace): MeshModel {
  if (!workspace.model) {
    workspace.stats.modelBuilds++;
    const facts = [...workspace.files.values()].map((entry) => entry.facts);
    workspace.model = buildModel(facts, topologyDeclaration(workspace));
  }
  return workspace.model;
}

function topologyDeclaration(workspace: Workspace): TopologyDeclaration | undefined {
  const entry = workspace.files.get(workspace.topologyPath);
  if (!entry) return undefined;
  if (workspace.topology?.parsed !== entry.facts.parsed) {
    workspace.topology = { parsed: entry.facts.parsed, declaration: readTopologyFile(entry.facts.parsed) };
  }
  return workspace.topology.declaration;
}

function invalidate(workspace: Workspace, path: string): void {
  workspace.model = undefined;
  if (path === workspace.topologyPath) workspace.topology = undefined;
}
