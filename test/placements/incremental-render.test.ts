import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Analysis,
  analyseWorkspace,
  createWorkspace,
  getModel,
  runChecks,
  setFile,
  type Workspace,
} from '../../shared/src';
import { renderingsOf } from '../../shared/src/model/build-model';
import { findingsAsData, offeredFindingsAsData } from '../helpers/checks';
import { parseFixture } from '../helpers/fixture';

// SPEC §9, "the editor follows placements": an edit in an overlay re-renders only the clusters it
// feeds; an edit in a base re-renders every overlay that reads it. Either way the findings are those
// of a build from scratch.

const fixture = `
  //- base/kustomization.yaml
  resources: [reviews.yaml]
  //- base/reviews.yaml
  apiVersion: v1
  kind: Service
  metadata: { name: reviews, namespace: bookinfo }
  spec: { selector: { app: reviews }, ports: [{ port: 9080 }] }
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: { name: reviews, namespace: bookinfo }
  spec: { template: { metadata: { labels: { app: reviews } } } }
  //- overlays/east/kustomization.yaml
  resources: [../../base]
  labels: [{ pairs: { solo.io/service-scope: global } }]
  //- overlays/west/kustomization.yaml
  resources: [../../base]
  //- overlays/north/kustomization.yaml
  resources: [../../base]
  labels: [{ pairs: { solo.io/service-scope: global } }]
`;

function workspaceOf(files: { path: string; text: string }[]): Workspace {
  const workspace = createWorkspace();
  for (const file of files) setFile(workspace, file.path, file.text);
  return workspace;
}

/** The findings as plain text, to compare an incremental build with one from scratch. */
function findingsOf(workspace: Workspace): string[] {
  return runChecks(getModel(workspace)).map(
    (finding) =>
      `${finding.code} ${finding.file}:${finding.range.start.line}:${finding.range.start.character} ${finding.message}`,
  );
}

function edited(workspace: Workspace, path: string, text: string) {
  const before = renderingsOf(getModel(workspace));
  setFile(workspace, path, text);
  const after = renderingsOf(getModel(workspace));
  const kept = [...after]
    .filter(([folder, rendering]) => before.get(folder) === rendering)
    .map(([folder]) => folder);
  return kept.sort();
}

describe('incremental rendering', () => {
  test('an edit in one overlay re-renders that overlay only, and finds what a fresh build finds', () => {
    const files = parseFixture(fixture);
    const workspace = workspaceOf(files);
    assert.deepEqual(findingsOf(workspace).filter((line) => line.startsWith('MESH101')).length, 1);
    const west = 'resources: [../../base]\nlabels: [{ pairs: { solo.io/service-scope: global } }]\n';
    assert.deepEqual(edited(workspace, 'overlays/west/kustomization.yaml', west), [
      'overlays/east',
      'overlays/north',
    ]);
    const fresh = workspaceOf(
      files.map((file) =>
        file.path === 'overlays/west/kustomization.yaml' ? { ...file, text: west } : file,
      ),
    );
    assert.deepEqual(findingsOf(workspace), findingsOf(fresh));
    assert.deepEqual(
      findingsOf(workspace).filter((line) => line.startsWith('MESH101')),
      [],
    );
  });

  test('an edit in the base re-renders every overlay (each the edited file only, model/rerendered.ts)', () => {
    const files = parseFixture(fixture);
    const workspace = workspaceOf(files);
    const base = files.find((file) => file.path === 'base/reviews.yaml')?.text ?? '';
    assert.deepEqual(edited(workspace, 'base/reviews.yaml', base.replace('9080', '9081')), []);
  });

  test('a file added renders everything again (what a kustomization finds may change)', () => {
    const workspace = workspaceOf(parseFixture(fixture));
    assert.deepEqual(
      edited(
        workspace,
        'overlays/west/extra.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
      ),
      [],
    );
  });
});

// An edit of a base's resource file re-renders only that file's objects in each overlay and updates
// the model like any edit (kustomize/rerender.ts, model/rerendered.ts), or falls back to a full
// build. Either way, after every step the findings, their related locations and their fixes must be
// those of a full analysis of the same texts; `changedFiles` says which way it went.

const THROW = {
  onCheckError: (check: { code: string }, error: unknown) => {
    throw new Error(`check ${check.code} threw: ${(error as Error)?.stack ?? error}`);
  },
};

