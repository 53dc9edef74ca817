import type { ClusterEntryRow, ClusterProblem, ClusterRow } from './features/cluster-views';
import type { GlobalServiceRow } from './features/global-services';
import type { Position, Range } from './text/source';

export type { ClusterProblem };

// Mesh Lens's custom LSP messages, shared by the server and the VS Code client (docs/protocol.md).
// Plain JSON types: no vscode or vscode-languageserver imports, so both sides can use them.

/** Request `meshLens/globalServices`: every workspace folder's global services and clusters. */
export const GLOBAL_SERVICES_REQUEST = 'meshLens/globalServices';

export interface GlobalServicesResult {
  folders: {
    uri: string;
    clusters: string[];
    services: (Omit<GlobalServiceRow, 'clusters'> & {
      clusters: (Omit<GlobalServiceRow['clusters'][number], 'file'> & { uri: string })[];
    })[];
  }[];
}

/** Request `meshLens/reach`: which endpoints a client in `cluster` uses for `hostname` (SPEC §3). */
export const REACH_REQUEST = 'meshLens/reach';

export interface ReachParams {
  hostname: string;
  cluster: string;
  /** The workspace folder; the first one when omitted. */
  folderUri?: string;
  namespace?: string;
}

export interface ReachResult {
  hostname: string;
  from: string;
  mode: string;
  chosen: { cluster: string; endpoints: number }[];
  explanation: string;
  /** The global service the hostname resolves to (a local name through takeover too); absent: none. */
  service?: string;
}

/** Notification `meshLens/status`, sent after every analysis: what the status bar shows. */
export const STATUS_NOTIFICATION = 'meshLens/status';

export interface StatusParams {
  scanning: boolean;
  clusters: number;
  globalServices: number;
  problems: number;
}

/** Command (workspace/executeCommand) that applies every preferred fix in every folder. */
export const FIX_ALL_IN_WORKSPACE_COMMAND = 'meshLens.fixAllInWorkspace';

/**
 * Command (workspace/executeCommand) that runs the topology file's `render:` commands again, in every
 * folder where running them is allowed (a trusted workspace with `meshLens.render.enable` on).
 */
export const RUN_RENDER_COMMANDS_COMMAND = 'meshLens.runRenderCommands';

/**
 * Notification `meshLens/workspaceTrusted`, from client to server: the user has just trusted the
 * workspace. The server starts trusting it with `initializationOptions.workspaceTrusted: true`; an
 * editor without workspace trust says so when the user's own configuration enables rendering.
 */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'meshLens/workspaceTrusted';

/** Client-side command run by code lenses: arguments `[uri, position, locations]`. */
export const SHOW_INSTANCES_COMMAND = 'meshLens.showInstances';

export interface ShowInstancesArguments {
  uri: string;
  position: Position;
  locations: { uri: string; range: Range }[];
}

/** Request `meshLens/meshMap`: the mesh map (issue #19) of a workspace folder, as `mesh-lens graph` draws it. */
export const MESH_MAP_REQUEST = 'meshLens/meshMap';

export interface MeshMapParams {
  /** The workspace folder; the first one when omitted. */
  folderUri?: string;
  /** Draw this global service only; ignored when the folder has no such service. */
  service?: string;
  /** With `service`: the route of its traffic from this cluster; ignored for an unknown cluster. */
  from?: string;
}

export interface MeshMapResult {
  folderUri: string;
  /** The map in Graphviz's DOT language (`mesh-lens graph --format dot`); the client lays it out. */
  dot: string;
  /** One sentence describing the map, for screen readers. */
  summary: string;
  /** Every global service and every cluster of the folder, for pickers. */
  services: string[];
  clusters: string[];
  /** The service and cluster the map was drawn for, after the server dropped unknown ones. */
  service?: string;
  from?: string;
  /** With `service` and `from`: the reach answer's heading and explanation. */
  explanation?: string;
  /** With `service` and `from`: the reach panel, every instance of the service and whether the client uses it. */
  route?: MeshMapRoute;
  /** Where each drawn node's manifest is: a cluster's topology entry, a Service. By node `id` in the DOT. */
  targets: { id: string; uri: string; range: Range }[];
}

/** A place the client can open: a file, and where in it (absent: the top). */
export interface OpenTarget {
  uri: string;
  range?: Range;
}

/** Request `meshLens/clusters`: every folder's clusters, their entry points and the files each places. */
export const CLUSTERS_REQUEST = 'meshLens/clusters';

export interface ClustersResult {
  folders: {
    uri: string;
    clusters: (Pick<ClusterRow, 'name' | 'via'> & {
      /** The topology file's entry for the cluster. */
      declaredAt?: OpenTarget;
      entries: (Pick<ClusterEntryRow, 'via' | 'label'> & { origin?: OpenTarget; files: string[] })[];
    })[];
  }[];
}

/** Request `meshLens/problemsByCluster`: every folder's findings by the clusters their files land in. */
export const PROBLEMS_BY_CLUSTER_REQUEST = 'meshLens/problemsByCluster';

export interface ProblemsByClusterResult {
  folders: {
    uri: string;
    clusters: {
      /** Absent: files placed in no cluster of the mesh (the topology file). */
      cluster?: string;
      files: { uri: string; problems: ClusterProblem[] }[];
    }[];
  }[];
}

/** The reach of one service from one cluster, as the Mesh Map's reach panel lists it. */
export interface MeshMapRoute {
  /** The code lens's words: `2 endpoints in cluster1 (PreferClose)`. */
  summary: string;
  instances: {
    /** The node of the instance in `targets`: opens its manifest. */
    target: string;
    cluster: string;
    /** The manifest's workspace path, as the panel shows it. */
    file: string;
    endpoints: number;
    exported: boolean;
    /** `yes: chosen`, `yes, not chosen by PreferClose`, `no: no link from cluster0 to cluster2`, … */
    reachable: string;
  }[];
}

// How the server's node process is started: by the extension, by the tests and the benchmark, and
// (the README's "Other editors") by hand. Node gives V8 four background threads whatever the
// machine, for the collector's marking and sweeping and the optimising compiler. On two cores they
// outnumber the cores and take them from the thread that answers the editor: traced on a two-vCPU
// machine, an edit of a base shared by 20 overlays that took over 12 ms spent 6–8 ms of it waiting to
// run while the process used twice its wall time; one background thread made the cold start at 10k
// about 10 % faster and the slowest 5 % of edits 5–20 % faster (docs/decisions.md). From five cores on,
// node's own four stand. Electron, which runs the server in VS Code desktop, accepts the option and
// keeps its own thread pool.
const NODE_POOL_THREADS = 4;

/** The node options the language server runs with on a machine with `cores` logical cores. */
export function serverNodeOptions(cores: number): string[] {
  const threads = Number.isFinite(cores)
    ? Math.min(NODE_POOL_THREADS, Math.max(1, Math.floor(cores) - 1))
    : 1;
  return threads === NODE_POOL_THREADS ? [] : [`--v8-pool-size=${threads}`];
}
