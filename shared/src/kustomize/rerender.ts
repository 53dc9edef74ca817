import type { ParsedFile } from '../yaml/parse-file';
import { type ReferenceFacts, referencesInert } from './name-references';
import { type PartialRendering, renderFileOnly, renderRecordOf, setRenderRecord } from './render';
import type { Decision } from './state';
import type { KustomizeWorkspace, RenderedObject, Rendering, RenderNote } from './types';

// An edit of a base's resource file used to render every overlay that reads it again, every object
// of each (issue #18: 20 overlays of a 200-Service base, 760 ms an edit). Most transformers act on
// each object alone (namespace, name affixes, labels, annotations, a patch on what it selects,
// replicas), so the file's objects can be rendered alone and put in place of their previous copies.
// What reads objects as a whole decides the same as before only under conditions proved here, else
// the caller renders everything:
// - the kustomizations, patch files and every file read other than as a resource are unchanged,
//   and the edited file is read once, as a resource only;
// - no kustomization read has generators or replacements (objects made or set from others' content);
// - name references are rewritten nowhere, before or after (`referencesInert`);
// - each decision that counts matched objects (a patch's targets, a `replicas` entry) counts as many
//   of the file's objects before and after the edit, with the same notes, so its total and its
//   notes are unchanged; and one that is all or nothing (a patch naming its object, applied to none
//   when it names several) matches none of the file's objects now, or only them.

/**
 * The rendering of `folder` after the resource file `path` changed text, made by rendering that
 * file's objects alone; undefined when that cannot be proved to be what rendering everything
 * again would give. `ws` reads the new text, `before` the text `previous` was rendered from.
 */
export function rerenderFile(
  previous: Rendering,
  folder: string,
  path: string,
  ws: KustomizeWorkspace,
  before: KustomizeWorkspace,
): Rendering | undefined {
  const record = renderRecordOf(previous);
  if (!record || record.crossObject || previous.notResources.has(path)) return undefined;
  const known = lastRendered.get(previous);
  const old =
    known && known.path === path && known.parsed === before.file(path)
      ? known.partial
      : renderFileOnly(folder, before, path);
  const now = renderFileOnly(folder, ws, path);
  if (!old || !now || !sameTree(previous, old) || !sameTree(previous, now)) return undefined;
  const references = joined(record.references, now.references);
  if (!referencesInert(references)) return undefined;
  if (!sameDecisions(record.decisions, old, now) || !sameNotes(old.notes, now.notes)) return undefined;
  const splice = spliceOf(previous, path, old.objects.length, now.objects);
  if (!splice) return undefined;
  const rendering = new SplicedRendering(previous, splice);
  setRenderRecord(rendering, { ...record, references });
  objectsByFileOf.set(rendering, withFileReplaced(objectsByFile(previous), path, now.objects));
  const parsed = ws.file(path);
  if (parsed) lastRendered.set(rendering, { path, parsed, partial: now });
  return rendering;
}

// The file's objects rendered alone for a re-rendered rendering: typing in one file re-renders it
// again and again, and each time the text before the edit is the one rendered last time. Valid
// while the rendering is: anything else read changing makes another rendering.
const lastRendered = new WeakMap<
  Rendering,
  { path: string; parsed: ParsedFile; partial: PartialRendering }
>();

/** The same files read, the file among them once, as a resource, and nothing that copies between objects. */
function sameTree(previous: Rendering, partial: PartialRendering): boolean {
  return partial.readsOfPath === 1 && !partial.crossObject && partial.readCount === previous.reads.size;
}

function joined(a: ReferenceFacts, b: ReferenceFacts): ReferenceFacts {
  return {
    renamed: a.renamed || b.renamed,
    namesChanged: a.namesChanged || b.namesChanged,
    maps: a.maps || b.maps,
  };
}

function sameDecisions(whole: readonly Decision[], old: PartialRendering, now: PartialRendering): boolean {
  if (old.decisions.length !== whole.length || now.decisions.length !== whole.length) return false;
  return whole.every((decision, index) => {
    const before = old.decisions[index];
    const after = now.decisions[index];
    if (!before || !after) return false;
    if (before.count !== after.count || before.notesBefore !== after.notesBefore) return false;
    return !decision.allOrNothing || after.count === 0 || after.count === decision.count;
  });
}

function sameNotes(a: readonly RenderNote[], b: readonly RenderNote[]): boolean {
  return a.length === b.length && a.every((note, index) => sameNote(note, b[index]));
}

function sameNote(a: RenderNote, b: RenderNote | undefined): boolean {
  return (
    b !== undefined &&
    a.file === b.file &&
    a.feature === b.feature &&
    JSON.stringify(a.range) === JSON.stringify(b.range)
  );
}

/** A rendering's objects with one run, the objects of `path`, replaced by `inserted`. */
interface Splice {
  base: readonly RenderedObject[];
  path: string;
  first: number;
  count: number;
  inserted: readonly RenderedObject[];
}

/**
 * A re-rendered rendering, whose object list is made when first read. Most readers go through
 * `objectsByFile`, kept beside it; the whole list is read only when the workspace is placed again
 * (another kind of edit). Copying it at each edit was most of what typing in a base shared by twenty
 * overlays kept past a young-generation collection: twenty lists of four hundred objects.
 */
