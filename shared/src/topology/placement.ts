import picomatch from 'picomatch';
import type { RenderedObject } from '../kustomize/types';
import { settledList } from '../util/settled';
import { type Located, plainLocated } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import type { TopologyDeclaration } from './topology-file';
import { type Cluster, DEFAULT_CLUSTER, type Origin } from './types';

/** How a placement was decided: SPEC §6's ways, a kustomization that rendered the file, a GitOps controller (§9). */
export type PlacementVia = Cluster['via'] | 'kustomize' | 'gitops';

/**
 * One file applied to one cluster (SPEC §9). A file has one placement or several (a base included by
 * one overlay per cluster, a glob listed under two clusters); each decides its objects' cluster, the
 * namespace they default to, and, when a kustomization rendered them, the objects themselves.
 */
export interface Placement {
  file: string;
  cluster: string;
  via: PlacementVia;
  /** The modeline, when that is what decided. */
  modeline?: Located<string>;
  /** The namespace objects without one land in (a path entry's or a kustomization's); else `default`. */
  namespace?: Located<string>;
  /** What placed the file, when it is not the file itself: the topology's path entry, the entry kustomization. */
  entry?: Origin;
  /** The file's objects as the entry kustomization renders them; absent: the file's own resources. */
  rendered?: RenderedObject[];
  /**
   * Whether a file the rendering read besides the objects' own (a kustomization, a patch) mentions the
   * mesh: if none does, a value it wrote cannot hold a mesh hostname (the string-value scan skips it).
   */
  renderedFromMeshText?: boolean;
  /** The GitOps controller (an Argo CD Application, a Flux Kustomization) that deploys it, when one does. */
  controller?: Origin;
}

interface CompiledPath {
  cluster: string;
  test: (path: string) => boolean;
  namespace?: Located<string>;
  entry: Origin;
}

const compiledPaths = new WeakMap<TopologyDeclaration, CompiledPath[]>();

// A file's plain placements depend only on its text and the topology file: remembered per parse, so
// a model rebuilt after an edit does not test every path against every glob again.
const placements = new WeakMap<ParsedFile, { key: string; placements: Placement[] }>();

/**
 * Where a file's manifests are applied, by SPEC §6's precedence refined by §9: every cluster whose
 * topology paths match it (paths may overlap), else its modeline, else the `clusters/<name>/`
 * convention, else the implicit `default` cluster. Kustomizations come on top (topology/place-workspace).
 */
export function placeFile(parsed: ParsedFile, topology: TopologyDeclaration | undefined): Placement[] {
  const key = placementKey(topology);
  const known = placements.get(parsed);
  if (known?.key === key) return known.placements;
  const decided = decidePlacements(parsed, topology);
  placements.set(parsed, { key, placements: decided });
  return decided;
}

const placementKeys = new WeakMap<TopologyDeclaration, string>();

/**
 * What placing files reads of the topology file, as text: its path, and each cluster's name, render
 * command and path entries, with their ranges (a placement points at its entry; MESH192 quotes a
 * render command that has not run). An edit of the topology file that leaves these as they were (a
 * link, a segment, a severity) places every file as before, without testing its path against every
 * glob again.
 */
function placementKey(topology: TopologyDeclaration | undefined): string {
  if (!topology) return '';
  let key = placementKeys.get(topology);
  if (key === undefined) {
    key = JSON.stringify([
      topology.file,
      topology.clusters.map((cluster) => [
        cluster.name.value,
        cluster.render && [cluster.render.value, cluster.render.range],
        cluster.paths.map((path) => [path.glob.value, path.namespace, path.range]),
      ]),
    ]);
    placementKeys.set(topology, key);
  }
  return key;
}

/**
 * Whether two topology declarations place every file alike (a file's placements, a kustomization's
 * clusters, a controller's destinations) and report the same MESH192 for a render command that has
 * not run: they read the same clusters, paths and render commands.
 */
export function placesAlike(a: TopologyDeclaration, b: TopologyDeclaration): boolean {
  return placementKey(a) === placementKey(b);
}

