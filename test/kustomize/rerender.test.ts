import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { includedReplays, renderKustomization } from '../../shared/src/kustomize/render';
import { objectsByFile, rerenderFile } from '../../shared/src/kustomize/rerender';
import type { RenderedObject, Rendering } from '../../shared/src/kustomize/types';
import { nodeRange } from '../../shared/src/yaml/nodes';
import { entryFolders, fixtureFiles, kustomizeWorkspace } from '../helpers/kustomize-workspace';
import { repoRoot } from '../helpers/paths';
import { generatedCases } from './generated-cases';
import { HANDWRITTEN_CASES } from './handwritten-cases';

// Re-rendering one edited resource file (kustomize/rerender.ts) must give exactly what rendering
// the kustomization again gives, every value with the node it comes from, or decline. Every case of
// the differential suite, and cases written for the transformers it must prove local, has each of
// its resource files edited in several ways (a label, a port, a name, an object added or removed,
// the offsets moved, the namespace) and the two renderings compared.

type Files = Record<string, string>;

const SERVICE = (name: string, labels = `app: ${name}`) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  labels:\n    ${labels}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 9080\n`;
const DEPLOYMENT = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: app\n        image: app:1\n`;

/** Cases for each transformer the re-rendering keeps per object, and some it must decline. */
const LOCAL_CASES: Record<string, Files> = {
  'namespace, labels, annotations, replicas and patches over a shared base': {
    'base/kustomization.yaml':
      'namespace: shop\nresources:\n- reviews.yaml\n- ratings.yaml\n- details.yaml\n',
    'base/reviews.yaml': `${SERVICE('reviews', 'solo.io/service-scope: global')}---\n${DEPLOYMENT('reviews')}`,
    'base/ratings.yaml': `${SERVICE('ratings')}---\n${DEPLOYMENT('ratings')}`,
    'base/details.yaml': `# details\n${SERVICE('details')}`,
    'overlays/east/kustomization.yaml': `resources:\n- ../../base\nlabels:\n- pairs: { region: east }\n  includeSelectors: false\ncommonAnnotations:\n  team: shop\nreplicas:\n- name: reviews\n  count: 3\npatches:\n- path: scope.yaml\n- target: { kind: Service, labelSelector: app=ratings }\n  patch: |-\n    - op: add\n      path: /metadata/labels/patched\n      value: "yes"\n`,
    'overlays/east/scope.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\n  namespace: shop\n  labels:\n    solo.io/service-scope: global\n',
    'overlays/west/kustomization.yaml':
      'resources:\n- ../../base\ncommonLabels:\n  cluster: west\npatches:\n- target: { kind: Service }\n  patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: any\n      annotations: { west: "1" }\n',
  },
  'components and a strategic merge patch naming its object': {
    'base/kustomization.yaml': 'resources:\n- reviews.yaml\n- ratings.yaml\n',
    'base/reviews.yaml': `${SERVICE('reviews')}---\n${DEPLOYMENT('reviews')}`,
    'base/ratings.yaml': SERVICE('ratings'),
    'components/scope/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs: { solo.io/service-scope: global }\n',
    'overlays/east/kustomization.yaml':
      'namespace: east\nresources:\n- ../../base\ncomponents:\n- ../../components/scope\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: reviews\n  spec:\n    replicas: 2\n',
  },
  'a patch naming two objects, one per file (applied to neither)': {
    'base/kustomization.yaml': 'resources:\n- reviews.yaml\n- copy.yaml\n',
    'base/reviews.yaml': DEPLOYMENT('reviews'),
    'base/copy.yaml': `# the same Deployment again\n${DEPLOYMENT('reviews')}`,
    'overlays/east/kustomization.yaml':
      'resources:\n- ../../base\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: reviews\n    spec:\n      replicas: 5\n',
  },
  'overlays that apply their base as it is, beside one that changes it': {
    'base/kustomization.yaml': 'namespace: shop\nresources:\n- reviews.yaml\n- ratings.yaml\n',
    'base/reviews.yaml': `${SERVICE('reviews', 'solo.io/service-scope: global')}---\n${DEPLOYMENT('reviews')}`,
    'base/ratings.yaml': SERVICE('ratings'),
    'overlays/east/kustomization.yaml': 'resources:\n- ../../base\n',
    'overlays/north/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\n',
    'overlays/west/kustomization.yaml': 'resources:\n- ../../base\ncommonLabels:\n  cluster: west\n',
  },
  'a name prefix (references may be rewritten: declined)': {
    'base/kustomization.yaml': 'resources:\n- reviews.yaml\n',
    'base/reviews.yaml': `${SERVICE('reviews')}---\n${DEPLOYMENT('reviews')}`,
    'overlays/east/kustomization.yaml': 'namePrefix: east-\nresources:\n- ../../base\n',
  },
  'a RoleBinding whose subject takes the namespace (declined)': {
    'base/kustomization.yaml': 'namespace: shop\nresources:\n- account.yaml\n- binding.yaml\n',
    'base/account.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: reviews\n',
    'base/binding.yaml':
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reviews\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }\nsubjects:\n- kind: ServiceAccount\n  name: reviews\n',
  },
};

