import type { YAMLMap } from 'yaml';
import { effectiveNamespace, idOf, type ResId } from './res-id';
import { childOf, textAt, textOf } from './tree';

/** A patch's `target:` (or a `patchesJson6902` entry's), as kustomize's `Selector`. */
export interface Target {
  group?: string;
  version?: string;
  kind?: string;
  /** Regular expressions matched against the whole name or namespace, as kustomize anchors them. */
  name?: RegExp;
  /** The name, when it is a plain one (no character a regular expression reads otherwise): compared as text. */
  plainName?: string;
  namespace?: RegExp;
  labelSelector?: Requirement[];
  annotationSelector?: Requirement[];
}

/** One term of a Kubernetes label selector: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export interface Requirement {
  key: string;
  operator: 'in' | 'notin' | 'exists' | 'doesnotexist';
  values: string[];
}

/** A target from the fields a kustomization wrote (`read`), or a message saying what is wrong with it. */
export function readTarget(read: (key: string) => string | undefined): Target | string {
  const target: Target = {};
  for (const key of ['group', 'version', 'kind'] as const) {
    const value = read(key);
    if (value) target[key] = value;
  }
  for (const key of ['name', 'namespace'] as const) {
    const value = read(key);
    if (!value) continue;
    try {
      // Go's regexp syntax and JavaScript's agree on what names and namespaces need.
      target[key] = new RegExp(`^(?:${value})$`);
      if (key === 'name' && /^[A-Za-z0-9_-]+$/.test(value)) target.plainName = value;
    } catch {
      return `target ${key} ${value} (not a regular expression)`;
    }
  }
  for (const key of ['labelSelector', 'annotationSelector'] as const) {
    const value = read(key);
    if (!value) continue;
    const requirements = parseSelector(value);
    if (!requirements) return `target ${key} ${value} (not a label selector)`;
    target[key] = requirements;
  }
  return target;
}

/** Parses a label selector string; undefined when it does not parse. */
export function parseSelector(text: string): Requirement[] | undefined {
  const requirements: Requirement[] = [];
  for (const term of splitTerms(text)) {
    const trimmed = term.trim();
    if (trimmed === '') continue;
    const set = /^([^\s!=(),]+)\s+(in|notin)\s*\((.*)\)$/.exec(trimmed);
    if (set?.[1] && set[2]) {
      const values = (set[3] ?? '').split(',').map((value) => value.trim());
      requirements.push({ key: set[1], operator: set[2] as 'in' | 'notin', values });
      continue;
    }
    const equality = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(trimmed);
    if (equality?.[1] && equality[2]) {
      const operator = equality[2] === '!=' ? 'notin' : 'in';
      requirements.push({ key: equality[1], operator, values: [equality[3] ?? ''] });
      continue;
    }
    const exists = /^(!?)\s*([^\s!=(),]+)$/.exec(trimmed);
    if (exists?.[2]) {
      requirements.push({ key: exists[2], operator: exists[1] ? 'doesnotexist' : 'exists', values: [] });
      continue;
    }
    return undefined;
  }
  return requirements;
}

/** Terms are separated by commas outside parentheses (`a in (x,y),b`). */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      terms.push(text.slice(start, index));
      start = index + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

export function matchesRequirements(requirements: Requirement[], labels: Map<string, string>): boolean {
  return requirements.every(({ key, operator, values }) => {
    const value = labels.get(key);
    switch (operator) {
      case 'exists':
        return value !== undefined;
      case 'doesnotexist':
        return value === undefined;
      case 'in':
        return value !== undefined && values.includes(value);
      case 'notin':
        return value === undefined || !values.includes(value);
    }
    return false;
  });
}

/** The string entries of a rendered map (labels, annotations). */
export function entriesOf(map: unknown): Map<string, string> {
  const entries = new Map<string, string>();
  const items = (map as YAMLMap | undefined)?.items ?? [];
  for (const pair of Array.isArray(items) ? items : []) {
    const key = textOf(pair.key);
    const value = textOf(pair.value) ?? '';
    if (key !== undefined && !entries.has(key)) entries.set(key, value);
  }
  return entries;
}

const NAME = ['metadata', 'name'];

/**
 * Whether an object is selected, as kustomize's `Select`: the name and namespace may match the
 * object's original id or its current one; kind, group and version are read from the current object.
 */
export function selects(target: Target, node: YAMLMap, original: ResId): boolean {
  // The name first, from the name alone: a target names one object among the many an overlay gathered.
  if (target.name && !target.name.test(original.name) && !target.name.test(textAt(node, NAME) ?? ''))
    return false;
  const current = idOf(node);
  if (target.namespace) {
    const namespace = target.namespace;
    if (!namespace.test(effectiveNamespace(original)) && !namespace.test(effectiveNamespace(current)))
      return false;
  }
  if (target.group !== undefined && target.group !== current.group) return false;
  if (target.version !== undefined && target.version !== current.version) return false;
  if (target.kind !== undefined && target.kind !== current.kind) return false;
  const metadata = childOf(node, 'metadata');
  if (
    target.labelSelector &&
    !matchesRequirements(target.labelSelector, entriesOf(childOf(metadata, 'labels')))
  )
    return false;
  if (
    target.annotationSelector &&
    !matchesRequirements(target.annotationSelector, entriesOf(childOf(metadata, 'annotations')))
  )
    return false;
  return true;
}
