import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CheckOptions, MeshLens, type Snapshot } from '../../../shared/src';
import type { Settings } from './settings';
import { localPathOf } from './uris';

/** One workspace folder of the editor: its own mesh (a repository of manifests). */
export interface Folder {
  uri: string;
  root: string;
  /** The folder's analysis host: every change goes in there, every answer comes from its snapshot. */
  host: MeshLens;
  /** Files whose text comes from an open editor buffer rather than disk. */
  open: Set<string>;
  /**
   * How far the first scan has read the folder: until it is read completely, only the findings of
   * checks declared `fileLocal` are published for open documents, once the topology file is read.
   */
  scanned: 'nothing' | 'topology' | 'all';
  /** Open documents whose file-local findings are to be published (while `scanned` is 'topology'). */
  fileLocalDue: Set<string>;
  /** Files whose diagnostics may have changed since they were last published. */
  unpublished: Set<string> | 'all';
  /**
   * Pull diagnostics' result ids: `<epoch>.<stamp>`. A full analysis starts a new epoch; a file whose
   * findings may have changed gets a new stamp. A client that sends the current id gets "unchanged".
   */
  results: { epoch: number; counter: number; stamps: Map<string, number> };
}

/** The folder of a workspace folder URI, or undefined when the URI names no local directory. */
export function createFolder(
  uri: string,
  settings: Settings,
  onCheckError: CheckOptions['onCheckError'],
): Folder | undefined {
  const root = localPathOf(uri);
  if (root === undefined) return undefined;
  const folder: Folder = {
    uri,
    root,
    host: new MeshLens({
      topologyPath: settings.topologyFile,
      onCheckError,
      // Whichever read ran the checks (a publish, a pull, a code action), what changed is recorded.
      onAnalysed: (changedFiles) => recordAnalysis(folder, changedFiles),
    }),
    open: new Set(),
    scanned: 'nothing',
    fileLocalDue: new Set(),
    unpublished: 'all',
    results: { epoch: 0, counter: 0, stamps: new Map() },
  };
  return folder;
}

/** The workspace-relative path of a document URI in this folder, or undefined when it lies outside. */
export function pathIn(folder: Folder, uri: string): string | undefined {
  const local = localPathOf(uri);
  if (local === undefined) return undefined;
  const path = relative(folder.root, local);
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return undefined;
  return path.split(sep).join('/');
}

export function uriIn(folder: Folder, path: string): string {
  return pathToFileURL(join(folder.root, ...path.split('/'))).toString();
}

/** The folder's current snapshot under the current severity settings. */
export function currentSnapshot(folder: Folder, severity: Settings['severity']): Snapshot {
  return folder.host.applyChange({ severity });
}

/**
 * Each time the folder's checks run: the files whose findings changed since the last run are
 * published again and get new result ids.
 */
function recordAnalysis(folder: Folder, changedFiles: ReadonlySet<string> | 'all'): void {
  const { results } = folder;
  if (changedFiles === 'all') {
    folder.unpublished = 'all';
    results.epoch++;
    results.stamps.clear();
  } else {
    if (folder.unpublished !== 'all') for (const file of changedFiles) folder.unpublished.add(file);
    for (const file of changedFiles) results.stamps.set(file, ++results.counter);
  }
}

/** The result id of a file's diagnostics in the current snapshot (call once its checks have run). */
export function resultIdOf(folder: Folder, path: string): string {
  return `${folder.results.epoch}.${folder.results.stamps.get(path) ?? 0}`;
}

/** The files to publish diagnostics for, once: every file after a full analysis, else the changed ones. */
export function takeUnpublished(folder: Folder): Set<string> | 'all' {
  const files = folder.unpublished;
  folder.unpublished = new Set();
  return files;
}