/** Edits of a resource file's text, each named; the text is unchanged when an edit does not apply. */
const EDITS: Record<string, (text: string) => string> = {
  'a label value': (text) => text.replace(/(\n {4}app: )([\w-]+)/, '$1$2-v2'),
  'a port': (text) => text.replace(/port: (\d+)/, (_, port) => `port: ${Number(port) + 1}`),
  'a scope label added': (text) =>
    text.replace(/\nmetadata:\n/, '\nmetadata:\n  annotations:\n    edited: "yes"\n'),
  'the offsets moved': (text) => `# a comment above\n\n${text}`,
  'a rename': (text) => text.replace(/(\nmetadata:\n(?: {2}\w+: .*\n)*? {2}name: )([\w-]+)/, '$1$2-renamed'),
  'a namespace written': (text) => text.replace(/\nmetadata:\n/, '\nmetadata:\n  namespace: elsewhere\n'),
  'an object added': (text) => `${text.trimEnd()}\n---\n${SERVICE('added', 'solo.io/service-scope: globl')}`,
  'the last object removed': (text) => {
    const documents = text.split(/^---$/m);
    return documents.length > 1 ? documents.slice(0, -1).join('---') : text;
  },
  'every object removed': () => '# nothing here now\n',
  'a name that a patch names': (text) => text.replace(/ name: (reviews|details)\n/, ' name: ratings\n'),
};

