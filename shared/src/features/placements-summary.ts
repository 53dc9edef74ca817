import type { PlacedFile } from '../model/placed-facts';
import type { MeshModel } from '../model/types';
import { compareStrings } from '../text/findings-order';
import type { Range } from '../text/source';
import type { PlacementVia } from '../topology/placement';
import type { Cluster, Origin } from '../topology/types';

// How the workspace reaches each cluster (SPEC §6, §9), grouped once: cluster → entry points → files,
// each file with its objects counted by kind. `mesh-lens topology` (below) and the editor's Clusters
// view (cluster-views.ts) both read this grouping; each picks what it shows.

export type EntryKind =
  | 'topology'
  | 'kustomization'
  | 'argocd'
  | 'flux'
  | 'gitops'
  | 'convention'
  | 'modeline'
  | 'default';

/** What an entry point is, as `mesh-lens topology` names it. */
export interface EntryDescription {
  kind: EntryKind;
  /** What decided: the kustomization, the controller's file, the topology file, `clusters/<name>/`; absent for a modeline and `default`. */
  file?: string;
  /** The line that decided in `file`: a topology path entry, a controller object. */
  range?: Range;
  /** The controller that deploys a kustomization, when one does (`argocd/apps.yaml`). */
  controller?: string;
}

/** One file an entry point places in a cluster. */
export interface PlacedFileRow {
  path: string;
  /** The objects it places there, by kind. */
  kinds: Record<string, number>;
  /**
   * Whether it places anything: objects, or parse findings (a broken manifest still lands there).
   * Values files, CI configs and the topology file place nothing.
   */
  placesSomething: boolean;
}

/** One way files reach a cluster: a topology path entry, an overlay, a controller, `clusters/<name>/`, modelines, the default. */
export interface EntryPoint extends EntryDescription {
  via: PlacementVia;
  /** Where the entry is written (the path entry, the kustomization, the controller object), to open it. */
  origin?: Origin;
  /** The files it places in the cluster, once each, in the workspace's order. */
  files: PlacedFileRow[];
}

export interface ClusterEntryPoints {
  cluster: string;
  /** The topology's cluster; absent for a cluster that only placements name. */
  known?: Cluster;
  /** In the order they are first met in the workspace's files. */
  entries: EntryPoint[];
}

/**
 * Every cluster (the topology's, in its order, then any other a placement names) with the entry
 * points that place files in it. A topology path entry and a controller are told apart by their
 * line: two path entries of one cluster, or two Applications in one file, are two ways in.
 */