const CLUSTERS = ['east', 'west', 'north', 'south'];
const SERVICES = ['reviews', 'ratings', 'details', 'cart'];

function service(name: string, scope: string | undefined = 'global', port = 9080): string {
  const labels = scope === undefined ? '' : `\n  labels:\n    solo.io/service-scope: ${scope}`;
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}${labels}\nspec:\n  selector: { app: ${name} }\n  ports: [{ name: http, port: ${port} }]\n`;
}

function deployment(name: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name} }\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template: { metadata: { labels: { app: ${name} } } }\n`;
}

/** One base of Services in namespace shop, placed in three clusters by overlays (the bench's shared-base, small). */
function sharedBase(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'mesh-topology.yaml',
    `clusters:\n${CLUSTERS.map((cluster) => `  - name: ${cluster}\n    paths: ["overlays/${cluster}/**"]\n`).join('')}`,
  );
  files.set('base/shop/namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n');
  for (const name of SERVICES)
    files.set(`base/shop/${name}.yaml`, `${service(name)}---\n${deployment(name)}`);
  files.set('base/shop/pinned.yaml', `${service('pinned', undefined)}---\n${deployment('pinned')}`);
  files.set(
    'base/shop/kustomization.yaml',
    `namespace: shop\nresources:\n${['namespace', ...SERVICES, 'pinned'].map((name) => `- ${name}.yaml\n`).join('')}`,
  );
  for (const [index, cluster] of CLUSTERS.entries()) {
    const first = index === 0;
    files.set(
      `overlays/${cluster}/kustomization.yaml`,
      `resources:\n- ../../base/shop\n${first ? '- routes.yaml\npatches:\n- path: pinned-scope.yaml\n' : ''}${index === 1 ? 'commonAnnotations:\n  team: shop\nreplicas:\n- name: ratings\n  count: 2\n' : ''}`,
    );
  }
  files.set(
    'overlays/east/pinned-scope.yaml',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: pinned\n  namespace: shop\n  labels:\n    solo.io/service-scope: global\n',
  );
  files.set(
    'overlays/east/routes.yaml',
    'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: to-reviews, namespace: shop }\nspec:\n  hosts: [reviews.shop.mesh.internal]\n  http:\n  - route:\n    - destination: { host: reviews.shop.mesh.internal }\n',
  );
  return files;
}

function analysedWorkspace(files: ReadonlyMap<string, string>): { workspace: Workspace; analysis: Analysis } {
  const workspace = createWorkspace();
  for (const [path, text] of files) setFile(workspace, path, text);
  return { workspace, analysis: analyseWorkspace(workspace, undefined, THROW).analysis };
}

/** Sets one file, analyses incrementally, and compares with a full analysis; says whether the update was incremental. */
function step(
  state: { workspace: Workspace; analysis: Analysis; files: Map<string, string> },
  path: string,
  text: string,
): boolean {
  state.files.set(path, text);
  setFile(state.workspace, path, text);
  const { analysis, changedFiles } = analyseWorkspace(state.workspace, state.analysis, THROW);
  const full = analysedWorkspace(state.files).analysis;
  assert.deepEqual(
    offeredFindingsAsData(analysis),
    findingsAsData(full.findings()),
    `after setting ${path}: the findings differ from a full analysis`,
  );
  state.analysis = analysis;
  return changedFiles !== 'all';
}

function started() {
  const files = sharedBase();
  return { ...analysedWorkspace(files), files };
}

