import type { FileDeclarations } from '../facts/declarations';
import { extractDeclarationsOf } from '../facts/extract-declarations';
import type { RenderedObject } from '../kustomize/types';
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
  return memoized(renderedFacts, objects, key, () =>
    factsOfSameObjects(objects, key, () => {
      const resources = objects.flatMap((object) => {
        const resource = renderedResource(object.origin, object.doc, object.node);
        if (!resource) return [];
        return [placement.namespace ? withDefaultNamespace(resource, placement.namespace) : resource];
      });
      return { resources, declarations: extractDeclarationsOf(resources, meshText, domains) };
    }),
  );
}

// Overlays that apply a base as it is are handed the very objects of its re-rendering (kustomize/
// render.ts `accumulateIncluded`): each has its own list of them, but their facts are the same, as
// those of a plain file placed in several clusters are. Remembered by the first object's node, with
// the objects and the key they were read under; reading them once instead of in each of twenty
// overlays was a fifth of such an edit. Only for objects marked `sharedTree`: others are each their own.
const factsByFirstNode = new WeakMap<
  object,
  { objects: readonly RenderedObject[]; key: string; facts: FactsOfPlacement }[]
>();
/** How many lists of objects starting with one node are remembered (one per default namespace, mostly). */
const LISTS_PER_NODE = 4;

function factsOfSameObjects(
  objects: readonly RenderedObject[],
  key: string,
  read: () => FactsOfPlacement,
): FactsOfPlacement {
  const first = objects[0];
  if (!first?.sharedTree) return read();
  const known = factsByFirstNode.get(first.node) ?? [];
  const same = known.find((entry) => entry.key === key && sameObjects(entry.objects, objects));
  if (same) return same.facts;
  const facts = read();
  factsByFirstNode.set(first.node, [{ objects, key, facts }, ...known.slice(0, LISTS_PER_NODE - 1)]);
  return facts;
}

function sameObjects(a: readonly RenderedObject[], b: readonly RenderedObject[]): boolean {
  return (
    a.length === b.length &&
    a.every((object, index) => object.node === b[index]?.node && object.origin === b[index]?.origin)
  );
}

function namespaceKey(namespace: Placement['namespace']): string {
  if (!namespace) return '';
  const { start } = namespace.range;
  return `${namespace.value}\u0000${namespace.file}\u0000${start.line}:${start.character}`;
}