class SplicedRendering implements Rendering {
  readonly kustomization: string;
  readonly notes: RenderNote[];
  readonly reads: ReadonlySet<string>;
  readonly notResources: ReadonlySet<string>;
  #objects: RenderedObject[] | undefined;

  constructor(
    previous: Rendering,
    readonly splice: Splice,
  ) {
    this.kustomization = previous.kustomization;
    this.notes = previous.notes;
    this.reads = previous.reads;
    this.notResources = previous.notResources;
  }

  get objects(): RenderedObject[] {
    if (!this.#objects) {
      const { base, first, count, inserted } = this.splice;
      // One copy, spliced: spreading two slices and the new objects grew the list item by item.
      const objects = base.slice();
      objects.splice(first, count, ...inserted);
      this.#objects = objects;
    }
    return this.#objects;
  }
}

/**
 * How `previous`'s objects become the rendering's with the run of `count` objects from `path`
 * replaced by `now`; undefined when they are not one run of that length (then where the new objects
 * go is not known). Typing in one file splices the same run of the same list again: proved once,
 * when the first splice was made, it holds for every later one.
 */
function spliceOf(
  previous: Rendering,
  path: string,
  count: number,
  now: readonly RenderedObject[],
): Splice | undefined {
  if (previous instanceof SplicedRendering && previous.splice.path === path) {
    const { splice } = previous;
    if (count !== splice.inserted.length || count === 0) return undefined;
    return { ...splice, inserted: now };
  }
  const objects = previous.objects;
  const first = objects.findIndex((object) => object.origin.source.path === path);
  if (first < 0 || count === 0) return undefined;
  const end = first + count;
  for (let index = first; index < end; index++)
    if (objects[index]?.origin.source.path !== path) return undefined;
  for (let index = end; index < objects.length; index++)
    if (objects[index]?.origin.source.path === path) return undefined;
  return { base: objects, path, first, count, inserted: now };
}

// Per rendering: a re-rendered one shares the lists of every file but the edited one, so what is
// remembered per list (a placement's facts) is kept.
const objectsByFileOf = new WeakMap<Rendering, ReadonlyMap<string, RenderedObject[]>>();

/**
 * `byFile` with `path`'s objects replaced (gone when there are none), in the same order. A view, not
 * a copy: copying the map of a base's two hundred files for each of twenty overlays at every edit was
 * a twentieth of the edit. Views of views are made over the map underneath when they replace the same
 * file (typing in one file), and copied once they are a few deep (edits going from file to file).
 */
function withFileReplaced(
  byFile: ReadonlyMap<string, RenderedObject[]>,
  path: string,
  objects: RenderedObject[],
): ReadonlyMap<string, RenderedObject[]> {
  const replaced = objects.length > 0 ? objects : undefined;
  if (byFile instanceof FileReplaced && byFile.path === path)
    return new FileReplaced(byFile.base, path, replaced);
  const view = new FileReplaced(byFile, path, replaced);
  return view.depth > MAX_VIEW_DEPTH ? new Map(view) : view;
}

const MAX_VIEW_DEPTH = 4;

class FileReplaced implements ReadonlyMap<string, RenderedObject[]> {
  readonly depth: number;

  constructor(
    readonly base: ReadonlyMap<string, RenderedObject[]>,
    readonly path: string,
    private readonly objects: RenderedObject[] | undefined,
  ) {
    this.depth = base instanceof FileReplaced ? base.depth + 1 : 1;
  }

  get size(): number {
    const before = this.base.has(this.path) ? 1 : 0;
    const after = this.objects ? 1 : 0;
    return this.base.size - before + after;
  }

  get(key: string): RenderedObject[] | undefined {
    return key === this.path ? this.objects : this.base.get(key);
  }

  has(key: string): boolean {
    return key === this.path ? this.objects !== undefined : this.base.has(key);
  }

  *entries(): MapIterator<[string, RenderedObject[]]> {
    let seen = false;
    for (const entry of this.base) {
      if (entry[0] !== this.path) yield entry;
      else {
        seen = true;
        if (this.objects) yield [this.path, this.objects];
      }
    }
    if (!seen && this.objects) yield [this.path, this.objects];
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<RenderedObject[]> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(
    callback: (value: RenderedObject[], key: string, map: ReadonlyMap<string, RenderedObject[]>) => void,
  ): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }

  [Symbol.iterator](): MapIterator<[string, RenderedObject[]]> {
    return this.entries();
  }
}

/** A rendering's objects grouped by the file they come from, in rendering order (one map per rendering). */
export function objectsByFile(rendering: Rendering): ReadonlyMap<string, RenderedObject[]> {
  let byFile = objectsByFileOf.get(rendering);
  if (!byFile) {
    const map = new Map<string, RenderedObject[]>();
    for (const object of rendering.objects) {
      const file = object.origin.source.path;
      const list = map.get(file);
      if (list) list.push(object);
      else map.set(file, [object]);
    }
    byFile = map;
    objectsByFileOf.set(rendering, byFile);
  }
  return byFile;
}
