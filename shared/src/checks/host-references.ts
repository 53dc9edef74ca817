import { type HostResolution, resolveHost } from '../model/hostnames';
import type { ClusterReference, MeshModel } from '../model/types';

/** A reference with what its hostname resolves to, from the referring resource's cluster and namespace. */
export interface ResolvedReference {
  reference: ClusterReference;
  resolution: HostResolution;
}

// A ServiceEntry declares its hosts rather than referring to a service, so it is not checked here.
const REFERRING_ROLES = new Set([
  'backendRef',
  'parentRef',
  'destination',
  'mirror',
  'virtualServiceHost',
  'destinationRuleHost',
]);

const resolvedByModel = new WeakMap<MeshModel, ResolvedReference[]>();

/** Every hostname that refers to a service, resolved once per model (several checks read them). */
export function resolvedReferences(model: MeshModel): ResolvedReference[] {
  let resolved = resolvedByModel.get(model);
  if (!resolved) {
    resolved = resolveAll(model);
    resolvedByModel.set(model, resolved);
  }
  return resolved;
}

function resolveAll(model: MeshModel): ResolvedReference[] {
  return model.references
    .filter((reference) => REFERRING_ROLES.has(reference.role))
    .map((reference) => ({
      reference,
      resolution: resolveHost(model, reference.host.value, reference.cluster, reference.namespace),
    }));
}
