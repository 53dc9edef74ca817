import { Document, isDocument, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

// Nodes made in bulk: rendering copies every object of a base once per overlay that includes it.
// yaml's constructors tag each node with its type through `Object.defineProperty` (and give a
// collection a non-enumerable `schema` the same way), which made a node ten times as slow to make
// as an object with the same fields: a sixth of the time spent rendering the overlays of a 10k
// workspace. These nodes are instances of yaml's own classes whose prototype carries the tag, so
// `isScalar`, `isMap`, `instanceof` and every method see yaml's nodes. The tag's key is read from a
// node yaml made; should a version of yaml tag nodes otherwise, its constructors are used instead.

const sample = new Scalar(null);
const TYPE_KEY = Object.getOwnPropertySymbols(sample)[0];

function taggedPrototype<T extends object>(prototype: T, instance: object): T | undefined {
  if (TYPE_KEY === undefined) return undefined;
  const tag = (instance as Record<symbol, unknown>)[TYPE_KEY];
  return Object.create(prototype, { [TYPE_KEY]: { value: tag } }) as T;
}

const SCALAR = taggedPrototype(Scalar.prototype, sample);
const PAIR = taggedPrototype(Pair.prototype, new Pair(null));
const MAP = taggedPrototype(YAMLMap.prototype, new YAMLMap());
const SEQ = taggedPrototype(YAMLSeq.prototype, new YAMLSeq());

// A rendered object's document only holds it: every one shares the options, directives and schema
// of a document made with yaml's defaults (a schema of its own was most of a document's 650 bytes).
const sampleDocument = new Document();
const DOCUMENT = taggedPrototype(Document.prototype, sampleDocument);

const usable =
  DOCUMENT !== undefined &&
  isDocument(Object.create(DOCUMENT)) &&
  SCALAR !== undefined &&
  PAIR !== undefined &&
  MAP !== undefined &&
  SEQ !== undefined &&
  isScalar(Object.create(SCALAR)) &&
  isPair(Object.create(PAIR)) &&
  isMap(Object.create(MAP)) &&
  isSeq(Object.create(SEQ));

export function scalarNode(value: unknown): Scalar {
  if (!usable) return new Scalar(value);
  const scalar = Object.create(SCALAR as Scalar) as Scalar;
  scalar.value = value;
  return scalar;
}

export function pairNode(key: unknown, value: unknown): Pair {
  if (!usable) return new Pair(key, value);
  const pair = Object.create(PAIR as Pair) as Pair;
  pair.key = key;
  pair.value = value;
  return pair;
}

export function mapNode(): YAMLMap {
  if (!usable) return new YAMLMap();
  const map = Object.create(MAP as YAMLMap) as YAMLMap;
  map.items = [];
  return map;
}

export function seqNode(): YAMLSeq {
  if (!usable) return new YAMLSeq();
  const seq = Object.create(SEQ as YAMLSeq) as YAMLSeq;
  seq.items = [];
  return seq;
}

/** A document holding `contents`, as `new Document()` with its contents set makes it; nothing to parse. */
export function documentNode(contents: unknown): Document.Parsed {
  if (!usable) {
    const document = new Document();
    document.contents = contents as Document['contents'];
    return document as Document.Parsed;
  }
  const document = Object.create(DOCUMENT as Document) as Document.Parsed;
  document.commentBefore = null;
  document.comment = null;
  document.errors = [];
  document.warnings = [];
  document.options = sampleDocument.options;
  document.directives = sampleDocument.directives as Document.Parsed['directives'];
  document.schema = sampleDocument.schema;
  document.contents = contents as Document.Parsed['contents'];
  return document;
}