describe('re-rendering one edited resource file', () => {
  test('equals a whole rendering, or declines, for every edit of every resource file', () => {
    const used = new Map<string, number>();
    let declined = 0;
    for (const [name, files] of allCases()) {
      for (const folder of entryFolders(files)) {
        const ws = kustomizeWorkspace(files);
        const previous = renderKustomization(folder, ws);
        for (const path of resourceFiles(previous, files)) {
          for (const [edit, change] of Object.entries(EDITS)) {
            const text = change(files[path] as string);
            if (text === files[path]) continue;
            const next = { ...files, [path]: text };
            const rerendered = rerenderFile(previous, folder, path, kustomizeWorkspace(next), ws);
            if (!rerendered) {
              declined++;
              continue;
            }
            used.set(edit, (used.get(edit) ?? 0) + 1);
            const whole = renderKustomization(folder, kustomizeWorkspace(next));
            assert.deepEqual(
              dump(rerendered),
              dump(whole),
              `${name}: ${folder}, ${edit} in ${path}: the re-rendering differs from a whole rendering`,
            );
            assert.deepEqual(
              [...objectsByFile(rerendered)].map(([file, objects]) => [file, objects.map(originOf)]),
              [...objectsByFile(whole)].map(([file, objects]) => [file, objects.map(originOf)]),
            );
          }
        }
      }
    }
    // Not vacuous: most kinds of edit were re-rendered somewhere, and some were declined.
    for (const edit of ['a label value', 'a port', 'the offsets moved', 'an object added', 'a rename'])
      assert.ok((used.get(edit) ?? 0) > 0, `no "${edit}" was re-rendered`);
    assert.ok(declined > 0, 'nothing was declined');
  });

  test('every overlay re-rendered over one view of the workspace, as the model does, equals its whole rendering', () => {
    // The model re-renders an edited file in every overlay that reads it through one view of the
    // workspace, and a base included by several is rendered once and replayed in the others
    // (render.ts `accumulateIncluded`): each overlay's objects, chains, notes and reads must still
    // be its own.
    let replays = 0;
    let compared = 0;
    for (const [name, files] of allCases()) {
      const folders = entryFolders(files);
      if (folders.length < 2) continue;
      const ws = kustomizeWorkspace(files);
      const previous = new Map(folders.map((folder) => [folder, renderKustomization(folder, ws)]));
      const paths = new Set([...previous.values()].flatMap((rendering) => resourceFiles(rendering, files)));
      for (const path of paths) {
        for (const [edit, change] of Object.entries(EDITS)) {
          const text = change(files[path] as string);
          if (text === files[path]) continue;
          const next = { ...files, [path]: text };
          const nextWs = kustomizeWorkspace(next);
          for (const [folder, rendering] of previous) {
            if (!rendering.reads.has(path)) continue;
            const rerendered = rerenderFile(rendering, folder, path, nextWs, ws);
            if (!rerendered) continue;
            compared++;
            assert.deepEqual(
              dump(rerendered),
              dump(renderKustomization(folder, kustomizeWorkspace(next))),
              `${name}: ${folder}, ${edit} in ${path}, re-rendered beside the other overlays`,
            );
          }
          replays += includedReplays(nextWs);
        }
      }
    }
    assert.ok(compared > 50, `only ${compared} re-renderings compared`);
    assert.ok(replays > 20, `a base's rendering was replayed only ${replays} times`);
  });

  test('overlays that only gather their base share its re-rendered objects; one that changes them has its own', () => {
    const files = LOCAL_CASES['overlays that apply their base as it is, beside one that changes it'] as Files;
    const ws = kustomizeWorkspace(files);
    const next = {
      ...files,
      'base/reviews.yaml': EDITS['a port']?.(files['base/reviews.yaml'] as string) as string,
    };
    const nextWs = kustomizeWorkspace(next);
    const nodesOf = (folder: string) => {
      const rerendered = rerenderFile(
        renderKustomization(folder, ws),
        folder,
        'base/reviews.yaml',
        nextWs,
        ws,
      );
      assert.ok(rerendered, `${folder} is re-rendered`);
      assert.deepEqual(dump(rerendered), dump(renderKustomization(folder, kustomizeWorkspace(next))));
      return (
        objectsByFile(rerendered)
          .get('base/reviews.yaml')
          ?.map((object) => object.node) ?? []
      );
    };
    const [east, north, west] = ['overlays/east', 'overlays/north', 'overlays/west'].map(nodesOf);
    assert.equal(east?.length, 2);
    assert.ok(
      east?.every((node, index) => north?.[index] === node),
      'east and north share the objects',
    );
    assert.ok(
      west?.every((node) => !east?.includes(node)),
      'west labels its objects: they are its own copies',
    );
    assert.ok(includedReplays(nextWs) >= 2);
  });

  test('a sequence of edits of one file, each re-rendered from the last, equals a whole rendering at each step', () => {
    let rerendered = 0;
    for (const [name, files] of Object.entries(LOCAL_CASES)) {
      for (const folder of entryFolders(files)) {
        let ws = kustomizeWorkspace(files);
        let current = renderKustomization(folder, ws);
        let texts = files;
        for (const path of resourceFiles(current, files)) {
          for (const [edit, change] of [...Object.entries(EDITS), ...Object.entries(EDITS).reverse()]) {
            const next = { ...texts, [path]: change(texts[path] as string) };
            const nextWs = kustomizeWorkspace(next);
            // As the model does: the workspace of the text before is the one the last rendering read.
            const again = rerenderFile(current, folder, path, nextWs, ws);
            if (again) rerendered++;
            current = again ?? renderKustomization(folder, nextWs);
            const whole = renderKustomization(folder, kustomizeWorkspace(next));
            assert.deepEqual(
              dump(current),
              dump(whole),
              `${name}: ${folder}, ${edit} in ${path} after the edits before it`,
            );
            // Grouped by file as a whole rendering groups them: a view over the last grouping (one
            // file replaced) after edits of one file and of several in turn.
            const byFile = objectsByFile(current);
            assert.deepEqual(byFileDump(byFile), byFileDump(objectsByFile(whole)));
            assert.equal(byFile.size, [...byFile.keys()].length);
            for (const [file, objects] of byFile) assert.equal(byFile.get(file), objects);
            texts = next;
            ws = nextWs;
          }
        }
      }
    }
    assert.ok(rerendered > 20, `only ${rerendered} steps were re-rendered`);
  });

  test('edits of one file re-rendered one after another, their objects read only at the end, equal a whole rendering', () => {
    // A re-rendered rendering makes its object list when first read (kustomize/rerender.ts): here
    // none is read until the last edit, so each splice is made over the one before it.
    let chained = 0;
    for (const [name, files] of Object.entries(LOCAL_CASES)) {
      for (const folder of entryFolders(files)) {
        const first = renderKustomization(folder, kustomizeWorkspace(files));
        for (const path of resourceFiles(first, files)) {
          let ws = kustomizeWorkspace(files);
          let current = first;
          let texts = files;
          let steps = 0;
          for (const change of [EDITS['a port'], EDITS['a label value'], EDITS['the offsets moved']]) {
            const next = { ...texts, [path]: change?.(texts[path] as string) as string };
            const nextWs = kustomizeWorkspace(next);
            const again = rerenderFile(current, folder, path, nextWs, ws);
            if (!again) break;
            current = again;
            texts = next;
            ws = nextWs;
            steps++;
          }
          if (steps < 2) continue;
          chained++;
          assert.deepEqual(
            dump(current),
            dump(renderKustomization(folder, kustomizeWorkspace(texts))),
            `${name}: ${folder}, ${steps} edits of ${path}`,
          );
        }
      }
    }
    assert.ok(chained > 5, `only ${chained} files were re-rendered several times in a row`);
  });

  test('edits going from file to file, each re-rendered from the last, group objects by file as a whole rendering', () => {
    let steps = 0;
    for (const [name, files] of Object.entries(LOCAL_CASES)) {
      for (const folder of entryFolders(files)) {
        let ws = kustomizeWorkspace(files);
        let current = renderKustomization(folder, ws);
        let texts = files;
        const paths = resourceFiles(current, files);
        if (paths.length < 2) continue;
        // A port edited in each file in turn, twelve times: views of views, then a copy.
        for (let round = 0; round < 12; round++) {
          const path = paths[round % paths.length] as string;
          const next = {
            ...texts,
            [path]: (EDITS['a port'] as (text: string) => string)(texts[path] as string),
          };
          const nextWs = kustomizeWorkspace(next);
          const again = rerenderFile(current, folder, path, nextWs, ws);
          if (again) steps++;
          current = again ?? renderKustomization(folder, nextWs);
          const whole = renderKustomization(folder, kustomizeWorkspace(next));
          assert.deepEqual(dump(current), dump(whole), `${name}: ${folder}, round ${round} in ${path}`);
          assert.deepEqual(byFileDump(objectsByFile(current)), byFileDump(objectsByFile(whole)));
          texts = next;
          ws = nextWs;
        }
      }
    }
    assert.ok(steps > 12, `only ${steps} steps were re-rendered`);
  });

  test('declines a file read by no rendering as a resource (a patch file)', () => {
    const files = LOCAL_CASES[
      'namespace, labels, annotations, replicas and patches over a shared base'
    ] as Files;
    const ws = kustomizeWorkspace(files);
    const previous = renderKustomization('overlays/east', ws);
    const path = 'overlays/east/scope.yaml';
    const next = { ...files, [path]: (files[path] as string).replace('global', 'cluster') };
    assert.equal(rerenderFile(previous, 'overlays/east', path, kustomizeWorkspace(next), ws), undefined);
  });

  test('declines a rename that makes a patch name two objects, and one it would no longer find', () => {
    const files = LOCAL_CASES['components and a strategic merge patch naming its object'] as Files;
    const ws = kustomizeWorkspace(files);
    const previous = renderKustomization('overlays/east', ws);
    const path = 'base/ratings.yaml';
    // ratings becomes a second Deployment named reviews: the patch now names two objects.
    const twin = { ...files, [path]: DEPLOYMENT('reviews') };
    assert.equal(rerenderFile(previous, 'overlays/east', path, kustomizeWorkspace(twin), ws), undefined);
    const renamed = {
      ...files,
      'base/reviews.yaml': (files['base/reviews.yaml'] as string).replaceAll('reviews', 'other'),
    };
    assert.equal(
      rerenderFile(previous, 'overlays/east', 'base/reviews.yaml', kustomizeWorkspace(renamed), ws),
      undefined,
    );
  });
});

