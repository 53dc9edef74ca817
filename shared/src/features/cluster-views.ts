import type { MeshModel } from '../model/types';
import type { Finding, Severity } from '../text/findings';
import { compareStrings } from '../text/findings-order';
import type { Range } from '../text/source';
import type { PlacementVia } from '../topology/placement';
import type { Cluster } from '../topology/types';
import { type EntryPoint, entryPointsByCluster } from './placements-summary';

// The editor's Clusters and Problems-by-cluster views (issue #19): the workspace seen cluster by
// cluster, from the model's placements (SPEC §6, §9), so a reader sees how each file reached its
// cluster and which cluster a problem hurts. Plain rows; the adapters turn paths into URIs.

/** A place to open: a topology path entry, an overlay's kustomization. */
export interface ViewOrigin {
  file: string;
  range: Range;
}

/** One way files reach a cluster: a topology path entry, an overlay, `clusters/<name>/`, modelines, the default. */
export interface ClusterEntryRow {
  via: PlacementVia;
  /** What a reader recognises: `mesh-topology.yaml:12`, `overlays/east/kustomization.yaml`, `clusters/east/`. */
  label: string;
  /** Where the entry is written, when it is written somewhere. */
  origin?: ViewOrigin;
  /** The files this entry places in the cluster, sorted. */
  files: string[];
}

export interface ClusterRow {
  name: string;
  /** How the workspace told us the cluster exists. */
  via: Cluster['via'];
  /** The topology file's entry for the cluster, when it has one. */
  origin?: ViewOrigin;
  entries: ClusterEntryRow[];
}

/**
 * Every cluster in topology order, its entry points (by label), and the files each places there,
 * sorted: the grouping `mesh-lens topology` prints (placements-summary.ts), files without objects
 * included, as a reader opening the view looks for every file.
 */
export function clusterRows(model: MeshModel): ClusterRow[] {
  return entryPointsByCluster(model).flatMap(({ cluster, known, entries }) =>
    known
      ? [
          {
            name: cluster,
            via: known.via,
            origin: known.declaredAt,
            entries: entries
              .map((entry) => ({
                via: entry.via,
                label: labelOf(cluster, entry),
                origin: entry.origin,
                files: entry.files.map((file) => file.path).sort(compareStrings),
              }))
              .sort((a, b) => compareStrings(a.label, b.label)),
          },
        ]
      : [],
  );
}

/** What a reader recognises: `mesh-topology.yaml:12`, `overlays/east/kustomization.yaml`, `argocd/apps.yaml:3`, `clusters/east/`. */
function labelOf(cluster: string, { via, origin }: EntryPoint): string {
  if ((via === 'topology' || via === 'gitops') && origin)
    return `${origin.file}:${origin.range.start.line + 1}`;
  if (via === 'kustomize' && origin) return origin.file;
  if (via === 'convention') return `clusters/${cluster}/`;
  if (via === 'modeline') return 'modeline (# mesh-lens: cluster=…)';
  return via;
}

/** One finding as a view lists it. */
export interface ClusterProblem {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
}

export interface ClusterProblemFile {
  file: string;
  problems: ClusterProblem[];
}

/** A cluster's problems by file; `cluster` undefined for files placed in no cluster (the topology file). */
export interface ClusterProblemsRow {
  cluster?: string;
  files: ClusterProblemFile[];
}

/**
 * The findings grouped by the clusters their file is placed in. A file placed in several clusters
 * (a base under three overlays) lists its findings under each, even one whose message is about one
 * of them: an edit there lands in them all, and reading the message to guess would break with its
 * wording. An entry kustomization's findings go to the clusters it places files in.
 */
export function problemsByCluster(model: MeshModel, findings: readonly Finding[]): ClusterProblemsRow[] {
  const byCluster = new Map<string | undefined, Map<string, ClusterProblem[]>>();
  const clustersOf = fileClusters(model);
  for (const finding of findings) {
    const clusters = clustersOf.get(finding.file) ?? [undefined];
    for (const cluster of clusters) {
      const files = byCluster.get(cluster) ?? new Map<string, ClusterProblem[]>();
      byCluster.set(cluster, files);
      const { code, severity, message, range } = finding;
      files.set(finding.file, [...(files.get(finding.file) ?? []), { code, severity, message, range }]);
    }
  }
  const order = [...model.topology.clusters.keys()];
  const rank = (cluster: string | undefined) =>
    cluster === undefined ? order.length : order.indexOf(cluster);
  return [...byCluster]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([cluster, files]) => ({
      cluster,
      files: [...files]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([file, problems]) => ({ file, problems })),
    }));
}

/** Each file's clusters: its placements', else (an entry kustomization) those of the files it places. */
function fileClusters(model: MeshModel): Map<string, string[]> {
  const clusters = new Map<string, Set<string>>();
  const add = (file: string, cluster: string) => {
    const set = clusters.get(file) ?? new Set<string>();
    clusters.set(file, set);
    set.add(cluster);
  };
  for (const [path, file] of model.files) {
    // The topology file lands in `default` when no cluster is named so: that is no cluster of the mesh.
    for (const placement of file.placements.filter((placed) => model.topology.clusters.has(placed.cluster))) {
      add(path, placement.cluster);
      if (placement.via === 'kustomize' && placement.entry) add(placement.entry.file, placement.cluster);
    }
  }
  return new Map([...clusters].map(([file, set]) => [file, [...set]]));
}
