import type { Document, YAMLMap } from 'yaml';
import type { Range } from '../text/source';
import type { ParsedFile } from '../yaml/parse-file';
import type { Resource } from '../yaml/resource';

/**
 * What the Kustomize renderer reads: the workspace's files as the core has them (editor buffers
 * included), never the disk. Paths are workspace-relative with forward slashes.
 */
export interface KustomizeWorkspace {
  /** The parse of a workspace file, or undefined when the workspace has no such (YAML) file. */
  file(path: string): ParsedFile | undefined;
  /** The paths of the files directly in `folder` ('' is the root), in the workspace's order. */
  filesIn(folder: string): readonly string[];
  /** Whether `folder` holds any file, at any depth: a folder resource that exists but holds no YAML. */
  hasFolder(folder: string): boolean;
  /**
   * The YAML documents of one of its files, for a caller that renders several kustomizations over
   * the same files (every overlay reads the same bases) and keeps them for all of those renderings.
   * Without it each rendering reads `ParsedFile.documents` once per file, which re-parses the text
   * when the document cache let it go. The documents are only read, never changed.
   */
  documents?(parsed: ParsedFile): Document.Parsed[];
  /**
   * Inline patches parsed, by their text (null: it does not parse), kept for every rendering over
   * these files: the same patch is written in many kustomizations (a component per workload, each
   * setting its service account), and each rendering parsed its own. Without it, each rendering
   * keeps its own.
   */
  inlinePatches?: Map<string, Document.Parsed[] | null>;
  /**
   * The text of a workspace file that `file` does not parse (a generator's `.properties`, `.env` or
   * `.json` source), or undefined when the workspace does not hold it. YAML files are read through
   * `file`. Without it, only YAML files can be generator sources.
   */
  text?(path: string): string | undefined;
}

/**
 * One object of `kustomize build`'s output. `node` is the object after every transformation, made
 * of the origin document's nodes where they were kept (cloned, offsets into the origin file) and of
 * nodes written in kustomizations and patches where those set or changed a value (each marked with
 * `markWrittenIn`, so its range is read in its own file). It holds no aliases (they are resolved
 * while rendering), so it can be read with `doc` alone.
 */
export interface RenderedObject {
  /** The resource, in its workspace file, that the object comes from (the base's document). */
  origin: Resource;
  node: YAMLMap;
  /** A document whose contents are `node`, to read it with the yaml helpers. */
  doc: Document.Parsed;
  /** The kustomization files the object went through, from the entry point down to the one that listed it. */
  through: readonly string[];
  /**
   * Set when `node` is the very tree other overlays' renderings hold too (a base re-rendered for an
   * edit, handed as it is to overlays that only gather it): their facts are the same (model/placed-facts.ts).
   */
  sharedTree?: true;
}

/** Something a rendering could not follow (SPEC §9, MESH192): the rest is still rendered. */
export interface RenderNote {
  /** The kustomization (or patch) file that asks for it. */
  file: string;
  /** The node that asks for it: the feature's key, or the entry that cannot be read. */
  range: Range;
  /** What was left out, for the message: `helmCharts`, `remote resource github.com/…`, `missing path ../base`. */
  feature: string;
}

export interface Rendering {
  /** The entry point's kustomization file. */
  kustomization: string;
  objects: RenderedObject[];
  notes: RenderNote[];
  /** Every workspace file the rendering read (kustomizations, resources, patches, components). */
  reads: ReadonlySet<string>;
  /** The files it read as something other than a resource: kustomizations, components, patch files. */
  notResources: ReadonlySet<string>;
}
