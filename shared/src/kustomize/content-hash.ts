import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { sha256Hex } from './sha256';
import { childOf, textAt, textOf } from './tree';

// The suffix kustomize appends to a generated ConfigMap's or Secret's name (unless the generator's
// options disable it): ten characters of the SHA-256 of a JSON encoding of what the object holds,
// so that a changed content gives a new name and the pods referring to it roll. Computed as
// kustomize v5 does, from the object as it is at the end of the build (the differential suite
// compares the names with kubectl's).

/** The suffix for a rendered ConfigMap or Secret (without the dash). */
export function contentHash(node: YAMLMap): string {
  return nameSafe(sha256Hex(new TextEncoder().encode(encoded(node))));
}

/**
 * What is hashed: for a ConfigMap its kind, name, `data` and (when a map) `binaryData`; for a Secret
 * its kind, type, name, `data` and (when a map) `stringData`. A missing field is the empty string.
 * The name is always missing: kustomize v5 looks it up as one field named `metadata/name`, which no
 * object has (kubectl's names agree only so), so two generators with the same content share a suffix.
 */
function encoded(node: YAMLMap): string {
  const kind = textAt(node, ['kind']);
  const name = '';
  const value = (key: string) => fieldValue(childOf(node, key));
  if (kind === 'Secret') {
    const fields: Record<string, unknown> = {
      kind: 'Secret',
      type: value('type'),
      name,
      data: value('data'),
    };
    if (isMap(childOf(node, 'stringData'))) fields.stringData = value('stringData');
    return goJson(fields);
  }
  const fields: Record<string, unknown> = { kind: 'ConfigMap', name, data: value('data') };
  if (isMap(childOf(node, 'binaryData'))) fields.binaryData = value('binaryData');
  return goJson(fields);
}

/** A field as kustomize reads it for the hash: a scalar's text, a collection as its JSON value. */
function fieldValue(node: unknown): unknown {
  if (node === undefined || node === null) return '';
  if (isScalar(node)) return textOf(node) ?? '';
  return plain(node);
}

function plain(node: unknown): unknown {
  if (isMap(node)) {
    const object: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = textOf(pair.key);
      if (key !== undefined && !(key in object)) object[key] = plain(pair.value);
    }
    return object;
  }
  if (isSeq(node)) return node.items.map(plain);
  if (isScalar(node)) return node.value ?? null;
  return null;
}

/**
 * JSON as Go's `encoding/json` writes it: map keys sorted by code point (written here, not left to
 * `JSON.stringify`, which puts integer-like keys first), and `<`, `>`, `&`, U+2028 and U+2029
 * escaped (its HTML-safe default); strings and numbers otherwise as JavaScript writes them.
 */
export function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort(byCodePoint);
    return `{${keys.map((key) => `${goString(key)}:${goJson(object[key])}`).join(',')}}`;
  }
  return typeof value === 'string' ? goString(value) : JSON.stringify(value ?? null);
}

function goString(text: string): string {
  return JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let index = 0; index < Math.min(x.length, y.length); index++) {
    const difference = (x[index]?.codePointAt(0) ?? 0) - (y[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return x.length - y.length;
}

// kubectl's own encoding of a hash into a name: vowels and some digits are swapped for consonants,
// so the suffix never spells a word.
const SWAPPED: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

function nameSafe(hex: string): string {
  return [...hex.slice(0, 10)].map((char) => SWAPPED[char] ?? char).join('');
}
