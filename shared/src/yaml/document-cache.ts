import {
  Composer,
  type CST,
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Parser,
  YAMLParseError,
} from 'yaml';
import type { SourceFile } from '../text/source';
import { RecentlyUsed } from '../util/recently-used';
import { finish, type Steps } from '../util/steps';
import {
  type EarlierParse,
  isWithoutErrors,
  movedDocument,
  moveInPlace,
  type ReusePlan,
  reusePlan,
} from './document-reuse';

// The documents of the files parsed or used last. A burst of work on a file (extracting its facts,
// building a fix, an edit re-checking its namespace) finds them here; anything else re-parses
// one file, which takes about a third of a millisecond. 64 files: 512 held about 7 MB of yaml nodes
// at 50,000 resources, for work that reads one file, or a fix's few, at a time.
const DOCUMENTS_KEPT = 64;
const documentCache = new RecentlyUsed<SourceFile, Document.Parsed[]>(DOCUMENTS_KEPT);

/** The YAML documents of a file's text, as `parseFile` read them (duplicate keys are errors). */
export function documentsOf(source: SourceFile): Document.Parsed[] {
  return documentCache.get(source) ?? composeDocuments(source) ?? [];
}

/** Lets a file's documents go now: read where nothing will need them again (a parse worker). */
export function forgetDocuments(source: SourceFile): void {
  documentCache.delete(source);
}

/**
 * Puts back documents a caller kept from the file's parse, for work that reads them through the
 * file's resources: it finds them here instead of parsing the text again.
 */
export function rememberDocuments(source: SourceFile, documents: Document.Parsed[]): void {
  keep(source, documents);
}

/** How many texts of a file have their documents cached (tests check that an edit lets the old one go). */
export function cachedTextsOf(path: string): number {
  return [...documentCache.keys()].filter((source) => source.path === path).length;
}

/**
 * Caches a text's documents, and lets go of those of the file's earlier texts: an edit makes a new
 * source, and the old one's documents stayed until 64 other files pushed them out. Each edit of a
 * 30 MB file kept another 900 MB of yaml nodes (about 30 times the text).
 */
function keep(source: SourceFile, documents: Document.Parsed[]): void {
  const held = otherTextOf(source);
  if (held) documentCache.delete(held);
  documentCache.set(source, documents);
}

/**
 * The cached source of the same file with another text than `source`: there is at most one, since
 * only `keep` caches, and it lets the other go.
 */
function otherTextOf(source: SourceFile): SourceFile | undefined {
  for (const held of documentCache.keys()) if (held !== source && held.path === source.path) return held;
  return undefined;
}

export function composeDocuments(source: SourceFile): Document.Parsed[] | undefined {
  return finish(composeDocumentsInSteps(source));
}

/** `composeDocuments`, pausing after each document. */
export function* composeDocumentsInSteps(source: SourceFile): Steps<Document.Parsed[] | undefined> {
  const list = yield* readDocuments(source.text, earlierParseOf(source));
  if (!list) return undefined;
  keep(source, list);
  return list;
}

/** The documents of another text of the same file, still cached: an edit's text is read with them (yaml/document-reuse.ts). */
function earlierParseOf(source: SourceFile): EarlierParse | undefined {
  const held = otherTextOf(source);
  const documents = held && documentCache.peek(held);
  return held && documents && { text: held.text, documents };
}

/**
 * The file's YAML documents, each with its duplicate-key errors, or undefined when yaml's parser overflowed the stack: it recurses once
 * per nesting level, so ten thousand nested block maps threw a RangeError out of parseFile (found
 * by the reliability tests). Its composer catches the same overflow itself (RESOURCE_EXHAUSTION).
 * With `earlier`, the documents an edit did not reach are copied from it rather than parsed again.
 */
function* readDocuments(text: string, earlier?: EarlierParse): Steps<Document.Parsed[] | undefined> {
  const plan = earlier && reusePlan(earlier, text);
  const reused = plan && (yield* readReusing(text, plan));
  return reused ?? (yield* readAll(text));
}

/**
 * yaml's `parseAllDocuments(text, options)`, one document at a time; `at`: where `text` starts in the
 * file; `strays`, told of what the parser gives back between documents.
 */
