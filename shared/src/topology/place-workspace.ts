import type { Document } from 'yaml';
import {
  folderOf,
  includedFolders,
  isKustomizationFile,
  kustomizationFileIn,
  renderKustomization,
} from '../kustomize';
import { objectsByFile } from '../kustomize/rerender';
import type { KustomizeWorkspace, RenderedObject, Rendering, RenderNote } from '../kustomize/types';
import { type Finding, noFixes } from '../text/findings';
import { rangeAt } from '../text/source';
import { trimmedList } from '../util/settled';
import type { ParsedFile } from '../yaml/parse-file';
import { changesFile, changesObjects, objectsOfFile, withOptions } from './controller-options';
import {
  type GitOpsClaim,
  type GitOpsTarget,
  gitOpsTargets,
  isController,
  type PlacedController,
} from './gitops';
import { type Placement, placeFile, renderedOutputPath } from './placement';
import type { TopologyDeclaration } from './topology-file';
import type { Origin } from './types';

export const PLACEMENT_INCOMPLETE = 'MESH192';
export const UNPLACED_CLUSTER = 'MESH193';

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
  /** Every kustomization folder rendered (or reused) for this placement, by folder. */
  renderings?: ReadonlyMap<string, Rendering>;
  /**
   * The clusters GitOps controllers name as destinations: each is a cluster of the mesh even when
   * nothing it deploys could be followed (a Helm chart), so that `topology` shows it with its note.
   */
  destinations?: ReadonlySet<string>;
}

/**
 * The renderings of the previous placement and the files changed since (their texts only: no file
 * added or removed). A rendering that read none of them is what rendering again would give: an edit
 * in one overlay re-renders only that overlay, not every cluster (SPEC §9, "the editor follows
 * placements"), and a fix is tried without rendering the whole workspace again.
 */
export interface RenderingReuse {
  previous: ReadonlyMap<string, Rendering>;
  changed: ReadonlySet<string>;
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
  reuse?: RenderingReuse,
): WorkspacePlacements {
  const placed = placeFiles(files, topology, parsedDocuments, reuse);
  const unrendered = unrenderedClusters(files, topology);
  return unrendered.length === 0 ? placed : { ...placed, findings: [...placed.findings, ...unrendered] };
}

/**
 * MESH192 for each cluster whose `render` command has not run: nothing in a workspace is executed
 * unless the user allows it, so its manifests are missing until then.
 */
function unrenderedClusters(
  files: readonly ParsedFile[],
  topology: TopologyDeclaration | undefined,
): Finding[] {
  if (!topology) return [];
  const present = new Set(files.map((file) => file.source.path));
  return topology.clusters.flatMap((cluster) => {
    const { render } = cluster;
    if (!render || present.has(renderedOutputPath(cluster.name.value))) return [];
    return notesAsFindings([
      {
        file: topology.file,
        range: render.range,
        feature: `the render command of cluster ${cluster.name.value} (\`${render.value}\`), which runs only when allowed (\`mesh-lens check --allow-render\`, or \`meshLens.render.enable\` in a trusted editor workspace)`,
      },
    ]);
  });
}

