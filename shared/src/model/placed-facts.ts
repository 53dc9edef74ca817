import type { FileDeclarations } from '../facts/declarations';
import { extractDeclarationsOf } from '../facts/extract-declarations';
import type { Placement } from '../topology/placement';
import { type KeyedMemo, memoized } from '../util/keyed-memo';
import type { ParsedFile } from '../yaml/parse-file';
import { type Resource, renderedResource, withDefaultNamespace } from '../yaml/resource';

/** One placement of a file with the objects it places and what they declare (SPEC §9). */
export interface PlacedFile extends Placement {
  resources: readonly Resource[];
  declarations: FileDeclarations;
}

interface FileFactsLike {
  parsed: ParsedFile;
  declarations: FileDeclarations;
  /** Extra domains the string-value scan looks for (facts/hostname-tokens.ts); placements use the same. */
  valueDomains?: readonly string[];
}

// A file placed as written shares its declarations with the file (extracted once per text); a file
// placed with a default namespace, or rendered, gets its own, remembered per file text and namespace
// (rendered objects per rendering), so a rebuild of the model does not extract them again.
const withNamespaceByFacts = new WeakMap<FileDeclarations, KeyedMemo<FactsOfPlacement>>();
const NO_DOMAINS: readonly string[] = [];
// Keyed by the rendered objects (one list per file and rendering, shared by every placement of that
// rendering and kept by a rendering re-rendered for an edit of another file), then by what else the
// facts read: the placement's default namespace, whether its kustomizations mention the mesh, the domains.
const renderedFacts = new WeakMap<object, KeyedMemo<FactsOfPlacement>>();

type FactsOfPlacement = Omit<PlacedFile, keyof Placement>;

export function placedFile(fact: FileFactsLike, placement: Placement): PlacedFile {
  if (placement.rendered)
    return withFacts(placement, renderedPlacement(placement, fact.valueDomains ?? NO_DOMAINS));
  if (!placement.namespace || !fact.parsed.resources.some((resource) => !resource.namespace?.value))
    return withFacts(placement, { resources: fact.parsed.resources, declarations: fact.declarations });
  return withFacts(placement, namespacedPlacement(fact, placement));
}

/**
 * The placement with its facts, its fields in the same order as `{ ...placement, ...facts }`. Not
 * that spread: V8 gives the copy a spread makes a hidden class outside its tree of shapes, so every
 * placed file that adds fields to it got a hidden class and a descriptor list of its own (28,600
 * of them at 50,000 resources: 7.7 MB of a 165 MB heap). Copying into a fresh literal follows the
 * shared shapes, and keeps the fields in the same order.
 */
function withFacts(placement: Placement, facts: FactsOfPlacement): PlacedFile {
  return Object.assign({}, placement, facts);
}

function namespacedPlacement(fact: FileFactsLike, placement: Placement): Omit<PlacedFile, keyof Placement> {
  const namespace = placement.namespace as NonNullable<Placement['namespace']>;
  const key = `${namespaceKey(namespace)}\u0000${fact.valueDomains?.join(' ') ?? ''}`;
  return memoized(withNamespaceByFacts, fact.declarations, key, () => {
    const resources = fact.parsed.resources.map((resource) => withDefaultNamespace(resource, namespace));
    return { resources, declarations: extractDeclarationsOf(resources, true, fact.valueDomains) };
  });
}

function renderedPlacement(
  placement: Placement,
  domains: readonly string[],
): Omit<PlacedFile, keyof Placement> {
  const objects = placement.rendered ?? [];
  const meshText = placement.renderedFromMeshText ?? true;
  const key = `${namespaceKey(placement.namespace)}\u0000${meshText}\u0000${domains.join(' ')}`;
  return memoized(renderedFacts, objects, key, () => {
    const resources = objects.flatMap((object) => {
      const resource = renderedResource(object.origin, object.doc, object.node);
      if (!resource) return [];
      return [placement.namespace ? withDefaultNamespace(resource, placement.namespace) : resource];
    });
    return { resources, declarations: extractDeclarationsOf(resources, meshText, domains) };
  });
}

function namespaceKey(namespace: Placement['namespace']): string {
  if (!namespace) return '';
  const { start } = namespace.range;
  return `${namespace.value}\u0000${namespace.file}\u0000${start.line}:${start.character}`;
}