function allCases(): [string, Files][] {
  return [
    ...Object.entries(LOCAL_CASES),
    ...Object.entries(HANDWRITTEN_CASES),
    ...fixtureCases(),
    ...generatedCases(24, 18).map((files, index): [string, Files] => [`generated ${index}`, files]),
  ];
}

function fixtureCases(): [string, Files][] {
  const root = join(repoRoot, 'test', 'fixtures', 'kustomize');
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .map((name) => [name, fixtureFiles(join(root, name))]);
}

/** The YAML files a rendering read as resources only. */
function resourceFiles(rendering: Rendering, files: Files): string[] {
  return [...rendering.reads].filter(
    (path) => !rendering.notResources.has(path) && /\.ya?ml$/.test(path) && files[path] !== undefined,
  );
}

/** A rendering as data: every object's origin, chain and nodes with where each was written; the notes and reads. */
function dump(rendering: Rendering) {
  return {
    kustomization: rendering.kustomization,
    objects: rendering.objects.map((object) => ({
      origin: originOf(object),
      through: object.through,
      node: nodeDump(object, object.node),
    })),
    notes: rendering.notes.map((note) => JSON.stringify(note)),
    reads: [...rendering.reads].sort(),
    notResources: [...rendering.notResources].sort(),
  };
}

