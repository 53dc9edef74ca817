import type { Document, Node } from 'yaml';
import { createSourceFile, rangeAt, type SourceFile } from '../text/source';
import type { ParsedFile } from '../yaml/parse-file';
import type { Kustomization } from './kustomization-file';
import { resolvePath } from './paths';
import type { KustomizeWorkspace, RenderNote } from './types';

/** What one rendering gathers on its way: notes, the files it read, and each file's documents once. */
export interface RenderState {
  ws: KustomizeWorkspace;
  notes: RenderNote[];
  reads: Set<string>;
  notResources: Set<string>;
  // `ParsedFile.documents` re-parses the text when the document cache let the documents go; read
  // once per file per rendering (or once for all renderings, through `ws.documents`), a file
  // listed a hundred times is still parsed at most once.
  documents: Map<ParsedFile, Document.Parsed[]>;
  // Files read as text (generator sources): one SourceFile per path, so that every node marked as
  // written in it refers to the same file.
  texts: Map<string, SourceFile | null>;
  /**
   * Inline patches parsed, by their text (null: it does not parse): the same patch is written in
   * many kustomizations. The documents are only read (copied), never changed.
   */
  inlinePatches: Map<string, Document.Parsed[] | null>;
  /**
   * Each decision that reads how many objects something matched (a patch, a `replicas` entry), in
   * the order the rendering made them: kept to prove that re-rendering one file's objects alone
   * gives what rendering everything would (rerender.ts).
   */
  decisions: Decision[];
  /** Whether a kustomization read sets objects from other objects (generators, replacements). */
  crossObject: boolean;
  /**
   * Re-rendering one file (rerender.ts): only its objects are read; every other resource file is
   * skipped. `reads`: how often the file was read as a resource; `replayedReads`: the files read by
   * included renderings replayed here (render.ts `accumulateIncluded`), kept as their own sets: adding
   * a base's two hundred paths to each overlay's set was a fifteenth of what such an edit allocated.
   */
  only?: { path: string; reads: number; replayedReads: ReadonlySet<string>[] };
  /** An included kustomization being recorded for other overlays (render.ts `accumulateIncluded`). */
  recording?: { chainReads: string[] };
  /**
   * How many of the kustomizations gathering objects now will change them (all but those that
   * `onlyGather`): with none, a replayed rendering's objects are handed over without copies.
   */
  changingAbove: number;
}

/** One decision made by counting the objects a patch or a `replicas` entry matched. */
export interface Decision {
  count: number;
  /**
   * Whether the decision is all or nothing: a patch that names its object is applied to none when it
   * names several. Otherwise each matched object is changed on its own and only a note reads the count.
   */
  allOrNothing: boolean;
  /** How many notes the rendering held when it decided: where the notes of each decision begin. */
  notesBefore: number;
}

/** Records a decision that counted matched objects (see `RenderState.decisions`). */
export function decide(state: RenderState, count: number, allOrNothing = false): void {
  state.decisions.push({ count, allOrNothing, notesBefore: state.notes.length });
}

export function createState(ws: KustomizeWorkspace): RenderState {
  return {
    ws,
    notes: [],
    reads: new Set(),
    notResources: new Set(),
    documents: new Map(),
    texts: new Map(),
    inlinePatches: ws.inlinePatches ?? new Map(),
    decisions: [],
    crossObject: false,
    changingAbove: 0,
  };
}

/** A workspace file, recorded as read. */
export function readFile(state: RenderState, path: string): ParsedFile | undefined {
  const parsed = state.ws.file(path);
  if (parsed) state.reads.add(path);
  return parsed;
}

/**
 * A file a kustomization names for what it holds, not as a resource (a patch file, a replacements
 * file): read and recorded as no resource of its own, or undefined with a note on `entry` saying why.
 */
export function readConfigFile(
  state: RenderState,
  k: Kustomization,
  entry: Node,
  written: string,
): ParsedFile | undefined {
  const path = resolvePath(k.folder, written);
  const parsed = path === undefined ? undefined : readFile(state, path);
  if (path === undefined || !parsed) {
    addNote(
      state,
      k.source,
      entry,
      `${path === undefined ? 'path outside the workspace' : 'missing path'} ${written}`,
    );
    return undefined;
  }
  state.notResources.add(path);
  return parsed;
}

/**
 * A workspace file read as text (a generator's source), YAML or not, recorded as read and as no
 * resource of its own.
 */
export function readText(state: RenderState, path: string): SourceFile | undefined {
  let source = state.texts.get(path);
  if (source === undefined) {
    const text = state.ws.text?.(path);
    source = state.ws.file(path)?.source ?? (text === undefined ? null : createSourceFile(path, text));
    state.texts.set(path, source);
  }
  if (!source) return undefined;
  state.reads.add(path);
  state.notResources.add(path);
  return source;
}

export function documentsOf(state: RenderState, parsed: ParsedFile): Document.Parsed[] {
  let documents = state.documents.get(parsed);
  if (!documents) {
    documents = state.ws.documents?.(parsed) ?? parsed.documents;
    state.documents.set(parsed, documents);
  }
  return documents;
}

/** Records what a rendering left out, on the node (in `source`) that asks for it. */
export function addNote(
  state: RenderState,
  source: SourceFile,
  node: Node | null | undefined,
  feature: string,
): void {
  const [start = 0, end = start] = node?.range ?? [];
  state.notes.push({ file: source.path, range: rangeAt(source, start, end), feature });
}
