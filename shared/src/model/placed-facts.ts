import type { FileDeclarations } from '../facts/declarations';
import { extractDeclarationsOf } from '../facts/extract-declarations';
import type { Placement } from '../topology/placement';
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
const withNamespaceByFacts = new WeakMap<FileDeclarations, Map<string, Omit<PlacedFile, keyof Placement>>>();
const NO_DOMAINS: readonly string[] = [];
const renderedFacts = new WeakMap<
  object,
  Omit<PlacedFile, keyof Placement> & { domains: readonly string[] }
>();

export function placedFile(fact: FileFactsLike, placement: Placement): PlacedFile {
  if (placement.rendered)
    return { ...placement, ...renderedPlacement(placement, fact.valueDomains ?? NO_DOMAINS) };
  if (!placement.namespace || !fact.parsed.resources.some((resource) => !resource.namespace?.value))
    return { ...placement, resources: fact.parsed.resources, declarations: fact.declarations };
  return { ...placement, ...namespacedPlacement(fact, placement) };
}

function namespacedPlacement(fact: FileFactsLike, placement: Placement): Omit<PlacedFile, keyof Placement> {
  const namespace = placement.namespace as NonNullable<Placement['namespace']>;
  const key = `${namespace.value}\u0000${namespace.file}\u0000${namespace.range.start.line}:${namespace.range.start.character}\u0000${fact.valueDomains?.join(' ') ?? ''}`;
  let known = withNamespaceByFacts.get(fact.declarations);
  if (!known) {
    known = new Map();
    withNamespaceByFacts.set(fact.declarations, known);
  }
  let facts = known.get(key);
  if (!facts) {
    const resources = fact.parsed.resources.map((resource) => withDefaultNamespace(resource, namespace));
    facts = { resources, declarations: extractDeclarationsOf(resources, true, fact.valueDomains) };
    known.set(key, facts);
  }
  return facts;
}

function renderedPlacement(
  placement: Placement,
  domains: readonly string[],
): Omit<PlacedFile, keyof Placement> {
  const objects = placement.rendered ?? [];
  let facts = renderedFacts.get(objects);
  if (!facts || facts.domains !== domains) {
    const resources = objects.flatMap((object) => {
      const resource = renderedResource(object.origin, object.doc, object.node);
      if (!resource) return [];
      return [placement.namespace ? withDefaultNamespace(resource, placement.namespace) : resource];
    });
    facts = {
      resources,
      declarations: extractDeclarationsOf(resources, placement.renderedFromMeshText ?? true, domains),
      domains,
    };
    renderedFacts.set(objects, facts);
  }
  return { resources: facts.resources, declarations: facts.declarations };
}