export function entryPointsByCluster(model: MeshModel): ClusterEntryPoints[] {
  const byCluster = new Map<string, Map<string, EntryPoint>>();
  for (const [path, file] of model.files)
    for (const placement of file.placements) {
      let entries = byCluster.get(placement.cluster);
      if (!entries) {
        entries = new Map();
        byCluster.set(placement.cluster, entries);
      }
      const described = describeEntry(model, placement);
      const key = `${placement.via}\u0000${described.file ?? ''}\u0000${described.range?.start.line ?? ''}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = { ...described, via: placement.via, origin: placement.entry, files: [] };
        entries.set(key, entry);
      }
      addFile(entry, path, placement, file.parsed.findings.length > 0);
    }
  const names = [...new Set([...model.topology.clusters.keys(), ...byCluster.keys()])];
  return names.map((cluster) => {
    const known = model.topology.clusters.get(cluster);
    return { cluster, ...(known ? { known } : {}), entries: [...(byCluster.get(cluster)?.values() ?? [])] };
  });
}

function addFile(entry: EntryPoint, path: string, placement: PlacedFile, hasFindings: boolean): void {
  let row = entry.files.find((file) => file.path === path);
  if (!row) {
    row = { path, kinds: {}, placesSomething: false };
    entry.files.push(row);
  }
  row.placesSomething ||= placement.resources.length > 0 || hasFindings;
  for (const resource of placement.resources) row.kinds[resource.kind] = (row.kinds[resource.kind] ?? 0) + 1;
}

function describeEntry(model: MeshModel, placement: PlacedFile): EntryDescription {
  const { entry, controller } = placement;
  switch (placement.via) {
    case 'kustomize':
      return {
        kind: 'kustomization',
        file: entry?.file,
        ...(controller ? { controller: controller.file } : {}),
      };
    case 'gitops':
      return {
        kind: controllerKind(model, controller?.file),
        file: controller?.file,
        range: controller?.range,
      };
    case 'topology':
      return { kind: 'topology', file: entry?.file, range: entry?.range };
    case 'convention':
      return { kind: 'convention', file: `clusters/${placement.cluster}/` };
    case 'modeline':
      return { kind: 'modeline' };
    default:
      return { kind: 'default' };
  }
}

/** `argocd` or `flux`, from the controller object's API group. */
function controllerKind(model: MeshModel, file: string | undefined): EntryKind {
  const resources = (file && model.files.get(file)?.parsed.resources) || [];
  if (resources.some((resource) => resource.group === 'argoproj.io')) return 'argocd';
  if (resources.some((resource) => resource.group.endsWith('fluxcd.io'))) return 'flux';
  return 'gitops';
}

/** How one cluster gets its manifests, as `mesh-lens topology` prints it (text or JSON). */
export interface ClusterPlacements {
  cluster: string;
  network: string;
  region?: string;
  zone?: string;
  segment?: string;
  entries: EntryPlacements[];
}

export interface EntryPlacements extends EntryDescription {
  /** The files it places that hold objects, in the workspace's order. */
  files: string[];
  /** Objects placed, by kind. */
  kinds: Record<string, number>;
}

/**
 * `mesh-lens topology`: every cluster with the entry points that place objects in it, entries by
 * file. Files that place nothing are left out, and so is a cluster that is not the topology's and
 * receives nothing.
 */
export function placementsByCluster(model: MeshModel): ClusterPlacements[] {
  return entryPointsByCluster(model).flatMap(({ cluster, known, entries }) => {
    const placing = entries.flatMap((entry) => {
      const files = entry.files.filter((file) => file.placesSomething);
      return files.length > 0 ? [placementsOf(entry, files)] : [];
    });
    if (!known && placing.length === 0) return [];
    return [
      {
        cluster,
        network: known?.network ?? cluster,
        ...(known?.region ? { region: known.region } : {}),
        ...(known?.zone ? { zone: known.zone } : {}),
        ...(known?.segment ? { segment: known.segment } : {}),
        entries: placing.sort((a, b) => compareStrings(a.file ?? '', b.file ?? '')),
      },
    ];
  });
}

function placementsOf(entry: EntryPoint, files: PlacedFileRow[]): EntryPlacements {
  const kinds: Record<string, number> = {};
  for (const file of files)
    for (const [kind, count] of Object.entries(file.kinds)) kinds[kind] = (kinds[kind] ?? 0) + count;
  const { kind, file, range, controller } = entry;
  return { kind, file, range, controller, files: files.map((row) => row.path), kinds };
}

/** The text `mesh-lens topology` prints: each cluster, its entry points, and what each places. */
export function formatPlacements(clusters: readonly ClusterPlacements[]): string {
  const lines: string[] = [];
  for (const cluster of clusters) {
    const where = [cluster.region, cluster.zone].filter(Boolean).join('/');
    const facts = [
      `network ${cluster.network}`,
      ...(where ? [where] : []),
      ...(cluster.segment ? [`segment ${cluster.segment}`] : []),
    ];
    lines.push(`${cluster.cluster} (${facts.join(', ')})`);
    if (cluster.entries.length === 0) lines.push('  (no manifest)');
    for (const entry of cluster.entries) {
      const label = entryLabel(entry);
      const kinds = Object.entries(entry.kinds)
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([kind, count]) => `${count} ${kind}`)
        .join(', ');
      lines.push(
        `  ${label}: ${entry.files.length} file${entry.files.length === 1 ? '' : 's'}${kinds ? ` · ${kinds}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function entryLabel(entry: EntryPlacements): string {
  const line = entry.range ? `:${entry.range.start.line + 1}` : '';
  switch (entry.kind) {
    case 'kustomization':
      return `kustomization ${entry.file}${entry.controller ? ` (deployed by ${entry.controller})` : ''}`;
    case 'argocd':
      return `Argo CD ${entry.file}${line}`;
    case 'flux':
      return `Flux ${entry.file}${line}`;
    case 'gitops':
      return `controller ${entry.file}${line}`;
    case 'topology':
      return `topology ${entry.file}${line}`;
    case 'convention':
      return `folder ${entry.file}`;
    case 'modeline':
      return 'modeline (# mesh-lens: cluster=…)';
    default:
      return 'no cluster named (implicit default)';
  }
}