function placeFiles(
  files: readonly ParsedFile[],
  topology: TopologyDeclaration | undefined,
  parsedDocuments?: ReadonlyMap<ParsedFile, Document.Parsed[]>,
  reuse?: RenderingReuse,
): WorkspacePlacements {
  const ws = workspaceOf(files, parsedDocuments);
  const kustomizations = files.filter(isKustomization).map((file) => file.source.path);
  const controllerFiles = files.filter((file) => file.resources.some(isController));
  if (kustomizations.length === 0 && controllerFiles.length === 0) {
    const byFile = new Map<string, Placement[]>();
    for (const parsed of files) byFile.set(parsed.source.path, ownPlacements(parsed, topology, ws));
    return { byFile, findings: [], kustomizeInputs: new Set(), entries: [] };
  }
  const renderings = new Map<string, Rendering>();
  const render = (folder: string) => {
    let rendering = renderings.get(folder);
    if (!rendering) {
      rendering = reusable(reuse, folder) ?? renderKustomization(folder, ws);
      renderings.set(folder, rendering);
    }
    return rendering;
  };
  const first = placeAll(files, topology, ws, kustomizations, [], render);
  if (controllerFiles.length === 0) return { ...first, renderings };
  // Controllers deploy into clusters, and a Flux Kustomization into the cluster it is itself placed
  // in: known from a placement without them, or with what other controllers deploy (a cluster's Flux
  // Kustomization deploying a tenant's), so placing is repeated until those clusters stay the same.
  let placed = first;
  let gitOps: ReturnType<typeof gitOpsTargets> = {
    targets: [],
    notes: [],
    claims: [],
    destinations: new Set(),
  };
  let known = '';
  for (let round = 0; round < MAX_CONTROLLER_ROUNDS; round++) {
    const controllers = controllersIn(controllerFiles, placed);
    const clusters = JSON.stringify(controllers.map((controller) => controller.clusters));
    if (clusters === known) break;
    known = clusters;
    gitOps = gitOpsTargets(controllers, files, topology, ws);
    placed = placeAll(files, topology, ws, kustomizations, gitOps.targets, render, gitOps.claims);
  }
  const inputs = new Set(placed.kustomizeInputs);
  for (const file of controllerFiles) inputs.add(file.source.path);
  return {
    ...placed,
    findings: [...placed.findings, ...notesAsFindings(gitOps.notes)],
    kustomizeInputs: inputs,
    renderings,
    destinations: gitOps.destinations,
  };
}

/** Controllers deploying controllers, deepest chain followed: a cluster's, a tenant's, an app's, and one more. */
const MAX_CONTROLLER_ROUNDS = 4;

/** Each controller object with the clusters its file is placed in. */
function controllersIn(
  controllerFiles: readonly ParsedFile[],
  placed: WorkspacePlacements,
): PlacedController[] {
  return controllerFiles.flatMap((file) => {
    const clusters = [
      ...new Set((placed.byFile.get(file.source.path) ?? []).map((placement) => placement.cluster)),
    ];
    return file.resources.filter(isController).map((resource) => ({ resource, clusters }));
  });
}

/**
 * A file's placements on its own (topology paths, modeline, `clusters/<name>/`, `default`). A Helm
 * chart's templates have none: the chart reads them, they are resources of no cluster (its rendered
 * output is, SPEC §9 Helm).
 */
function ownPlacements(
  parsed: ParsedFile,
  topology: TopologyDeclaration | undefined,
  ws: WorkspaceFiles,
  /** A controller deploys the file but Mesh Lens cannot say where: not the implicit `default` then. */
  claimed = false,
): Placement[] {
  if (ws.isChartTemplate(parsed.source.path)) return [];
  const placements = placeFile(parsed, topology);
  return claimed ? placements.filter((placement) => placement.via !== 'default') : placements;
}

/** The previous rendering of a folder, when none of the files it read has changed since. */
function reusable(reuse: RenderingReuse | undefined, folder: string): Rendering | undefined {
  const previous = reuse?.previous.get(folder);
  if (!previous || !reuse) return undefined;
  for (const path of previous.reads) if (reuse.changed.has(path)) return undefined;
  return previous;
}

