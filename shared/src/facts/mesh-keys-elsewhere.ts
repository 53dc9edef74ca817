import { asMap, keyText, type Located, stringEntries } from '../yaml/nodes';
import { field, type Resource } from '../yaml/resource';
import { DISTRIBUTION_ANNOTATION, SCOPE_LABEL, TAKEOVER_LABEL } from './mesh-labels';

/** A mesh key (SPEC §2) written on an object other than a Service or Namespace, where nothing reads it. */
export interface MeshKeyElsewhere {
  resource: Resource;
  /** "labels", "pod template annotations", … */
  place: string;
  section: 'labels' | 'annotations';
  key: string;
  located: Located<string>;
  /** Written among the labels of the pods themselves (a pod template's, or a bare Pod's). */
  podLabel: boolean;
  /** Where the map holding it starts: fixes find it again there (`mapAt`). */
  mapOffset: number;
}

const MESH_KEYS = [SCOPE_LABEL, TAKEOVER_LABEL, DISTRIBUTION_ANNOTATION];

/** Where objects other than Services carry metadata: their own, and the templates of the pods (or Jobs) they create. */
const METADATA_PLACES: { path: string[]; name: string }[] = [
  { path: ['metadata'], name: '' },
  { path: ['spec', 'template', 'metadata'], name: 'pod template ' },
  { path: ['spec', 'jobTemplate', 'metadata'], name: 'job template ' },
  { path: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'], name: 'pod template ' },
];

/**
 * Mesh keys on a resource that does not read them (MESH112). Found when the file is read, while its
 * YAML documents are at hand: they are not kept afterwards.
 */
export function meshKeysElsewhere(resource: Resource): MeshKeyElsewhere[] {
  if (resource.group === '' && (resource.kind === 'Service' || resource.kind === 'Namespace')) return [];
  return METADATA_PLACES.flatMap(({ path, name }) =>
    (['labels', 'annotations'] as const).flatMap((section) => {
      const map = asMap(resource, field(resource, [...path, section]));
      // Most maps hold no mesh key: their located entries (ranges worked out for each) are not
      // built for nothing, at every workload's labels and annotations (2 % of a cold start at 10k).
      if (!map?.items.some((pair) => MESH_KEYS.includes(keyText(resource, pair) ?? ''))) return [];
      const entries = stringEntries(resource, map);
      return MESH_KEYS.flatMap((key) => {
        const located = entries.get(key);
        if (!located) return [];
        const podLabel = section === 'labels' && (name === 'pod template ' || resource.kind === 'Pod');
        const mapOffset = map.range?.[0] ?? 0;
        return [{ resource, place: `${name}${section}`, section, key, located, podLabel, mapOffset }];
      });
    }),
  );
}
