import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secretValue } from '../../shared/src/kustomize/base64';
import { renderKustomization } from '../../shared/src/kustomize/render';
import type { RenderedObject, Rendering } from '../../shared/src/kustomize/types';
import { offsetAt } from '../../shared/src/text/source';
import { type DocumentContext, getPath, locatedString } from '../../shared/src/yaml/nodes';
import { kustomizeWorkspace } from '../helpers/kustomize-workspace';

// Where the values of generated objects, rewritten references and replaced fields are written: the
// differential suite proves what they are (against kubectl); these prove where they point, which
// decides where a finding on them lands and what its fix edits.

type Files = Record<string, string>;

function render(files: Files, folder: string): Rendering {
  return renderKustomization(folder, kustomizeWorkspace(files));
}

function object(rendering: Rendering, kind: string, name: RegExp): RenderedObject {
  const found = rendering.objects.find(
    (candidate) =>
      candidate.node.get('kind') === kind && name.test(String(candidate.node.getIn(['metadata', 'name']))),
  );
  assert.ok(
    found,
    `no ${kind} ${name} among ${rendering.objects.map((o) => o.node.getIn(['metadata', 'name']))}`,
  );
  return found;
}

/** A rendered string value, the file it is written in and the text its range covers there. */
function written(
  files: Files,
  rendered: RenderedObject,
  path: (string | number)[],
): [string, string, string] {
  const ctx: DocumentContext = { source: rendered.origin.source, doc: rendered.doc };
  const located = locatedString(ctx, getPath(ctx, rendered.node, path));
  assert.ok(located, `no value at ${path.join('.')}`);
  const file = located.file ?? rendered.origin.source.path;
  const text = files[file] ?? '';
  const source = { path: file, text };
  return [
    located.value,
    file,
    text.slice(offsetAt(source, located.range.start), offsetAt(source, located.range.end)),
  ];
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        envFrom:
        - configMapRef:
            name: urls
`;

describe('generators: where generated values are written', () => {
  const files: Files = {
    'o/kustomization.yaml': `resources: [deployment.yaml]
configMapGenerator:
- name: urls
  literals:
  - REVIEWS=http://reviews.bookinfo.mesh.internal:9080
  - "QUOTED='ratings.bookinfo.mesh.internal'"
  files:
  - conf/routes.yaml
  - props=app.properties
  envs: [hosts.env]
secretGenerator:
- name: token
  literals: [token=${'s'.repeat(60)}]
`,
    'o/deployment.yaml': DEPLOYMENT,
    'o/conf/routes.yaml': 'host: details.bookinfo.mesh.internal\n',
    'o/app.properties': 'a=1\n',
    'o/hosts.env': '# hosts\nDETAILS=details.bookinfo.mesh.internal\r\n',
  };
  const rendering = render(files, 'o');
  const config = object(rendering, 'ConfigMap', /^urls-/);

  test("a literal's value is its characters after `=` (and its quotes) in the kustomization", () => {
    assert.deepEqual(written(files, config, ['data', 'REVIEWS']), [
      'http://reviews.bookinfo.mesh.internal:9080',
      'o/kustomization.yaml',
      'http://reviews.bookinfo.mesh.internal:9080',
    ]);
    assert.deepEqual(written(files, config, ['data', 'QUOTED']), [
      'ratings.bookinfo.mesh.internal',
      'o/kustomization.yaml',
      'ratings.bookinfo.mesh.internal',
    ]);
  });

  test("a file's value is the whole file, an env file's each value on its line", () => {
    assert.deepEqual(written(files, config, ['data', 'routes.yaml']), [
      files['o/conf/routes.yaml'],
      'o/conf/routes.yaml',
      files['o/conf/routes.yaml'],
    ]);
    assert.deepEqual(written(files, config, ['data', 'props']).slice(1), ['o/app.properties', 'a=1\n']);
    assert.deepEqual(written(files, config, ['data', 'DETAILS']), [
      'details.bookinfo.mesh.internal',
      'o/hosts.env',
      'details.bookinfo.mesh.internal',
    ]);
  });

  test('source files are read as no resources of their own', () => {
    for (const path of ['o/conf/routes.yaml', 'o/app.properties', 'o/hosts.env']) {
      assert.ok(rendering.reads.has(path), path);
      assert.ok(rendering.notResources.has(path), path);
    }
    assert.deepEqual(rendering.notes, []);
  });

  test("the hashed name stays on the generator's name, and the reference that named it is rewritten in place", () => {
    const [name, file, text] = written(files, config, ['metadata', 'name']);
    assert.match(name, /^urls-[a-z0-9]{10}$/);
    assert.deepEqual([file, text], ['o/kustomization.yaml', 'urls']);
    const deployment = object(rendering, 'Deployment', /^web$/);
    const reference = written(files, deployment, [
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'envFrom',
      0,
      'configMapRef',
      'name',
    ]);
    assert.deepEqual(reference, [name, 'o/deployment.yaml', 'urls']);
  });

  test("a Secret's values are base64, cut in lines of 70 as kustomize writes them", () => {
    const secret = object(rendering, 'Secret', /^token-/);
    const value = String(secret.node.getIn(['data', 'token']));
    assert.equal(value, secretValue('s'.repeat(60)));
    assert.deepEqual(
      value.split('\n').map((line) => line.length),
      [70, 10, 0],
    );
    assert.equal(Buffer.from(value.replaceAll('\n', ''), 'base64').toString(), 's'.repeat(60));
  });
});

describe('generators: what is noted', () => {
  test('a source the workspace does not hold as text is named; the rest of the kustomization renders', () => {
    const ws = kustomizeWorkspace({
      'o/kustomization.yaml':
        'resources: [deployment.yaml]\nconfigMapGenerator:\n- name: c\n  files: [app.properties]\n',
      'o/deployment.yaml': DEPLOYMENT,
    });
    const rendering = renderKustomization('o', ws);
    assert.deepEqual(
      rendering.notes.map((note) => note.feature),
      ['ConfigMap generator file app.properties (not among the workspace files Mesh Lens reads)'],
    );
    assert.deepEqual(
      rendering.objects.map((rendered) => rendered.node.get('kind')),
      ['Deployment'],
    );
  });
});

describe('replacements: where replaced values are written', () => {
  test("a replaced value keeps the source's node: a hostname from a literal points at the literal", () => {
    const files: Files = {
      'o/kustomization.yaml': `resources: [vs.yaml]
configMapGenerator:
- name: hosts
  literals: [REVIEWS=reviews.bookinfo.mesh.internal]
replacements:
- source: { kind: ConfigMap, name: hosts, fieldPath: data.REVIEWS }
  targets:
  - select: { kind: VirtualService }
    fieldPaths: [spec.hosts.0]
- source: { kind: ConfigMap, name: hosts, fieldPath: data.REVIEWS, options: { delimiter: ., index: 1 } }
  targets:
  - select: { kind: VirtualService }
    fieldPaths: [metadata.labels.namespace]
    options: { create: true }
`,
      'o/vs.yaml':
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [placeholder]\n',
    };
    const rendering = render(files, 'o');
    assert.deepEqual(rendering.notes, []);
    const vs = object(rendering, 'VirtualService', /^reviews$/);
    assert.deepEqual(written(files, vs, ['spec', 'hosts', 0]), [
      'reviews.bookinfo.mesh.internal',
      'o/kustomization.yaml',
      'reviews.bookinfo.mesh.internal',
    ]);
    assert.deepEqual(written(files, vs, ['metadata', 'labels', 'namespace']), [
      'bookinfo',
      'o/kustomization.yaml',
      'bookinfo',
    ]);
  });
});