/** Every file's placements, given what GitOps controllers deploy (SPEC §9, merged). */
function placeAll(
  files: readonly ParsedFile[],
  topology: TopologyDeclaration | undefined,
  ws: WorkspaceFiles,
  kustomizations: readonly string[],
  targets: readonly GitOpsTarget[],
  render: (folder: string) => Rendering,
  claims: readonly GitOpsClaim[] = [],
): WorkspacePlacements {
  const byFile = new Map<string, Placement[]>();
  const claimed = (path: string) =>
    claims.some((claim) =>
      claim.recurse ? isUnder(folderOf(path), claim.folder) : folderOf(path) === claim.folder,
    );
  const included = includedFolders([...kustomizations], ws);
  const deployed = targets.flatMap((target) => deployedBy(target, ws, kustomizations, render));
  // What a controller deploys is placed by it only: a kustomization it renders (its path's, or one in
  // a folder it reads recursively, as `flux bootstrap`'s `clusters/<name>` does) is no entry of its own.
  const byController = new Set(deployed.flatMap((entry) => (entry.rendering ? [entry.kustomization] : [])));
  const entries = kustomizations
    .filter((path) => !included.has(folderOf(path)) && !byController.has(path))
    .map((path) => entryOf(path, ws, topology, render));
  const read = new Set<string>();
  for (const entry of [...entries, ...deployed])
    for (const path of entry.rendering?.reads ?? []) read.add(path);
  for (const placement of deployed.flatMap((entry) => entry.placements)) read.add(placement.file);
  for (const path of kustomizations) read.add(path);
  for (const parsed of files) {
    const path = parsed.source.path;
    byFile.set(path, read.has(path) ? [] : ownPlacements(parsed, topology, ws, claimed(path)));
  }
  for (const entry of [...entries, ...deployed])
    for (const placement of entry.placements) byFile.get(placement.file)?.push(placement);
  for (const [path, placements] of byFile) byFile.set(path, trimmedList(appliedOnce(placements)));
  const renderedEntries = [...entries, ...deployed].filter(
    (entry): entry is PlacedEntry & { rendering: Rendering } => entry.rendering !== undefined,
  );
  return {
    byFile,
    findings: notesAsFindings(renderedEntries.flatMap((entry) => entry.rendering.notes)),
    kustomizeInputs: read,
    entries: renderedEntries.map(({ kustomization, clusters, rendering }) => ({
      kustomization,
      clusters,
      rendering,
    })),
  };
}

/**
 * One placement per cluster, default namespace and rendering: two entry points that apply the same
 * file the same way (two controllers with one path, a controller and a cluster folder's convention)
 * apply it once. The controller's placement is kept (it is what really applies it), else the first.
 * Copies that differ stay apart: MESH105 says which one the cluster ends up with.
 */
function appliedOnce(placements: Placement[]): Placement[] {
  if (placements.length < 2) return placements;
  const kept: Placement[] = [];
  const at = new Map<string, number>();
  for (const placement of placements) {
    const key = applyKey(placement);
    const index = at.get(key);
    if (index === undefined) {
      at.set(key, kept.length);
      kept.push(placement);
    } else if (placement.controller && !kept[index]?.controller) kept[index] = placement;
  }
  return kept;
}

// Rendered objects by identity: one rendering's objects, placed by two entry points, are the same.
const objectIds = new WeakMap<RenderedObject, number>();
let nextObjectId = 0;

function applyKey(placement: Placement): string {
  const objects = placement.rendered?.map((object) => {
    let id = objectIds.get(object);
    if (id === undefined) {
      id = nextObjectId++;
      objectIds.set(object, id);
    }
    return id;
  });
  return `${placement.cluster}\u0000${placement.namespace?.value ?? ''}\u0000${objects?.join(',') ?? 'as written'}`;
}

/**
 * What a controller deploys from its folder: what the folder's kustomization renders, else its YAML
 * files (and, recursively for Flux or `directory.recurse`, its subfolders', a subfolder with a
 * kustomization rendered as one), each placed in the controller's cluster, with what the controller
 * applies on top (its options). A chart's templates are no manifests (SPEC §9, Helm).
 */
