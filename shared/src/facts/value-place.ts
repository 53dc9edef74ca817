import type { YAMLMap, YAMLSeq } from 'yaml';
import { getChild, scalarText } from '../yaml/nodes';
import type { Resource } from '../yaml/resource';

/** The keys from an object's root to a value, each with the map or list that holds it. */
export type ValuePath = { key: string | number; node: YAMLMap | YAMLSeq }[];

const CONTAINER_LISTS: Record<string, string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/**
 * Where a value stands, in the words of the object's author, for messages: "in env REVIEWS_URL of
 * container productpage", "in data entry app.properties", "in annotation example.com/upstream".
 */
export function describeValuePlace(resource: Resource, path: ValuePath): string {
  const keys = path.map((step) => step.key);
  const container = keys.findIndex(
    (key, index) => typeof key === 'string' && index > 0 && CONTAINER_LISTS[key],
  );
  if (container >= 0 && typeof keys[container + 1] === 'number') {
    const owner = `${CONTAINER_LISTS[keys[container] as string]} ${nameAt(resource, path, container + 2) ?? keys[container + 1]}`;
    return `in ${containerPart(resource, path, container + 2)} of ${owner}`;
  }
  const [first, second, third] = keys;
  if (first === 'metadata' && (second === 'annotations' || second === 'labels') && keys.length === 3)
    return `in ${second === 'labels' ? 'label' : 'annotation'} ${third}`;
  if ((first === 'data' || first === 'stringData') && keys.length === 2) return `in ${first} entry ${second}`;
  return `in ${dotted(keys)}`;
}

/** Within a container: an env value by the variable's name, an argument list by its name. */
function containerPart(resource: Resource, path: ValuePath, from: number): string {
  const keys = path.slice(from).map((step) => step.key);
  const [list, index, field] = keys;
  if (list === 'env' && typeof index === 'number' && field === 'value' && keys.length === 3)
    return `env ${nameAt(resource, path, from + 2) ?? index}`;
  if ((list === 'args' || list === 'command') && keys.length === 2) return list;
  return dotted(keys);
}

/** The `name` of the map that holds the key at `index` of the path. */
function nameAt(resource: Resource, path: ValuePath, index: number): string | undefined {
  const holder = path[index]?.node;
  return holder ? scalarText(resource, getChild(resource, holder, 'name')) || undefined : undefined;
}

/** `spec.endpoints[0].address` */
function dotted(keys: (string | number)[]): string {
  return keys
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${key}`))
    .join('');
}
