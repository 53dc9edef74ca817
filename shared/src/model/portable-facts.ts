import { extractDeclarations } from '../facts/extract-declarations';
import { gatewayApiRefOf, isGatewayApiRefFacts } from '../facts/extract-host-references';
import { noFixes } from '../text/findings';
import { createSourceFile, forgetLineStarts, isCompactRange, rangeOf, type SourceFile } from '../text/source';
import type { StringTable } from '../util/intern';
import {
  isSharedEmptyList,
  isSharedEmptyMap,
  isSmallMap,
  pairsOf,
  settledList,
  settledMap,
  smallMapOf,
} from '../util/settled';
import { forgetDocuments } from '../yaml/document-cache';
import { LocatedEntry, LocatedText } from '../yaml/nodes';
import { isParsedFacts, parsedFileOf, parseFile } from '../yaml/parse-file';
import { isResourceFacts, resourceOf } from '../yaml/resource';
import type { FileFacts } from './build-model';

// A file's facts read in another thread (the adapters parse part of a workspace in a worker: both
// cores read during a scan) travel to the host as plain data: a structured clone keeps objects, maps,
// lists and which object is shared by whom (a resource is in the file's list and in its
// declarations), but not classes, getters or functions. The facts' few classes (a range's four
// numbers, a resource, a Gateway API ref, the file's facts: each a class for memory, see their
// comments) travel as marked plain objects and are built again on arrival; the file's text is not
// sent back (the host has it), nor the parse's YAML documents (re-read from the text when a fix or
// a kustomization needs them, as for any file once the document cache lets them go).

/** The facts of one file's text as read elsewhere: structured-clone safe, opaque to the adapters. */
export interface PortableFacts {
  /** Which text they were read from: the same path, and its length, as a cheap check. */
  path: string;
  textLength: number;
  /** The segment domains the string values were scanned for (`Workspace.valueDomains`). */
  valueDomains: readonly string[];
  body: unknown;
}

const CLASS = '\u0000class';
type Marked = { [CLASS]: string } & Record<string, unknown>;

/** Reads a file's facts as the host would (`parseFile`, then its declarations), as plain data. */
export function readPortableFacts(
  path: string,
  text: string,
  valueDomains: readonly string[],
): PortableFacts {
  const parsed = parseFile(path, text);
  const declarations = extractDeclarations(parsed, valueDomains);
  const body = pack({ parsed, declarations }, parsed.source, new Map());
  // Sent away, the facts no longer need the documents: kept, the last files' documents would sit in the
  // worker's memory for nothing.
  forgetDocuments(parsed.source);
  forgetLineStarts(parsed.source);
  return { path, textLength: text.length, valueDomains: [...valueDomains], body };
}

/**
 * The facts again, for the file at `path` (the host's own string for it) and `text` (the text they
 * were read from) in a workspace whose short strings are interned in `strings`; undefined when they
 * were read from another text or for other domains, and the host must read the file itself.
 */
export function factsFromPortable(
  portable: PortableFacts,
  path: string,
  text: string,
  valueDomains: readonly string[],
  strings?: StringTable,
): FileFacts | undefined {
  if (portable.textLength !== text.length || !sameDomains(portable.valueDomains, valueDomains))
    return undefined;
  const source = createSourceFile(path, text, strings);
  const arrival = { source, sentPath: portable.path, strings, memo: new Map() };
  const facts = revive(portable.body, arrival) as FileFacts;
  return valueDomains.length > 0 ? { ...facts, valueDomains } : facts;
}

function sameDomains(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((domain, index) => domain === b[index]);
}

/** A plain copy of a value of the facts; throws on anything it could not build again. */
function pack(value: unknown, source: SourceFile, memo: Map<object, unknown>): unknown {
  if (typeof value === 'function') {
    // A parse's findings have no fixes; a function of any other kind cannot cross.
    if (value === noFixes) return { [CLASS]: 'noFixes' };
    throw new Error('facts hold a function that cannot be sent to another thread');
  }
  if (typeof value !== 'object' || value === null) return value;
  const known = memo.get(value);
  if (known !== undefined) return known;
  const packed = packObject(value, source, memo);
  memo.set(value, packed);
  return packed;
}

function packObject(value: object, source: SourceFile, memo: Map<object, unknown>): unknown {
  if (value === source) return { [CLASS]: 'source' };
  if (Array.isArray(value)) {
    if (isSharedEmptyList(value)) return { [CLASS]: 'emptyList' };
    return packedList(value, (item) => pack(item, source, memo));
  }
  if (value instanceof Map) {
    if (isSharedEmptyMap(value)) return { [CLASS]: 'emptyMap' };
    const map = new Map<unknown, unknown>();
    for (const [key, item] of value) map.set(key, pack(item, source, memo));
    return map;
  }
  if (value instanceof LocatedEntry) {
    const { value: text, rangeStart, rangeEnd, keyStart, keyEnd } = value;
    return { [CLASS]: 'locatedEntry', text, a: rangeStart, b: rangeEnd, c: keyStart, d: keyEnd };
  }
  if (value instanceof LocatedText) {
    return { [CLASS]: 'locatedText', text: value.value, a: value.rangeStart, b: value.rangeEnd };
  }
  if (isSmallMap(value)) {
    return { [CLASS]: 'smallMap', pairs: packedList(pairsOf(value), (item) => pack(item, source, memo)) };
  }
  if (isCompactRange(value)) {
    const { start, end } = value;
    return { [CLASS]: 'range', a: start.line, b: start.character, c: end.line, d: end.character };
  }
  const kind = classOf(value);
  const fields: Record<string, unknown> = kind ? { [CLASS]: kind } : {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'source') continue; // the host's own SourceFile is given back on arrival
    fields[key] = pack(item, source, memo);
  }
  return fields;
}

