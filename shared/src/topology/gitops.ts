import type { Node } from 'yaml';
import type { KustomizeWorkspace } from '../kustomize';
import { nodeRange } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import type { Resource } from '../yaml/resource';
import { application, applicationSet, argoClusterSecrets } from './argo-cd';
import { fluxKustomization } from './flux';
import type {
  ControllerContext,
  GitOpsClaim,
  GitOpsNote,
  GitOpsTarget,
  PlacedController,
} from './gitops-context';
import type { TopologyDeclaration } from './topology-file';

export type { GitOpsClaim, GitOpsNote, GitOpsTarget, PlacedController } from './gitops-context';

/** The controller objects among a file's resources (Argo CD Applications and ApplicationSets, Flux Kustomizations). */
export function isController(resource: Resource): boolean {
  return (
    (resource.group === 'argoproj.io' &&
      (resource.kind === 'Application' || resource.kind === 'ApplicationSet')) ||
    (resource.group === 'kustomize.toolkit.fluxcd.io' && resource.kind === 'Kustomization') ||
    (resource.group === 'helm.toolkit.fluxcd.io' && resource.kind === 'HelmRelease')
  );
}

/** What every controller in the workspace deploys, and what it asks for that cannot be followed. */
export function gitOpsTargets(
  controllers: readonly PlacedController[],
  files: readonly ParsedFile[],
  topology: TopologyDeclaration | undefined,
  ws: KustomizeWorkspace,
): { targets: GitOpsTarget[]; notes: GitOpsNote[]; claims: GitOpsClaim[]; destinations: Set<string> } {
  const targets: GitOpsTarget[] = [];
  const destinations = new Set<string>();
  const notes: GitOpsNote[] = [];
  const claims: GitOpsClaim[] = [];
  const argoClusters = argoClusterSecrets(files, topology);
  const note = (resource: Resource, node: Node | undefined, feature: string) =>
    notes.push({
      file: resource.source.path,
      range: nodeRange(resource, node) ?? resource.name?.range ?? resource.range,
      feature,
    });
  for (const { resource, clusters } of controllers) {
    const context: ControllerContext = {
      resource,
      clusters,
      argoClusters,
      ws,
      note,
      targets,
      claims,
      destinations,
    };
    if (resource.kind === 'Application') application(context, resource.node, new Map());
    else if (resource.kind === 'ApplicationSet') applicationSet(context);
    else if (resource.kind === 'Kustomization') fluxKustomization(context);
    else
      note(
        resource,
        undefined,
        `Flux HelmRelease ${resource.name?.value ?? ''}: its chart is not rendered (place its \`helm template\` output instead)`,
      );
  }
  return { targets, notes, claims, destinations };
}