/** Where a cluster's render command's output stands in the workspace: never on disk, never written. */
export const RENDERED_FOLDER = '.mesh-lens/rendered';

/** Whether a workspace path is where a render command's output is analysed (no file is there). */
export function isRenderedOutput(path: string): boolean {
  return path.startsWith(`${RENDERED_FOLDER}/`);
}

export function renderedOutputPath(cluster: string): string {
  return `${RENDERED_FOLDER}/${cluster}.yaml`;
}

function decidePlacements(parsed: ParsedFile, topology: TopologyDeclaration | undefined): Placement[] {
  const file = parsed.source.path;
  const rendered = topology && renderedOutputPlacement(topology, file);
  if (rendered) return [rendered];
  const fromTopology = topology ? placementsByTopology(topology, file) : [];
  if (fromTopology.length > 0) return fromTopology;
  if (parsed.modelineCluster) {
    return [
      { file, cluster: parsed.modelineCluster.value, via: 'modeline', modeline: parsed.modelineCluster },
    ];
  }
  const fromConvention = clusterFromPath(file);
  if (fromConvention) return [{ file, cluster: fromConvention, via: 'convention' }];
  return [{ file, cluster: DEFAULT_CLUSTER, via: 'default' }];
}

/** `clusters/<name>/…` anywhere in the path (SPEC §6, precedence 3). */
export function clusterFromPath(path: string): string | undefined {
  const match = /(?:^|\/)clusters\/([^/]+)\//.exec(path);
  return match?.[1];
}

/**
 * The placements the topology file's paths give `path`: one per cluster with a matching entry, in the
 * file's order of clusters; a cluster's first matching entry decides its default namespace. A glob
 * naming a folder (`overlays/c1`) matches what is in it, as a kustomization entry folder is written.
 */
export function placementsByTopology(topology: TopologyDeclaration, path: string): Placement[] {
  const found: Placement[] = [];
  for (const entry of compiled(topology)) {
    if (found.some((placement) => placement.cluster === entry.cluster) || !entry.test(path)) continue;
    found.push({
      file: path,
      cluster: entry.cluster,
      via: 'topology',
      namespace: entry.namespace,
      entry: entry.entry,
    });
  }
  // Kept per file for the life of its text: without the room `push` leaves (17 slots for one
  // placement; 3.7 MB at 50,000 resources).
  return settledList(found);
}

/**
 * Whether a workspace path matches a glob, as picomatch's matcher answers (the glob itself, else its
 * regular expression; workspace paths are already `/`-separated), without the result object that
 * matcher makes per call: every file is tested against every cluster's paths at each full build.
 */
export function globTest(glob: string): (path: string) => boolean {
  const regex = picomatch.makeRe(glob, { dot: true });
  return (path) => path !== '' && (path === glob || regex.test(path));
}

function compiled(topology: TopologyDeclaration): CompiledPath[] {
  let paths = compiledPaths.get(topology);
  if (!paths) {
    paths = topology.clusters.flatMap((cluster) =>
      cluster.paths.map((path) => {
        const glob = path.glob.value.replace(/\/+$/, '');
        const matchFile = globTest(glob);
        const matchFolder = globTest(`${glob}/**`);
        return {
          cluster: cluster.name.value,
          test: (file: string) => matchFile(file) || matchFolder(file),
          namespace: path.namespace && { ...plainLocated(path.namespace), file: topology.file },
          entry: { file: topology.file, range: path.range },
        };
      }),
    );
    compiledPaths.set(topology, paths);
  }
  return paths;
}

/** The output of a cluster's `render` command is placed in that cluster, by that command. */
function renderedOutputPlacement(topology: TopologyDeclaration, file: string): Placement | undefined {
  if (!isRenderedOutput(file)) return undefined;
  const cluster = topology.clusters.find((entry) => renderedOutputPath(entry.name.value) === file);
  if (!cluster?.render) return undefined;
  return {
    file,
    cluster: cluster.name.value,
    via: 'topology',
    entry: { file: topology.file, range: cluster.render.range },
  };
}
