import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type Analysis,
  analyseWorkspace,
  checks,
  getModel,
  type MeshModel,
  runChecks,
  setFile,
} from '../../shared/src';
import type { Check } from '../../shared/src/checks/check';
import { cellLayout, cellViews } from '../../shared/src/model/cells';
import { GLOBAL_SHARD } from '../../shared/src/model/shards';
import type { TopologyAspect } from '../../shared/src/topology/topology-diff';
import { exampleFiles as bookinfoFiles, fuzzParameters, mutate, mutationStep } from '../fuzz/inputs';
import { modelShape, THROW, workspaceOf } from '../helpers/big-namespace';
import { findingsAsData, offeredFindingsAsData } from '../helpers/checks';
import { filesUnder as exampleFiles } from '../helpers/example-host';
import { parseFixture } from '../helpers/fixture';
import { exampleWorkspace, gitopsExample, kustomizeExample } from '../helpers/paths';
import { randomWorkspace } from '../helpers/random-workspace';

// An edit of the topology file that places every file as before and keeps every cluster's segment
// and domain keeps every shard of the model (model/build-model.ts), and re-runs only the checks
// that read what changed of the topology (`Check.readsTopology`). Both shortcuts are held here to a
// fresh full run, on every documented example, the example workspaces and random workspaces, for
// edits of links, networks, regions, zones, segments, domains and severities.

const TOPOLOGY = 'mesh-topology.yaml';

function filesUnder(root: string): Map<string, string> {
  return new Map(exampleFiles(root));
}

/** The documented examples, the example workspaces, random ones (`withTopology`: those with a topology file). */
function corpus(withTopology = true): { name: string; files: Map<string, string> }[] {
  const workspaces: { name: string; files: Map<string, string> }[] = [];
  for (const check of checks)
    for (const side of ['wrong', 'fixed'] as const) {
      const files = new Map(parseFixture(check.example[side]).map((file) => [file.path, file.text]));
      workspaces.push({ name: `${check.code} ${side}`, files });
    }
  for (const root of [exampleWorkspace, kustomizeExample, gitopsExample])
    workspaces.push({ name: root, files: filesUnder(root) });
  workspaces.push({ name: 'clusters by folder and modeline', files: undeclaredClusters() });
  fc.sample(randomWorkspace, { seed: 20261204, numRuns: 12 }).forEach((files, index) => {
    workspaces.push({ name: `random ${index}`, files });
  });
  return workspaces.filter(({ files }) => !withTopology || files.has(TOPOLOGY));
}