/**
 * A list made by `push`, not `map`. `map` makes a list with holes allowed, which a structured clone
 * sends as a sparse list; the receiving thread then grows it item by item, as `push` does, and a list
 * of one item kept room for sixteen. At 50,000 resources the facts read in the worker held 5 MB more
 * of lists than the same facts read in the host. A list made by `push` is sent as dense, and
 * arrives at its exact length.
 */
function packedList<T>(list: readonly T[], packItem: (item: T) => unknown): unknown[] {
  const packed: unknown[] = [];
  for (const item of list) packed.push(packItem(item));
  return packed;
}

function classOf(value: object): string | undefined {
  if (isResourceFacts(value)) return 'resource';
  if (isGatewayApiRefFacts(value)) return 'gatewayApiRef';
  if (isParsedFacts(value)) return 'parsed';
  if (Object.getPrototypeOf(value) === Object.prototype) return undefined;
  throw new Error(
    `facts hold a ${value.constructor?.name ?? 'class instance'} that cannot be sent to another thread`,
  );
}

interface Arrival {
  source: SourceFile;
  /** The path as it was sent: the facts' copies of it are this string's equals. */
  sentPath: string;
  strings: StringTable | undefined;
  memo: Map<object, unknown>;
}

function revive(value: unknown, arrival: Arrival): unknown {
  if (typeof value === 'string') return revivedString(value, arrival);
  if (typeof value !== 'object' || value === null) return value;
  const known = arrival.memo.get(value);
  if (known !== undefined) return known;
  const revived = reviveObject(value, arrival);
  arrival.memo.set(value, revived);
  return revived;
}

/**
 * The file's path (in a finding's or a placement's `file`) as the host's own string for it: a clone
 * brings a copy of each string it sends, and each file read in the worker kept two more copies of
 * its path (2 MB at 50,000 resources). It is compared with the path as sent, not the host's: the
 * host's may be a concatenation (folder and name), which comparing would flatten into a copy.
 * Other short strings are interned, as the host's parser does.
 */
function revivedString(value: string, arrival: Arrival): string {
  const { sentPath } = arrival;
  if (value.length === sentPath.length && value === sentPath) return arrival.source.path;
  return arrival.strings ? arrival.strings.intern(value) : value;
}

function reviveObject(value: object, arrival: Arrival): unknown {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = revive(value[index], arrival);
    return value;
  }
  if (value instanceof Map) {
    const map = new Map<unknown, unknown>();
    for (const [key, item] of value) map.set(revive(key, arrival), revive(item, arrival));
    return map;
  }
  const fields = value as Marked;
  switch (fields[CLASS]) {
    case undefined:
      return plainObjectOf(fields, arrival);
    case 'range':
      return rangeOf(fields.a as number, fields.b as number, fields.c as number, fields.d as number);
    case 'source':
      return arrival.source;
    case 'noFixes':
      return noFixes;
    case 'emptyList':
      return settledList([]);
    case 'emptyMap':
      return settledMap(new Map());
    case 'locatedEntry':
      return new LocatedEntry(
        revive(fields.text, arrival) as string,
        fields.a as number,
        fields.b as number,
        fields.c as number,
        fields.d as number,
      );
    case 'locatedText':
      return new LocatedText(revive(fields.text, arrival) as string, fields.a as number, fields.b as number);
    case 'smallMap':
      return smallMapOf((fields.pairs as unknown[]).map((item) => revive(item, arrival)));
    default:
      return reviveInstance(fields, arrival);
  }
}

/**
 * A plain object of the facts, built again with every field inside the object. A structured clone
 * makes each object with room for four fields and keeps the others in a separate list of its own:
 * at 50,000 resources the facts read in the worker held 4.6 MB more than the host's own (a file's
 * declarations, its Services, workloads and ports). `JSON.parse` makes an object with room for
 * every field it reads, so each object starts as a parse of its field names (about 0.7 µs) and
 * takes its values after.
 */
function plainObjectOf(fields: Record<string, unknown>, arrival: Arrival): object {
  const names = Object.keys(fields);
  const object = JSON.parse(templateOf(names)) as Record<string, unknown>;
  for (const name of names) object[name] = revive(fields[name], arrival);
  return object;
}

const templates = new Map<string, string>();
// The facts' plain objects come in a few dozen lists of field names; the bound only keeps the
// table from growing without limit if that ever changed.
const MAX_TEMPLATES = 256;

/** `{"name":null,…}` for these field names, in their order. */
function templateOf(names: string[]): string {
  const key = names.join('\u0000');
  let template = templates.get(key);
  if (template === undefined) {
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    template = JSON.stringify(Object.fromEntries(names.map((name) => [name, null])));
    templates.set(key, template);
  }
  return template;
}

function reviveInstance(fields: Marked, arrival: Arrival): unknown {
  const parts = Object.fromEntries(
    Object.entries(fields)
      .filter(([key]) => key !== CLASS)
      .map(([key, item]) => [key, revive(item, arrival)]),
  );
  switch (fields[CLASS]) {
    case 'resource':
      return resourceOf(arrival.source, parts as Parameters<typeof resourceOf>[1]);
    case 'gatewayApiRef':
      return gatewayApiRefOf(parts as Parameters<typeof gatewayApiRefOf>[0]);
    case 'parsed':
      return parsedFileOf(arrival.source, parts as Parameters<typeof parsedFileOf>[1]);
    default:
      throw new Error(`unknown class in facts from another thread: ${String(fields[CLASS])}`);
  }
}
