import type { Document } from 'yaml';
import { includedFolders, renderKustomization } from '../kustomize';
import type { KustomizeWorkspace, RenderedObject, Rendering, RenderNote } from '../kustomize/types';
import type { Finding } from '../text/findings';
import { rangeAt } from '../text/source';
import type { ParsedFile } from '../yaml/parse-file';
import { type Placement, placeFile } from './placement';
import type { TopologyDeclaration } from './topology-file';
import type { Origin } from './types';

export const PLACEMENT_INCOMPLETE = 'MESH192';
export const UNPLACED_CLUSTER = 'MESH193';

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** Whether a path names a kustomization file (what `kustomize build` reads in a folder). */
export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_NAMES.has(path.slice(path.lastIndexOf('/') + 1));
}

/** Where every file of the workspace is applied (SPEC §9). */
export interface WorkspacePlacements {
  /** Each file's placements; a file that only kustomizations read (a kustomization, a patch) has none. */
  byFile: Map<string, Placement[]>;
  /** What could not be followed (MESH192). */
  findings: Finding[];
  /** The files kustomizations read: a change to one of them changes other files' placements. */
  kustomizeInputs: ReadonlySet<string>;
  /** Each entry kustomization and the clusters it places its rendering in. */
  entries: KustomizeEntry[];
}

export interface KustomizeEntry {
  kustomization: string;
  clusters: string[];
  rendering: Rendering;
}

/**
 * Places every file (SPEC §9): each kustomization that no other includes is an entry point, placed
 * like any file (topology paths, modeline, `clusters/<name>/`) or by the `overlays/<name>/`
 * convention; what it renders is placed in its clusters, and the files it reads get their
 * placements from renderings only. Every other file is placed on its own.
 */
export function placeWorkspace(
  files: readonly ParsedFile[],
  topology: TopologyDeclaration | undefined,
  /** Documents the caller still holds from parsing (model/workspace.ts): not parsed again. */
  parsedDocuments?: ReadonlyMap<ParsedFile, Document.Parsed[]>,
): WorkspacePlacements {
  const ws = workspaceOf(files, parsedDocuments);
  const kustomizations = files.filter(isKustomization).map((file) => file.source.path);
  const byFile = new Map<string, Placement[]>();
  if (kustomizations.length === 0) {
    for (const parsed of files) byFile.set(parsed.source.path, placeFile(parsed, topology));
    return { byFile, findings: [], kustomizeInputs: new Set(), entries: [] };
  }
  const included = includedFolders(kustomizations, ws);
  const entries = kustomizations
    .filter((path) => !included.has(folderOf(path)))
    .map((path) => entryOf(path, ws, topology));
  const read = new Set<string>();
  for (const entry of entries) for (const path of entry.rendering.reads) read.add(path);
  for (const path of kustomizations) read.add(path);
  for (const parsed of files) {
    const path = parsed.source.path;
    byFile.set(path, read.has(path) ? [] : placeFile(parsed, topology));
  }
  for (const entry of entries)
    for (const placement of entry.placements) byFile.get(placement.file)?.push(placement);
  return {
    byFile,
    findings: notesAsFindings(entries.flatMap((entry) => entry.rendering.notes)),
    kustomizeInputs: read,
    entries: entries.map(({ kustomization, clusters, rendering }) => ({
      kustomization,
      clusters,
      rendering,
    })),
  };
}

/** A kustomization file: named so, and not an object of its own (a Flux `Kustomization` is one). */
function isKustomization(parsed: ParsedFile): boolean {
  return isKustomizationFile(parsed.source.path) && parsed.resources.length === 0;
}

interface PlacedEntry extends KustomizeEntry {
  placements: Placement[];
}

