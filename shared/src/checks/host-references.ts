import type { HostReference } from '../facts/declarations';
import { replaceScalar } from '../fixes/yaml-edits';
import { type HostResolution, resolveHost } from '../model/hostnames';
import type { ClusterReference, MeshModel } from '../model/types';
import type { TextEdit } from '../text/findings';

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
  'value',
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

/** The hostname as a message names it, with where it stands when it is inside a string value. */
export function writtenHost(reference: HostReference): string {
  return reference.where ? `\`${reference.host.value}\` ${reference.where}` : `\`${reference.host.value}\``;
}

/**
 * Writes `hostname` in place of the referenced one. Inside a string value only the hostname's own
 * characters go (the rest of a URL or a properties line stays); a hostname is plain text in any
 * quoting or block style, so it needs no escaping there.
 */
export function replaceHost(reference: HostReference, hostname: string): TextEdit {
  if (reference.role === 'value') return { range: reference.host.range, newText: hostname };
  return replaceScalar(reference.resource, reference.host.range, hostname);
}