describe('an edit of a base resource file, re-rendered alone', () => {
  const reviews = 'base/shop/reviews.yaml';
  const original = () => sharedBase().get(reviews) as string;

  test('a scope label changed, a port changed, and back: incremental, equal to a full analysis', () => {
    const state = started();
    const codes = () => state.analysis.findings().map((finding) => finding.code);
    assert.ok(step(state, reviews, `${service('reviews', 'cluster')}---\n${deployment('reviews')}`));
    // The route in east names reviews' hostname, which nobody exports any more.
    assert.ok(codes().includes('MESH122'), codes().join(' '));
    assert.ok(step(state, reviews, `${service('reviews', 'global', 9081)}---\n${deployment('reviews')}`));
    assert.ok(step(state, reviews, `${service('reviews', 'globl')}---\n${deployment('reviews')}`));
    assert.ok(codes().includes('MESH110'));
    assert.ok(step(state, reviews, original()));
    assert.deepEqual(
      codes(),
      started()
        .analysis.findings()
        .map((finding) => finding.code),
    );
  });

  test('overlays that apply the base as it is share the re-rendered objects and their facts', () => {
    const state = started();
    assert.ok(step(state, reviews, `${service('reviews', 'globl')}---\n${deployment('reviews')}`));
    const placements = getModel(state.workspace).files.get(reviews)?.placements ?? [];
    const inCluster = (cluster: string) => placements.find((placed) => placed.cluster === cluster);
    const [north, south, west] = ['north', 'south', 'west'].map(inCluster);
    assert.ok(north && south && west);
    // north and south only gather the base: one re-rendering, read once.
    assert.equal(north.resources, south.resources);
    assert.equal(north.declarations, south.declarations);
    assert.equal(north.rendered?.[0]?.node, south.rendered?.[0]?.node);
    // west annotates its objects: its own copies, its own facts.
    assert.notEqual(west.resources, north.resources);
    assert.notEqual(west.rendered?.[0]?.node, north.rendered?.[0]?.node);
    // And each cluster's finding of the misspelt scope is still its own.
    const misspelt = state.analysis
      .findings()
      .filter((finding) => finding.code === 'MESH110' && finding.file === reviews);
    assert.ok(misspelt.length > 0);
  });

  test('an object added and removed, the offsets moved: incremental, equal to a full analysis', () => {
    const state = started();
    const added = `${original()}---\n${service('scratch', 'globl')}`;
    assert.ok(step(state, reviews, added));
    assert.ok(
      state.analysis.findings().some((finding) => finding.code === 'MESH110' && finding.file === reviews),
    );
    assert.ok(step(state, reviews, `# moved down\n\n${added}`));
    assert.ok(step(state, reviews, original()));
  });

  test('a rename, the patched object edited, a workload edited: right either way', () => {
    const state = started();
    step(state, reviews, original().replaceAll('reviews', 'reviews-v2'));
    step(state, reviews, original());
    // pinned is what east's patch file names: the patch still applies, to the new text.
    step(state, 'base/shop/pinned.yaml', `${service('pinned', undefined, 8080)}---\n${deployment('pinned')}`);
    // ratings is what west's replicas entry names.
    step(
      state,
      'base/shop/ratings.yaml',
      `${service('ratings')}---\n${deployment('ratings').replace('selector:', 'replicas: 4\n  selector:')}`,
    );
    // Renamed to the name the patch names: the patch now names two objects (a full build decides).
    step(state, reviews, original().replaceAll('reviews', 'pinned'));
    step(state, reviews, original());
  });

  test('a patch file, a kustomization and the topology file edited: a full build, equal to a full analysis', () => {
    const state = started();
    assert.equal(
      step(
        state,
        'overlays/east/pinned-scope.yaml',
        (state.files.get('overlays/east/pinned-scope.yaml') as string).replace('global', 'cluster'),
      ),
      false,
    );
    assert.equal(
      step(state, 'overlays/west/kustomization.yaml', 'resources:\n- ../../base/shop\nnamePrefix: w-\n'),
      false,
    );
    // Now west renames its objects: an edit of the base is rendered whole (name references), still right.
    step(state, reviews, `${service('reviews', 'cluster')}---\n${deployment('reviews')}`);
    step(state, reviews, original());
  });

  test('a random sequence of edits equals a full analysis at every step', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const state = started();
    let incremental = 0;
    for (let index = 0; index < 24; index++) {
      const name = pick([...SERVICES, 'pinned']);
      const path = `base/shop/${name}.yaml`;
      const text = pick([
        () =>
          `${service(name, pick(['global', 'cluster', 'globl', undefined]), pick([80, 9080, 9081]))}---\n${deployment(name)}`,
        () => `${service(name)}---\n${deployment(name)}---\n${service(`${name}-extra`, 'global')}`,
        () => service(name, 'global'),
        () => `# ${index}\n${service(pick(SERVICES), 'global')}---\n${deployment(name)}`,
        () => sharedBase().get(path) as string,
      ])();
      if (step(state, path, text)) incremental++;
    }
    assert.ok(incremental > 12, `only ${incremental} of 24 edits were incremental`);
  });
});
