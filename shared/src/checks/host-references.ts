import type { HostReference } from '../facts/declarations';
import { replaceScalar } from '../fixes/yaml-edits';
import { type HostResolution, resolveHost } from '../model/hostnames';
import { perShard } from '../model/shards';
import type { ClusterReference, MeshIndex, Shard } from '../model/types';
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

/**
 * Every hostname of the shard that refers to a service, resolved in the mesh: once per shard and
 * mesh (several checks read them).
 */
export const resolvedReferences = perShard(resolveAll);

function resolveAll(shard: Shard, mesh: MeshIndex): ResolvedReference[] {
  return shard.references
    .filter((reference) => REFERRING_ROLES.has(reference.role))
    .map((reference) => ({
      reference,
      resolution: resolveHost(mesh, reference.host.value, reference.cluster, reference.namespace),
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