function entryOf(
  kustomization: string,
  ws: KustomizeWorkspace,
  topology: TopologyDeclaration | undefined,
): PlacedEntry {
  const parsed = ws.file(kustomization) as ParsedFile;
  const rendering = renderKustomization(folderOf(kustomization), ws);
  const entryPlacements = entryClusters(parsed, topology);
  const entry: Origin = { file: kustomization, range: rangeAt(parsed.source, 0, 0) };
  const placements = entryPlacements.flatMap((placement) =>
    [...objectsByFile(rendering.objects)].map(
      ([file, rendered]): Placement => ({
        file,
        cluster: placement.cluster,
        via: 'kustomize',
        namespace: placement.namespace,
        entry,
        rendered,
      }),
    ),
  );
  return {
    kustomization,
    clusters: entryPlacements.map((placement) => placement.cluster),
    rendering,
    placements,
  };
}

/**
 * The clusters an entry kustomization is applied to: as any file is placed, and when that says
 * nothing (the implicit `default`), `overlays/<name>/` names the cluster if the topology file
 * declares it, or declares no clusters.
 */
function entryClusters(parsed: ParsedFile, topology: TopologyDeclaration | undefined): Placement[] {
  const placements = placeFile(parsed, topology);
  const [only] = placements;
  if (placements.length !== 1 || only?.via !== 'default') return placements;
  const name = /(?:^|\/)overlays\/([^/]+)\//.exec(parsed.source.path)?.[1];
  const declared = topology?.clusters ?? [];
  if (!name || (declared.length > 0 && !declared.some((cluster) => cluster.name.value === name)))
    return placements;
  return [{ ...only, cluster: name, via: 'convention' }];
}

/** The rendered objects grouped by the file they come from, in rendering order. */
function objectsByFile(objects: readonly RenderedObject[]): Map<string, RenderedObject[]> {
  const byFile = new Map<string, RenderedObject[]>();
  for (const object of objects) {
    const file = object.origin.source.path;
    const list = byFile.get(file);
    if (list) list.push(object);
    else byFile.set(file, [object]);
  }
  return byFile;
}

/** MESH192, once per note however many entry points read the same kustomization. */
function notesAsFindings(notes: readonly RenderNote[]): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const note of notes) {
    const key = `${note.file}\u0000${note.range.start.line}:${note.range.start.character}\u0000${note.feature}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      code: PLACEMENT_INCOMPLETE,
      severity: 'info',
      file: note.file,
      range: note.range,
      message: `Not rendered: ${note.feature}. What it would add or change is missing from Mesh Lens's model of the clusters this kustomization feeds; everything else it renders is analysed.`,
      related: [],
      fixes: [],
    });
  }
  return findings;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * The workspace as the renderer reads it: its parsed files by path and by folder, and their
 * documents, kept for every rendering of this placement: N overlays of one base read its documents
 * once instead of N times (at 10k files the document cache cannot hold them between renderings, so
 * each reading was a re-parse). The map goes with the placement, so the documents are not retained.
 */
function workspaceOf(
  files: readonly ParsedFile[],
  parsedDocuments?: ReadonlyMap<ParsedFile, Document.Parsed[]>,
): KustomizeWorkspace {
  const byPath = new Map<string, ParsedFile>();
  const documents = new Map<ParsedFile, Document.Parsed[]>(parsedDocuments);
  const byFolder = new Map<string, string[]>();
  const folders = new Set<string>();
  for (const file of files) {
    const path = file.source.path;
    byPath.set(path, file);
    const folder = folderOf(path);
    const list = byFolder.get(folder);
    if (list) list.push(path);
    else byFolder.set(folder, [path]);
    for (let at = folder; at !== '' && !folders.has(at); at = folderOf(at)) folders.add(at);
  }
  return {
    file: (path) => byPath.get(path),
    filesIn: (folder) => byFolder.get(folder) ?? [],
    hasFolder: (folder) => folder === '' || folders.has(folder),
    documents: (parsed) => {
      let list = documents.get(parsed);
      if (!list) {
        list = parsed.documents;
        documents.set(parsed, list);
      }
      return list;
    },
  };
}