/** Clusters the topology file does not declare (by folder, by modeline), in a segment by their istio-system Namespace. */
function undeclaredClusters(): Map<string, string> {
  const service = (scope: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  labels: { solo.io/service-scope: ${scope} }\nspec:\n  selector: { app: web }\n  ports: [{ port: 80 }]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { matchLabels: { app: web } }\n  template: { metadata: { labels: { app: web } } }\n`;
  const route = (host: string) =>
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: to-web, namespace: shop }\nspec:\n  hosts: [${host}]\n  http: [{ route: [{ destination: { host: ${host} } }] }]\n`;
  return new Map([
    [
      TOPOLOGY,
      'segments:\n  payments: { domain: payments.mesh }\nlinks:\n  - { from: east, to: west }\n  - { between: [west, north] }\n',
    ],
    ['clusters/east/web.yaml', service('global')],
    ['clusters/west/web.yaml', service('segment')],
    [
      'clusters/west/istio-system.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n  labels: { admin.solo.io/segment: payments }\n',
    ],
    ['clusters/east/route.yaml', route('web.shop.mesh.internal')],
    ['apps/north.yaml', `# mesh-lens: cluster=north\n${route('web.shop.payments.mesh')}`],
  ]);
}

// ---- which checks read which aspects ------------------------------------------------------------

const ASPECT_OF: Record<string, TopologyAspect> = {
  clusters: 'clusters',
  segments: 'segments',
  links: 'links',
  reachable: 'links',
};

/** The model as a check sees it, noting each aspect of the topology read through it. */
function recording(model: MeshModel, reads: Set<TopologyAspect>): MeshModel {
  const topology = new Proxy(model.topology, {
    get(target, property) {
      const aspect = ASPECT_OF[String(property)];
      if (aspect) reads.add(aspect);
      return Reflect.get(target, property, target);
    },
  });
  return new Proxy(model, {
    get: (target, property) => (property === 'topology' ? topology : Reflect.get(target, property, target)),
  });
}

/** What of the topology each check read, its fixes built, on every cell of a model. */
function aspectsRead(model: MeshModel): Map<Check, Set<TopologyAspect>> {
  const read = new Map<Check, Set<TopologyAspect>>();
  for (const shard of model.shards.values()) {
    const layout = cellLayout(shard, model);
    for (const view of cellViews(layout, new Set(layout.keys)).values())
      for (const check of checks) {
        const reads = read.get(check) ?? new Set();
        read.set(check, reads);
        for (const finding of check.run(view, recording(model, reads))) finding.fixes();
      }
  }
  return read;
}

describe('topology edits', () => {
  test('every check declares what of the topology it reads (its fixes included)', () => {
    const undeclared = new Map<string, Set<string>>();
    for (const { name, files } of corpus(false)) {
      const model = getModel(workspaceOf(files));
      for (const [check, reads] of aspectsRead(model))
        for (const aspect of reads)
          if (!check.readsTopology?.includes(aspect)) {
            const where = undeclared.get(`${check.code} ${aspect}`) ?? new Set();
            where.add(name);
            undeclared.set(`${check.code} ${aspect}`, where);
          }
    }
    assert.deepEqual(
      [...undeclared].map(([read, where]) => `${read} (${[...where].slice(0, 3).join('; ')})`),
      [],
      'checks read aspects of the topology they do not declare',
    );
  });
});

// ---- edits of the topology file -----------------------------------------------------------------

interface TopologyEdit {
  name: string;
  text: string;
}

const LINK_ITEM = /^(\s*)-\s*(\{\s*)?(between|from)\b/;

/** Small edits a user makes to a topology file: links, networks, regions, zones, segments, domains, severities. */
function topologyEdits(text: string): TopologyEdit[] {
  const lines = text.split('\n');
  const edits: TopologyEdit[] = [];
  const names = [...text.matchAll(/^ {2}([\w-]+):\s*\{\s*paths/gm)].map((match) => match[1] as string);
  const [first = 'east', second = 'west'] = names;
  lines.forEach((line, index) => {
    if (LINK_ITEM.test(line))
      edits.push({
        name: `link on line ${index} removed`,
        text: lines.filter((_, at) => at !== index).join('\n'),
      });
  });
  const links = lines.findIndex((line) => /^links:/.test(line));
  const added = (link: string) =>
    links < 0
      ? `${text.endsWith('\n') ? text : `${text}\n`}links:\n  - ${link}\n`
      : [...lines.slice(0, links + 1), `  - ${link}`, ...lines.slice(links + 1)].join('\n');
  edits.push({ name: 'a link added', text: added(`{ from: ${second}, to: ${first} }`) });
  edits.push({ name: 'a link to no cluster added', text: added(`{ from: ${first}, to: nowhere }`) });
  for (const match of text.matchAll(/\b(network|region|zone|domain|segment): ([\w.-]+)/g)) {
    const at = (match.index ?? 0) + match[0].length;
    edits.push({ name: `${match[1]} ${match[2]} changed`, text: `${text.slice(0, at)}x${text.slice(at)}` });
  }
  for (const match of text.matchAll(/, segment: [\w.-]+/g)) {
    const at = match.index ?? 0;
    edits.push({ name: `${match[0]} removed`, text: text.slice(0, at) + text.slice(at + match[0].length) });
  }
  const ended = text.endsWith('\n') ? text : `${text}\n`;
  if (!/^severity:/m.test(text))
    edits.push({ name: 'severities set', text: `${ended}severity:\n  MESH101: off\n  MESH123: warning\n` });
  edits.push({ name: 'a comment appended', text: `${ended}# reviewed\n` });
  return edits;
}

/** The topology as data: what every check may read of it. */
function topologyShape(model: MeshModel): unknown {
  const { clusters, segments, links, reachable, findings } = model.topology;
  return JSON.parse(
    JSON.stringify({
      clusters: [...clusters.values()],
      segments: [...segments.values()],
      links,
      reachable: [...reachable].map(([from, to]) => [from, [...to]]),
      findings: findings.map(({ fixes: _fixes, ...finding }) => finding),
      severity: [...model.severityOverrides],
      peering: model.peeringGateways.map((peering) => [peering.cluster, peering.gateway.name, peering.peer]),
    }),
  );
}

/** Sets the texts, analyses incrementally and holds the result to a fresh full run; returns the analysis. */
function editAndCompare(
  files: Map<string, string>,
  workspace: ReturnType<typeof workspaceOf>,
  previous: Analysis,
  texts: Record<string, string>,
  what: string,
): Analysis {
  for (const [path, text] of Object.entries(texts)) {
    setFile(workspace, path, text);
    files.set(path, text);
  }
  const { analysis, changedFiles } = analyseWorkspace(workspace, previous, THROW);
  const freshModel = getModel(workspaceOf(files));
  const fresh = runChecks(freshModel, THROW);
  assert.deepEqual(
    offeredFindingsAsData(analysis),
    findingsAsData(fresh),
    `${what}: differs from a fresh run`,
  );
  assert.deepEqual(modelShape(analysis.model), modelShape(freshModel), `${what}: the model differs`);
  assert.deepEqual(topologyShape(analysis.model), topologyShape(freshModel), `${what}: the topology differs`);
  if (changedFiles !== 'all') {
    const shown = (list: Analysis) =>
      new Map(
        [...new Set(list.findings().map((finding) => finding.file))].map((file) => [
          file,
          JSON.stringify(
            list
              .findings()
              .filter((finding) => finding.file === file)
              .map(({ fixes: _fixes, ...finding }) => finding),
          ),
        ]),
      );
    const before = shown(previous);
    const after = shown(analysis);
    for (const file of new Set([...before.keys(), ...after.keys()]))
      if (before.get(file) !== after.get(file))
        assert.ok(changedFiles.has(file), `${what}: ${file}'s findings changed but it is not reported`);
  }
  return analysis;
}

/** Whether an analysis kept every shard of the previous one's model but the global one. */
function keptShards(previous: Analysis, analysis: Analysis): boolean {
  return [...analysis.model.shards].every(
    ([key, shard]) => key === GLOBAL_SHARD || previous.model.shards.get(key) === shard,
  );
}

describe('topology edits keep what they can', () => {
  test('findings, model and topology after each edit (and after undoing it) equal a fresh run', () => {
    let edits = 0;
    let kept = 0;
    for (const { name, files: original } of corpus()) {
      const topology = original.get(TOPOLOGY) as string;
      const files = new Map(original);
      const workspace = workspaceOf(files);
      let analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
      for (const edit of topologyEdits(topology)) {
        const before = analysis;
        analysis = editAndCompare(
          files,
          workspace,
          analysis,
          { [TOPOLOGY]: edit.text },
          `${name}, ${edit.name}`,
        );
        edits++;
        if (keptShards(before, analysis)) kept++;
        analysis = editAndCompare(
          files,
          workspace,
          analysis,
          { [TOPOLOGY]: topology },
          `${name}, ${edit.name} undone`,
        );
      }
    }
    assert.ok(edits > 200, `${edits} edits`);
    assert.ok(kept > edits / 3, `only ${kept} of ${edits} edits kept the shards`);
  });

  test('a link edit keeps every shard and re-runs only the reachability check', () => {
    const files = filesUnder(exampleWorkspace);
    const topology = files.get(TOPOLOGY) as string;
    const workspace = workspaceOf(files);
    const previous = analyseWorkspace(workspace, undefined, THROW).analysis;
    const [removed] = topologyEdits(topology).filter((edit) => edit.name.startsWith('link on line'));
    assert.ok(removed, 'the example has links');
    const analysis = editAndCompare(
      files,
      workspace,
      previous,
      { [TOPOLOGY]: removed.text },
      'a link removed',
    );
    assert.ok(keptShards(previous, analysis), 'every shard is kept');
    for (const [cell, found] of analysis.shards) {
      if (cell === GLOBAL_SHARD || found === previous.shards.get(cell)) continue;
      const codes = (list: readonly { code: string }[] = []) =>
        list.filter((finding) => finding.code !== 'MESH123');
      assert.deepEqual(
        codes(found),
        codes(previous.shards.get(cell)),
        `${cell}: only MESH123 findings changed`,
      );
    }
  });

  test('edits of the topology and of manifests between two analyses are caught up together', () => {
    const files = filesUnder(exampleWorkspace);
    const topology = files.get(TOPOLOGY) as string;
    const workspace = workspaceOf(files);
    let analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
    const [link, , network] = topologyEdits(topology).filter((edit) => /link|network/.test(edit.name));
    const manifest = [...files.keys()].find(
      (path) => path !== TOPOLOGY && /global/.test(files.get(path) ?? ''),
    );
    assert.ok(link && network && manifest);
    // Each setFile builds no model: the analysis catches up with the models built since its own.
    setFile(workspace, TOPOLOGY, link.text);
    getModel(workspace);
    setFile(workspace, TOPOLOGY, network.text);
    getModel(workspace);
    const relabeled = (files.get(manifest) as string).replace('global', 'cluster');
    analysis = editAndCompare(
      files,
      workspace,
      analysis,
      { [TOPOLOGY]: network.text, [manifest]: relabeled },
      'caught up',
    );
    editAndCompare(files, workspace, analysis, { [TOPOLOGY]: topology }, 'topology back');
  });

  test('fuzz: manifest edits and topology edits in any order equal a fresh run', () => {
    // A model updated for manifest edits keeps the topology's inputs (model/build-model.ts): a
    // topology edit after them must still build what a fresh run builds.
    const step = fc.oneof(
      fc.record({
        topology: fc.constant(false),
        mutations: fc.array(mutationStep, { minLength: 1, maxLength: 2 }),
      }),
      fc.record({ topology: fc.constant(true), edit: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(bookinfoFiles()), randomWorkspace),
        fc.array(step, { minLength: 2, maxLength: 6 }),
        (original, steps) => {
          const topology = original.get(TOPOLOGY) ?? '';
          const edits = topologyEdits(topology);
          const files = new Map(original);
          const workspace = workspaceOf(files);
          let analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
          steps.forEach((next, index) => {
            let texts: Record<string, string>;
            if (next.topology) texts = { [TOPOLOGY]: (edits[next.edit % edits.length] as TopologyEdit).text };
            else {
              const manifests = new Map([...files].filter(([path]) => path !== TOPOLOGY));
              texts = Object.fromEntries(mutate(manifests, next.mutations));
            }
            analysis = editAndCompare(files, workspace, analysis, texts, `step ${index}`);
          });
        },
      ),
      { ...fuzzParameters(20), includeErrorInReport: true },
    );
  });
});