function* readAll(text: string, at = 0, strays?: StrayTokens): Steps<Document.Parsed[] | undefined> {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  const documents: Document.Parsed[] = [];
  const tokens = new Parser().parse(text);
  try {
    for (const document of composer.compose(strays ? strays.watching(tokens) : tokens)) {
      moveInPlace(document, at);
      document.errors.push(...duplicateKeyErrors(document));
      documents.push(document);
      yield;
    }
    return documents;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * Whether the parser gave back anything but documents after the first document. yaml's composer
 * gives a comment found between documents to the document after it (a comment after a document that
 * is a plain scalar is one) and an error token to the one before it: in a part parsed alone, that
 * document may be one it does not hold.
 */
class StrayTokens {
  found = false;

  *watching(tokens: Iterable<CST.Token>): Generator<CST.Token> {
    let inDocuments = false;
    for (const token of tokens) {
      if (token.type === 'document') inDocuments = true;
      else if (inDocuments && token.type !== 'space' && token.type !== 'byte-order-mark') this.found = true;
      yield token;
    }
  }
}

/**
 * The documents of `text` by `plan`; undefined where they may differ from a whole parse (the caller
 * parses it all): a kept document that cannot be copied, or an error or anything between documents
 * in the part parsed.
 */
function* readReusing(text: string, plan: ReusePlan): Steps<Document.Parsed[] | undefined> {
  const documents: Document.Parsed[] = [];
  for (const document of plan.before) {
    const copy = movedDocument(document, 0);
    if (!copy) return undefined;
    documents.push(copy);
    yield;
  }
  const between = yield* readBetween(text, plan);
  if (!between) return undefined;
  documents.push(...between);
  for (const document of plan.after) {
    const copy = movedDocument(document, plan.shift);
    if (!copy) return undefined;
    documents.push(copy);
    yield;
  }
  return documents;
}

/**
 * The documents from `plan.start` to `plan.end`, parsed with the marker line that follows them: the
 * lexer ends the last one at that marker as a whole parse does (at the end of the text instead, a
 * blank line before the marker was read as space before its last value).
 */
function* readBetween(text: string, plan: ReusePlan): Steps<Document.Parsed[] | undefined> {
  const withMarker = plan.after.length > 0;
  const lineEnd = text.indexOf('\n', plan.end);
  const until = withMarker ? (lineEnd < 0 ? text.length : lineEnd + 1) : plan.end;
  const strays = new StrayTokens();
  const read = yield* readAll(text.slice(plan.start, until), plan.start, strays);
  if (!read || strays.found) return undefined;
  // The marker's document, cut short, is the next kept one's start; had it come first, it took what
  // came before it (comments, blank lines), which a whole parse gives the kept one.
  if (withMarker && (read.pop()?.range[0] !== plan.end || (read.length === 0 && plan.start < plan.end)))
    return undefined;
  return read.every(isWithoutErrors) ? read : undefined;
}

/**
 * yaml's own duplicate-key check compares each key with every key before it, so a map of 20,000
 * keys (300 KB) took seconds and a 10 MB one would take hours (found while testing hostile
 * inputs). This is the same check by the same rule (scalar keys with equal values), one set per
 * map; the errors join the document's own, so such a document is still MESH190 and not analysed.
 */
function duplicateKeyErrors(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  // An explicit stack, not yaml's `visit`: `visit` calls back for every scalar and pair with a
  // path array, which made this check 7 % of reading a workspace; and a stack cannot overflow on
  // a hostile document nested thousands of levels deep.
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const { key, value } of node.items) {
        pending.push(value);
        if (!isScalar(key)) {
          pending.push(key);
          continue;
        }
        if (Number.isNaN(key.value)) continue;
        if (!seen.has(key.value)) {
          seen.add(key.value);
          continue;
        }
        const at = key.range?.[0] ?? 0;
        errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
      }
    } else if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
    } else if (isPair(node)) {
      // A single-pair entry of a flow sequence (`[a: 1]`).
      pending.push(node.key, node.value);
    }
  }
  // In document order, as `visit` reported them.
  return errors.sort((a, b) => a.pos[0] - b.pos[0]);
}
