import type { Node } from 'yaml';
import { kustomizationFileIn } from '../kustomize';
import { type FieldSpec, METADATA_LABELS } from '../kustomize/field-specs';
import { getPath, locatedString } from '../yaml/nodes';
import type { ControllerOptions } from './controller-options';
import {
  addTarget,
  type ControllerContext,
  controllerName,
  emptyOptions,
  isEmpty,
  keyOf,
  namedAt,
  ownField,
  scalar,
  workspaceFolder,
  writtenAt,
} from './gitops-context';

// Flux (SPEC §9): a Kustomization deploys `spec.path` into the cluster it is itself placed in, with its
// options applied on top.

// A Flux Kustomization's fields that change what it applies and are not followed. The others either
// are followed (`path`, `targetNamespace`, `namePrefix`, `nameSuffix`, `commonMetadata`), cannot change
// what the mesh sees (`images`, `interval`, `prune`, `wait`, `dependsOn`, `healthChecks`, …), or decide
// where it applies (`kubeConfig`, below).
const FLUX_NOT_FOLLOWED = ['patches', 'patchesStrategicMerge', 'patchesJson6902', 'components'];

/**
 * A Flux Kustomization: its `path` in the clusters it is itself placed in. Flux writes
 * `targetNamespace`, `namePrefix` and `nameSuffix` into the path's kustomization (generated when
 * there is none) before building it, and sets `commonMetadata` on every object it applies.
 */
export function fluxKustomization(context: ControllerContext): void {
  const { resource, note } = context;
  const spec = getPath(resource, resource.node, ['spec']);
  const pathNode = getPath(resource, spec, ['path']);
  const path = locatedString(resource, pathNode);
  const sourceKind = scalar(getPath(resource, spec, ['sourceRef', 'kind']));
  if (
    sourceKind &&
    sourceKind !== 'GitRepository' &&
    sourceKind !== 'OCIRepository' &&
    sourceKind !== 'Bucket'
  )
    note(resource, getPath(resource, spec, ['sourceRef']), `a Flux source of kind ${sourceKind}`);
  if (!path) {
    note(resource, spec, 'a Flux Kustomization without `spec.path`');
    return;
  }
  const folder = workspaceFolder(context, pathNode as Node, path.value);
  if (folder === undefined) return;
  const kubeConfig = keyOf(resource, spec, 'kubeConfig');
  if (kubeConfig) {
    note(
      resource,
      kubeConfig,
      `${controllerName(resource)} \`kubeConfig\`: it applies to a remote cluster Mesh Lens cannot name (nothing of it is placed)`,
    );
    context.claims.push({ folder, recurse: true });
    return;
  }
  const options = fluxOptions(context, spec, folder);
  const namespace = locatedString(resource, getPath(resource, spec, ['targetNamespace']));
  for (const cluster of context.clusters)
    addTarget(context, { folder, cluster, namespace, recurse: true, options });
}

function fluxOptions(context: ControllerContext, spec: Node | undefined, folder: string): ControllerOptions {
  const { resource, note } = context;
  const options = emptyOptions(resource);
  for (const key of FLUX_NOT_FOLLOWED) {
    const value = getPath(resource, spec, [key]);
    if (value && !isEmpty(value))
      note(resource, keyOf(resource, spec, key), `${controllerName(resource)} \`${key}\``);
  }
  const postBuild = getPath(resource, spec, ['postBuild']);
  for (const key of ['substitute', 'substituteFrom']) {
    const value = getPath(resource, postBuild, [key]);
    if (value && !isEmpty(value))
      note(
        resource,
        keyOf(resource, postBuild, key),
        `${controllerName(resource)} \`postBuild.${key}\` (variables are not substituted)`,
      );
  }
  const targetNamespace = keyOf(resource, spec, 'targetNamespace');
  const namespace = getPath(resource, spec, ['targetNamespace']);
  if (targetNamespace && scalar(namespace))
    options.namespace = writtenAt(resource, namedAt('namespace', targetNamespace), namespace as Node);
  const kustomization = kustomizationFileIn(folder, context.ws);
  for (const key of ['namePrefix', 'nameSuffix'] as const) {
    const keyNode = keyOf(resource, spec, key);
    const value = getPath(resource, spec, [key]);
    if (!keyNode || !scalar(value)) continue;
    if (kustomization && ownField(context.ws, kustomization, key))
      note(
        resource,
        keyNode,
        `${controllerName(resource)} \`${key}\`, which replaces the kustomization's own (${kustomization})`,
      );
    else options[key] = writtenAt(resource, keyNode, value as Node);
  }
  const metadata = getPath(resource, spec, ['commonMetadata']);
  const labels = keyOf(resource, metadata, 'labels');
  if (labels)
    options.entries.push({
      written: writtenAt(resource, labels, getPath(resource, metadata, ['labels']) as Node),
      specs: [METADATA_LABELS],
    });
  const annotations = keyOf(resource, metadata, 'annotations');
  if (annotations)
    options.entries.push({
      written: writtenAt(resource, annotations, getPath(resource, metadata, ['annotations']) as Node),
      specs: [METADATA_ANNOTATIONS],
    });
  return options;
}

/** Flux's `commonMetadata.annotations` go to every object's metadata, nowhere else. */
const METADATA_ANNOTATIONS: FieldSpec = { path: ['metadata', 'annotations'], create: true };