function deployedBy(
  target: GitOpsTarget,
  ws: WorkspaceFiles,
  kustomizations: readonly string[],
  render: (folder: string) => Rendering,
): PlacedEntry[] {
  const own = kustomizationFileIn(target.folder, ws);
  if (own) return [renderedTarget(target, target.folder, own, render, ws)];
  const selected = (path: string) => target.selects?.(relativeTo(path, target.folder)) ?? true;
  const nested = target.recurse
    ? kustomizations.filter(
        (path) =>
          isUnder(folderOf(path), target.folder) &&
          !nestedInAnother(path, kustomizations, target.folder) &&
          selected(path),
      )
    : [];
  const nestedFolders = nested.map(folderOf);
  const files = (target.recurse ? filesUnder(ws, target.folder) : ws.filesIn(target.folder)).filter(
    (path) =>
      !isKustomizationFile(path) &&
      !nestedFolders.some((folder) => isUnder(folderOf(path), folder)) &&
      !ws.isChartTemplate(path) &&
      selected(path),
  );
  const plain: PlacedEntry = {
    kustomization: target.controller.file,
    clusters: [target.cluster],
    placements: files.map((file) => ({
      file,
      cluster: target.cluster,
      via: 'gitops',
      namespace: target.namespace,
      entry: target.controller,
      controller: target.controller,
      ...withControllerOptions(target, file, ws),
    })),
  };
  return [plain, ...nested.map((path) => renderedTarget(target, folderOf(path), path, render, ws))];
}

/** A plain file's objects with the controller's options applied, when it has any that change them. */
function withControllerOptions(
  target: GitOpsTarget,
  file: string,
  ws: WorkspaceFiles,
): Pick<Placement, 'rendered' | 'renderedFromMeshText'> {
  const parsed = ws.file(file);
  if (!parsed || !changesFile(target.options, parsed, target.namespace?.value)) return {};
  const objects = objectsOfFile(parsed, ws);
  if (!objects) return {};
  return {
    rendered: withOptions(objects, target.options),
    renderedFromMeshText: target.options.mentionsMesh,
  };
}

function relativeTo(path: string, folder: string): string {
  return folder === '' ? path : path.slice(folder.length + 1);
}

