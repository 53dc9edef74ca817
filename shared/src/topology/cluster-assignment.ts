import picomatch from 'picomatch';
import type { Located } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse-file';
import type { TopologyDeclaration } from './topology-file';
import { type Cluster, DEFAULT_CLUSTER } from './types';

export interface ClusterAssignment {
  file: string;
  cluster: string;
  via: Cluster['via'];
  /** The modeline, when that is what decided. */
  modeline?: Located<string>;
}

type PathMatcher = (path: string) => string | undefined;
const matchers = new WeakMap<TopologyDeclaration, PathMatcher>();

// A file's cluster depends only on its text and the topology file: remembered per parse, so a model
// rebuilt after an edit does not test every path against every glob again.
const assignments = new WeakMap<
  ParsedFile,
  { topology: TopologyDeclaration | undefined; assignment: ClusterAssignment }
>();

/** Which cluster a file's manifests are applied to, in SPEC §6's order of precedence. */
export function assignCluster(
  parsed: ParsedFile,
  topology: TopologyDeclaration | undefined,
): ClusterAssignment {
  const known = assignments.get(parsed);
  if (known && known.topology === topology) return known.assignment;
  const assignment = decideCluster(parsed, topology);
  assignments.set(parsed, { topology, assignment });
  return assignment;
}

function decideCluster(parsed: ParsedFile, topology: TopologyDeclaration | undefined): ClusterAssignment {
  const path = parsed.source.path;
  const fromTopology = topology && topologyMatcher(topology)(path);
  if (fromTopology) return { file: path, cluster: fromTopology, via: 'topology' };
  if (parsed.modelineCluster) {
    return {
      file: path,
      cluster: parsed.modelineCluster.value,
      via: 'modeline',
      modeline: parsed.modelineCluster,
    };
  }
  const fromConvention = clusterFromPath(path);
  if (fromConvention) return { file: path, cluster: fromConvention, via: 'convention' };
  return { file: path, cluster: DEFAULT_CLUSTER, via: 'default' };
}

/** `clusters/<name>/…` anywhere in the path (SPEC §6, precedence 3). */
export function clusterFromPath(path: string): string | undefined {
  const match = /(?:^|\/)clusters\/([^/]+)\//.exec(path);
  return match?.[1];
}

function topologyMatcher(topology: TopologyDeclaration): PathMatcher {
  let matcher = matchers.get(topology);
  if (!matcher) {
    // Globs are relative to the workspace root; the first cluster (in file order) whose glob matches wins.
    const compiled = topology.clusters.flatMap((cluster) =>
      cluster.paths.map((glob) => ({
        cluster: cluster.name.value,
        test: picomatch(glob.value, { dot: true }),
      })),
    );
    matcher = (path) => compiled.find((entry) => entry.test(path))?.cluster;
    matchers.set(topology, matcher);
  }
  return matcher;
}
