import type { MeshIndex, Shard } from '../model/types';
import type { Finding, Severity } from '../text/findings';
import type { TopologyAspect } from '../topology/topology-diff';

/** One diagnostic code of SPEC §7: what it is, how it is documented, and how it is found. */
export interface Check {
  code: string;
  /** The kebab-case name after the code in SPEC §7. */
  name: string;
  severity: Severity;
  /** What goes wrong at runtime and how to fix it: one paragraph, shown in docs, hover and SARIF. */
  description: string;
  /**
   * A minimal workspace that triggers the check and the same workspace fixed, in the inline format
   * (`//- path` headers). docs/diagnostics.md is generated from it, and a test proves that `wrong`
   * triggers this code and `fixed` does not.
   */
  example: { wrong: string; fixed: string };
  /**
   * Finds the check's problems in one shard (a namespace of every cluster, or the global shard;
   * model/shards.ts): it walks the shard's lists and looks things up in the mesh's index (a sibling
   * in another cluster, what a hostname resolves to). The analysis runs it on every shard, and after
   * an edit on the shards the edit touched. A check whose findings depend on more of the mesh than
   * the lookups its shard's elements make says so in `beyondShard`.
   */
  run(shard: Shard, mesh: MeshIndex): Finding[];
  /** What the check reads beyond its shard, so that the incremental analysis knows when to re-check it. */
  beyondShard?: BeyondShard;
  /**
   * Set when a finding's message, related locations or fixes read other Services of its namespace
   * than the ones its own unit holds (which Services select a workload's pods, which a Namespace label
   * would also export), though whether it is found depends on its unit alone (model/cells.ts). The
   * analysis then checks a cell holding one of its findings again whenever its namespace changes.
   */
  readsNamespace?: boolean;
  /**
   * Set when only a finding's fixes read other Services of its namespace (which a Namespace label would
   * also export): whether it is found, its message and its related locations depend on its unit alone.
   * The analysis does not check its cell again when the rest of the namespace changes; when fixes are
   * asked for, the finding is found again in the current model and gives them (analysis/current-fixes.ts).
   */
  fixesReadNamespace?: boolean;
  /**
   * Set when the check's findings in a file can never depend on any other file: not on where the
   * file is placed (the topology file, kustomizations, Argo CD or Flux objects), not on what other
   * files declare, not on a kustomization's labels or patches. Its findings in an open document are
   * then shown as soon as that document is parsed, before the workspace is completely read
   * (`MeshLens.fileLocalFindingsOf`). A finding that names a cluster, a global hostname or another
   * resource is not file-local.
   */
  fileLocal?: boolean;
  /**
   * What of the topology (`mesh.topology`) the check reads, directly or through helpers (`canSend`,
   * `domainOf`, `meshDomains`, …), its fixes included. After an edit of the topology file that keeps
   * every shard (a link, a network), only the checks reading what changed run again; the others'
   * findings are kept. A test holds every check to its declaration (test/core/topology-edits.test.ts).
   */
  readsTopology?: readonly TopologyAspect[];
}

export interface BeyondShard {
  /**
   * The check reads every global hostname of the mesh (MESH121's did-you-mean). `watched` lists
   * what in a shard depends on them; when a hostname appears or goes away anywhere, the shards
   * with a watched value it `affects` are checked again.
   */
  hostnames: {
    watched(shard: Shard, mesh: MeshIndex): string[];
    affects(watched: string, hostname: string): boolean;
  };
}