function renderedTarget(
  target: GitOpsTarget,
  folder: string,
  kustomization: string,
  render: (folder: string) => Rendering,
  ws: KustomizeWorkspace,
): PlacedEntry {
  const rendering = render(folder);
  const entry: Origin = {
    file: kustomization,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
  const { options } = target;
  const objects = changesObjects(options) ? withOptions(rendering.objects, options) : rendering.objects;
  const meshText = mentionsMesh(rendering, ws) || (changesObjects(options) && options.mentionsMesh);
  return {
    kustomization,
    clusters: [target.cluster],
    rendering,
    placements: [...(objects === rendering.objects ? objectsByFile(rendering) : groupedByFile(objects))].map(
      ([file, rendered]) => ({
        file,
        cluster: target.cluster,
        via: 'kustomize',
        namespace: target.namespace,
        entry,
        rendered,
        renderedFromMeshText: meshText,
        controller: target.controller,
      }),
    ),
  };
}

/** A kustomization under `root` that another kustomization under `root` holds in a parent folder. */
function nestedInAnother(path: string, kustomizations: readonly string[], root: string): boolean {
  const folder = folderOf(path);
  return kustomizations.some((other) => {
    const otherFolder = folderOf(other);
    return (
      other !== path && isUnder(otherFolder, root) && otherFolder !== folder && isUnder(folder, otherFolder)
    );
  });
}

function isUnder(folder: string, root: string): boolean {
  return root === '' || folder === root || folder.startsWith(`${root}/`);
}

function filesUnder(ws: WorkspaceFiles, folder: string): string[] {
  return ws.allPaths.filter((path) => isUnder(folderOf(path), folder));
}

/** A kustomization file: named so, and not an object of its own (a Flux `Kustomization` is one). */
function isKustomization(parsed: ParsedFile): boolean {
  return isKustomizationFile(parsed.source.path) && parsed.resources.length === 0;
}

interface PlacedEntry extends Omit<KustomizeEntry, 'rendering'> {
  rendering?: Rendering;
  placements: Placement[];
}

function entryOf(
  kustomization: string,
  ws: KustomizeWorkspace,
  topology: TopologyDeclaration | undefined,
  render: (folder: string) => Rendering,
): PlacedEntry {
  const parsed = ws.file(kustomization) as ParsedFile;
  const rendering = render(folderOf(kustomization));
  const entryPlacements = entryClusters(parsed, topology);
  const entry: Origin = { file: kustomization, range: rangeAt(parsed.source, 0, 0) };
  const placements = entryPlacements.flatMap((placement) =>
    [...objectsByFile(rendering)].map(
      ([file, rendered]): Placement => ({
        file,
        cluster: placement.cluster,
        via: 'kustomize',
        namespace: placement.namespace,
        entry,
        rendered,
        renderedFromMeshText: mentionsMesh(rendering, ws),
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

// Per rendering: computed once however many files and clusters it places.
const meshTextByRendering = new WeakMap<Rendering, boolean>();

/** Whether a kustomization or patch file the rendering read mentions the mesh (see `Placement.renderedFromMeshText`). */
function mentionsMesh(rendering: Rendering, ws: KustomizeWorkspace): boolean {
  let mentions = meshTextByRendering.get(rendering);
  if (mentions === undefined) {
    mentions = [...rendering.notResources].some((path) => {
      const text = ws.file(path)?.source.text ?? '';
      return text.includes('mesh') || text.includes('internal');
    });
    meshTextByRendering.set(rendering, mentions);
  }
  return mentions;
}

/** Rendered objects (a controller's options applied) grouped by the file they come from, in rendering order. */
function groupedByFile(objects: readonly RenderedObject[]): Map<string, RenderedObject[]> {
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
      message: `Not followed: ${note.feature}. What it would add or change is missing from Mesh Lens's model of the clusters it feeds; everything else is analysed.`,
      related: [],
      fixes: noFixes,
    });
  }
  return findings;
}

/** The workspace's files as placing them needs: the renderer's view, every path, and which are chart templates. */
interface WorkspaceFiles extends KustomizeWorkspace {
  allPaths: readonly string[];
  /** Whether a file is in the `templates/` folder of a Helm chart (a folder with a `Chart.yaml`). */
  isChartTemplate(path: string): boolean;
}

/**
 * The workspace as the renderer reads it: its parsed files by path and by folder, and their
 * documents (and the inline patches they write, parsed), kept for every rendering of this placement:
 * N overlays of one base read its documents once instead of N times (at 10k files the document cache cannot hold them between renderings, so
 * each reading was a re-parse). The map goes with the placement, so the documents are not retained.
 */
function workspaceOf(
  files: readonly ParsedFile[],
  parsedDocuments?: ReadonlyMap<ParsedFile, Document.Parsed[]>,
): WorkspaceFiles {
  const byPath = new Map<string, ParsedFile>();
  const documents = new Map<ParsedFile, Document.Parsed[]>(parsedDocuments);
  const byFolder = new Map<string, string[]>();
  const folders = new Set<string>();
  const charts: string[] = [];
  for (const file of files) {
    const path = file.source.path;
    byPath.set(path, file);
    const folder = folderOf(path);
    if (path === 'Chart.yaml' || path.endsWith('/Chart.yaml')) charts.push(folder);
    const list = byFolder.get(folder);
    if (list) list.push(path);
    else byFolder.set(folder, [path]);
    for (let at = folder; at !== '' && !folders.has(at); at = folderOf(at)) folders.add(at);
  }
  return {
    allPaths: [...byPath.keys()],
    file: (path) => byPath.get(path),
    filesIn: (folder) => byFolder.get(folder) ?? [],
    hasFolder: (folder) => folder === '' || folders.has(folder),
    isChartTemplate: (path) =>
      charts.some((chart) => path.startsWith(chart === '' ? 'templates/' : `${chart}/templates/`)),
    inlinePatches: new Map(),
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