function byFileDump(byFile: ReadonlyMap<string, RenderedObject[]>): [string, string[]][] {
  return [...byFile].map(([file, objects]) => [file, objects.map(originOf)]);
}

function originOf(object: RenderedObject): string {
  const { origin } = object;
  return `${origin.source.path}#${origin.docIndex}.${origin.nodeIndex}`;
}

function nodeDump(object: RenderedObject, node: unknown): unknown {
  const ctx = { source: object.origin.source, doc: object.doc };
  const where = (value: unknown) => JSON.stringify(nodeRange(ctx, value as Node) ?? null);
  if (isScalar(node)) return [node.value, where(node)];
  if (isSeq(node)) return [node.items.map((item) => nodeDump(object, item)), where(node)];
  if (isMap(node)) {
    // Where a patch deleted an entry, kept on the map under a symbol (yaml/nodes.ts, markDeleted).
    const deletions = Object.getOwnPropertySymbols(node).flatMap((symbol) => {
      const value = (node as unknown as Record<symbol, unknown>)[symbol];
      return value instanceof Map ? [JSON.stringify([...value])] : [];
    });
    return [
      node.items.map((pair) => [nodeDump(object, pair.key), nodeDump(object, pair.value)]),
      where(node),
      deletions,
    ];
  }
  return node ?? null;
}
