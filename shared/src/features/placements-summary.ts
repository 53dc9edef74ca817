import type { PlacedFile } from '../model/placed-facts';
import type { MeshModel } from '../model/types';
import { compareStrings } from '../text/findings-order';
import type { Range } from '../text/source';

/** How one cluster gets its manifests (SPEC §9): by entry point, each with what it places. */
export interface ClusterPlacements {
  cluster: string;
  network: string;
  region?: string;
  zone?: string;
  segment?: string;
  entries: EntryPlacements[];
}

export type EntryKind =
  | 'topology'
  | 'kustomization'
  | 'argocd'
  | 'flux'
  | 'gitops'
  | 'convention'
  | 'modeline'
  | 'default';

export interface EntryPlacements {
  kind: EntryKind;
  /** What decided: the kustomization, the controller's file, the topology file; absent for `default`. */
  file?: string;
  range?: Range;
  /** The controller that deploys a kustomization, when one does (`argocd/apps.yaml`). */
  controller?: string;
  /** The files it places, in the workspace's order. */
  files: string[];
  /** Objects placed, by kind. */
  kinds: Record<string, number>;
}

/**
 * Every cluster and the entry points that place files in it: what `mesh-lens topology` prints and
 * the editor's Clusters view shows, so a user can see how Mesh Lens reads their repository.
 */
export function placementsByCluster(model: MeshModel): ClusterPlacements[] {
  const byCluster = new Map<string, Map<string, EntryPlacements>>();
  for (const file of model.files.values())
    for (const placement of file.placements) {
      // Files without objects (values files, CI configs, the topology file) place nothing.
      if (placement.resources.length === 0 && file.parsed.findings.length === 0) continue;
      let entries = byCluster.get(placement.cluster);
      if (!entries) {
        entries = new Map();
        byCluster.set(placement.cluster, entries);
      }
      const described = describeEntry(model, placement);
      const key = `${described.kind}\u0000${described.file ?? ''}\u0000${described.range?.start.line ?? ''}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = { ...described, files: [], kinds: {} };
        entries.set(key, entry);
      }
      entry.files.push(placement.file);
      for (const resource of placement.resources)
        entry.kinds[resource.kind] = (entry.kinds[resource.kind] ?? 0) + 1;
    }
  const names = [...new Set([...model.topology.clusters.keys(), ...byCluster.keys()])];
  return names.map((name) => {
    const cluster = model.topology.clusters.get(name);
    return {
      cluster: name,
      network: cluster?.network ?? name,
      ...(cluster?.region ? { region: cluster.region } : {}),
      ...(cluster?.zone ? { zone: cluster.zone } : {}),
      ...(cluster?.segment ? { segment: cluster.segment } : {}),
      entries: [...(byCluster.get(name)?.values() ?? [])].sort((a, b) =>
        compareStrings(a.file ?? '', b.file ?? ''),
      ),
    };
  });
}

function describeEntry(model: MeshModel, placement: PlacedFile): Omit<EntryPlacements, 'files' | 'kinds'> {
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
