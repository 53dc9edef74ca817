import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAlias, visit } from 'yaml';
import { includedFolders, kustomizationFileIn } from '../../shared/src/kustomize/kustomization-file';
import { renderKustomization } from '../../shared/src/kustomize/render';
import type { RenderedObject, Rendering } from '../../shared/src/kustomize/types';
import { offsetAt, type Range } from '../../shared/src/text/source';
import {
  type DocumentContext,
  getPath,
  type Located,
  locatedString,
  stringEntries,
} from '../../shared/src/yaml/nodes';
import type { ParsedFile } from '../../shared/src/yaml/parse-file';
import { kustomizeWorkspace } from '../helpers/kustomize-workspace';

type Files = Record<string, string>;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  labels:
    app: reviews
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews
spec:
  replicas: 1
  selector:
    matchLabels:
      app: reviews
  template:
    metadata:
      labels:
        app: reviews
    spec:
      containers:
      - name: reviews
        image: reviews:1
        ports:
        - containerPort: 9080
`;

const BASE: Files = {
  'base/kustomization.yaml': 'resources:\n- service.yaml\n- deployment.yaml\n',
  'base/service.yaml': SERVICE,
  'base/deployment.yaml': DEPLOYMENT,
};

function render(files: Files, folder: string): Rendering {
  return renderKustomization(folder, kustomizeWorkspace(files));
}

function object(rendering: Rendering, kind: string, name?: string): RenderedObject {
  const found = rendering.objects.find(
    (candidate) =>
      candidate.node.get('kind') === kind && (!name || (ctxOf(candidate) && nameOf(candidate) === name)),
  );
  assert.ok(found, `no ${kind} ${name ?? ''} in ${rendering.objects.map(nameOf).join(', ')}`);
  return found;
}

function ctxOf(rendered: RenderedObject): DocumentContext {
  return { source: rendered.origin.source, doc: rendered.doc };
}

function nameOf(rendered: RenderedObject): string | undefined {
  return locatedString(ctxOf(rendered), getPath(ctxOf(rendered), rendered.node, ['metadata', 'name']))?.value;
}

function at(rendered: RenderedObject, path: (string | number)[]): Located<string> {
  const ctx = ctxOf(rendered);
  const located = locatedString(ctx, getPath(ctx, rendered.node, path));
  assert.ok(located, `no value at ${path.join('.')}`);
  return located;
}

/** The text a range covers in a file of the workspace. */
function textIn(files: Files, path: string, range: Range): string {
  const text = files[path] ?? '';
  const source = { path, text };
  return text.slice(offsetAt(source, range.start), offsetAt(source, range.end));
}

/** Where a rendered value is written: its file (the origin's when unmarked) and its text there. */
function writtenAt(files: Files, rendered: RenderedObject, located: Located<string>): [string, string] {
  const file = located.file ?? rendered.origin.source.path;
  return [file, textIn(files, file, located.range)];
}

function features(rendering: Rendering): string[] {
  return rendering.notes.map((note) => `${note.file}: ${note.feature}`);
}

describe('renderKustomization: resources', () => {
  test('renders files and nested kustomizations, recording reads, non-resources and the way through', () => {
    const files: Files = {
      ...BASE,
      'mid/kustomization.yaml': 'resources:\n- ../base\n- extra.yaml\n',
      'mid/extra.yaml': SERVICE.replaceAll('reviews', 'ratings'),
      'overlays/c1/kustomization.yaml': 'resources:\n- ../../mid/\n',
    };
    const rendering = render(files, 'overlays/c1');
    assert.equal(rendering.kustomization, 'overlays/c1/kustomization.yaml');
    assert.deepEqual(rendering.objects.map(nameOf), ['reviews', 'reviews', 'ratings']);
    assert.deepEqual(object(rendering, 'Deployment').through, [
      'overlays/c1/kustomization.yaml',
      'mid/kustomization.yaml',
      'base/kustomization.yaml',
    ]);
    assert.deepEqual(object(rendering, 'Service', 'ratings').through, [
      'overlays/c1/kustomization.yaml',
      'mid/kustomization.yaml',
    ]);
    assert.equal(object(rendering, 'Service', 'ratings').origin.source.path, 'mid/extra.yaml');
    assert.deepEqual([...rendering.reads].sort(), [
      'base/deployment.yaml',
      'base/kustomization.yaml',
      'base/service.yaml',
      'mid/extra.yaml',
      'mid/kustomization.yaml',
      'overlays/c1/kustomization.yaml',
    ]);
    assert.deepEqual([...rendering.notResources].sort(), [
      'base/kustomization.yaml',
      'mid/kustomization.yaml',
      'overlays/c1/kustomization.yaml',
    ]);
    assert.deepEqual(rendering.notes, []);
  });

  test('values kept from the base point at the base document', () => {
    const rendering = render(BASE, 'base');
    const service = object(rendering, 'Service');
    const port = at(service, ['spec', 'ports', 0, 'port']);
    assert.equal(port.file, undefined);
    assert.deepEqual(writtenAt(BASE, service, port), ['base/service.yaml', '9080']);
  });

  test('reads List items and every document of a multi-document file', () => {
    const files: Files = {
      'kustomization.yaml': 'resources: [list.yaml, multi.yaml]\n',
      'list.yaml':
        'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: one}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: two}\n',
      'multi.yaml': `${SERVICE}---\n---\n${DEPLOYMENT}`,
    };
    assert.deepEqual(render(files, '').objects.map(nameOf), ['one', 'two', 'reviews', 'reviews']);
  });

  test('finds kustomization.yml and Kustomization', () => {
    const files: Files = {
      'a/kustomization.yml': 'resources: [../b]\nnamespace: a\n',
      'b/Kustomization': 'resources: [s.yaml]\n',
      'b/s.yaml': SERVICE,
    };
    const ws = kustomizeWorkspace(files);
    assert.equal(kustomizationFileIn('a', ws), 'a/kustomization.yml');
    assert.equal(kustomizationFileIn('b', ws), 'b/Kustomization');
    assert.equal(kustomizationFileIn('c', ws), undefined);
    assert.equal(at(object(render(files, 'a'), 'Service'), ['metadata', 'namespace']).value, 'a');
  });

  test('includedFolders names the folders some kustomization includes', () => {
    const files: Files = {
      ...BASE,
      'components/x/kustomization.yaml': 'kind: Component\nnamespace: x\n',
      'overlays/c1/kustomization.yaml':
        'resources:\n- ../../base\n- local.yaml\ncomponents:\n- ../../components/x\n',
      'overlays/c1/local.yaml': SERVICE,
      'overlays/c2/kustomization.yaml':
        'bases:\n- ../../base\n- https://github.com/example/repo//base?ref=v1\n',
    };
    const ws = kustomizeWorkspace(files);
    const included = includedFolders(
      [
        'base/kustomization.yaml',
        'components/x/kustomization.yaml',
        'overlays/c1/kustomization.yaml',
        'overlays/c2/kustomization.yaml',
      ],
      ws,
    );
    assert.deepEqual([...included].sort(), ['base', 'components/x']);
  });
});

describe('renderKustomization: transformers and where their values come from', () => {
  test('namespace: the object’s namespace points at the overlay’s value', () => {
    const files: Files = {
      ...BASE,
      'overlays/c1/kustomization.yaml': 'resources:\n- ../../base\nnamespace: sample\n',
    };
    const rendering = render(files, 'overlays/c1');
    const service = object(rendering, 'Service');
    const namespace = at(service, ['metadata', 'namespace']);
    assert.equal(namespace.value, 'sample');
    assert.equal(namespace.file, 'overlays/c1/kustomization.yaml');
    assert.deepEqual(writtenAt(files, service, namespace), ['overlays/c1/kustomization.yaml', 'sample']);
    assert.deepEqual(namespace.range.start, { line: 2, character: 11 });
  });

  test('an overlay’s namespace overrides the base’s; cluster-scoped kinds keep none; a v1 Namespace takes its name', () => {
    const files: Files = {
      'base/kustomization.yaml': 'resources: [all.yaml]\nnamespace: base-ns\n',
      'base/all.yaml': `${SERVICE}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: old}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n`,
      'overlay/kustomization.yaml': 'resources: [../base]\nnamespace: top\nnamePrefix: p-\n',
    };
    const rendering = render(files, 'overlay');
    assert.equal(at(object(rendering, 'Service'), ['metadata', 'namespace']).value, 'top');
    const role = object(rendering, 'ClusterRole');
    assert.equal(getPath(ctxOf(role), role.node, ['metadata', 'namespace']), undefined);
    assert.equal(nameOf(role), 'p-reader');
    assert.equal(nameOf(object(rendering, 'Namespace')), 'top');
    assert.equal(nameOf(object(rendering, 'CustomResourceDefinition')), 'widgets.example.com');
  });

  test('namePrefix and nameSuffix: the new name is placed at the prefix in the kustomization', () => {
    const files: Files = {
      ...BASE,
      'overlays/c1/kustomization.yaml': 'resources: [../../base]\nnamePrefix: c1-\nnameSuffix: -x\n',
    };
    const rendering = render(files, 'overlays/c1');
    const service = object(rendering, 'Service');
    const name = at(service, ['metadata', 'name']);
    assert.equal(name.value, 'c1-reviews-x');
    assert.deepEqual(writtenAt(files, service, name), ['overlays/c1/kustomization.yaml', 'c1-']);
    const suffixOnly: Files = {
      ...BASE,
      'o/kustomization.yaml': 'resources: [../base]\nnameSuffix: -east\n',
    };
    const suffixed = object(render(suffixOnly, 'o'), 'Service');
    assert.deepEqual(writtenAt(suffixOnly, suffixed, at(suffixed, ['metadata', 'name'])), [
      'o/kustomization.yaml',
      '-east',
    ]);
  });

  test('labels: the label’s key and value point at the entry; selectors and templates only when asked', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml':
        'resources: [../base]\nlabels:\n- pairs:\n    solo.io/service-scope: global\n- pairs:\n    tmpl: t\n  includeTemplates: true\n- pairs:\n    sel: s\n  includeSelectors: true\n',
    };
    const rendering = render(files, 'o');
    const service = object(rendering, 'Service');
    const labels = stringEntries(
      ctxOf(service),
      getPath(ctxOf(service), service.node, ['metadata', 'labels']),
    );
    const scope = labels.get('solo.io/service-scope');
    assert.ok(scope);
    assert.equal(scope.file, 'o/kustomization.yaml');
    assert.equal(textIn(files, 'o/kustomization.yaml', scope.range), 'global');
    assert.ok(scope.keyRange);
    assert.equal(textIn(files, 'o/kustomization.yaml', scope.keyRange), 'solo.io/service-scope');
    assert.equal(labels.get('app')?.file, undefined);
    const selector = stringEntries(
      ctxOf(service),
      getPath(ctxOf(service), service.node, ['spec', 'selector']),
    );
    assert.deepEqual([...selector.keys()], ['app', 'sel']);
    const deployment = object(rendering, 'Deployment');
    const ctx = ctxOf(deployment);
    const template = stringEntries(
      ctx,
      getPath(ctx, deployment.node, ['spec', 'template', 'metadata', 'labels']),
    );
    assert.deepEqual([...template.keys()].sort(), ['app', 'sel', 'tmpl']);
    const matchLabels = stringEntries(
      ctx,
      getPath(ctx, deployment.node, ['spec', 'selector', 'matchLabels']),
    );
    assert.deepEqual([...matchLabels.keys()].sort(), ['app', 'sel']);
  });

  test('labels with fields are rendered without the fields, with a note', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml': 'resources: [../base]\nlabels:\n- pairs: {a: b}\n  fields:\n  - path: spec/x\n',
    };
    const rendering = render(files, 'o');
    assert.equal(at(object(rendering, 'Service'), ['metadata', 'labels', 'a']).value, 'b');
    assert.deepEqual(features(rendering), ['o/kustomization.yaml: labels fields']);
  });

  test('commonLabels: metadata, Service selector and workload selectors and templates', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml': 'resources: [../base]\ncommonLabels:\n  team: mesh\n',
    };
    const rendering = render(files, 'o');
    const service = object(rendering, 'Service');
    const selector = at(service, ['spec', 'selector', 'team']);
    assert.deepEqual(writtenAt(files, service, selector), ['o/kustomization.yaml', 'mesh']);
    const deployment = object(rendering, 'Deployment');
    for (const path of [
      ['metadata', 'labels', 'team'],
      ['spec', 'selector', 'matchLabels', 'team'],
      ['spec', 'template', 'metadata', 'labels', 'team'],
    ]) {
      assert.equal(at(deployment, path).value, 'mesh', path.join('.'));
    }
  });

  test('commonAnnotations: metadata and pod templates', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml': 'resources: [../base]\ncommonAnnotations:\n  owner: east\n',
    };
    const deployment = object(render(files, 'o'), 'Deployment');
    assert.equal(at(deployment, ['metadata', 'annotations', 'owner']).file, 'o/kustomization.yaml');
    assert.equal(at(deployment, ['spec', 'template', 'metadata', 'annotations', 'owner']).value, 'east');
  });

  test('replicas: by the name the object had, only for kinds with spec.replicas', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml':
        'resources: [../base]\nnamePrefix: c1-\nreplicas:\n- name: reviews\n  count: 4\n- name: nothing\n  count: 1\n',
    };
    const rendering = render(files, 'o');
    const deployment = object(rendering, 'Deployment');
    const replicas = at(deployment, ['spec', 'replicas']);
    assert.equal(replicas.value, '4');
    assert.deepEqual(writtenAt(files, deployment, replicas), ['o/kustomization.yaml', '4']);
    assert.equal(
      getPath(ctxOf(object(rendering, 'Service')), object(rendering, 'Service').node, ['spec', 'replicas']),
      undefined,
    );
    assert.deepEqual(features(rendering), ['o/kustomization.yaml: replicas nothing matches no resource']);
  });

  test('components: their resources and transformers join the including kustomization', () => {
    const files: Files = {
      ...BASE,
      'components/global/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [extra.yaml]\nlabels:\n- pairs:\n    solo.io/service-scope: global\n',
      'components/global/extra.yaml': SERVICE.replaceAll('reviews', 'peer'),
      'o/kustomization.yaml': 'resources: [../base]\ncomponents: [../components/global]\nnamespace: c\n',
    };
    const rendering = render(files, 'o');
    const scope = at(object(rendering, 'Service', 'reviews'), [
      'metadata',
      'labels',
      'solo.io/service-scope',
    ]);
    assert.equal(scope.file, 'components/global/kustomization.yaml');
    const peer = object(rendering, 'Service', 'peer');
    assert.deepEqual(peer.through, ['o/kustomization.yaml', 'components/global/kustomization.yaml']);
    assert.equal(at(peer, ['metadata', 'namespace']).value, 'c');
    assert.ok(rendering.notResources.has('components/global/kustomization.yaml'));
  });
});

describe('renderKustomization: patches', () => {
  test('a strategic-merge patch file: patched values point into it, the rest at the base', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml': 'resources: [../base]\nnamespace: sample\npatches:\n- path: scope.yaml\n',
      'o/scope.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels:\n    solo.io/service-scope: global\n    app: patched\n',
    };
    const rendering = render(files, 'o');
    const service = object(rendering, 'Service');
    assert.deepEqual(
      writtenAt(files, service, at(service, ['metadata', 'labels', 'solo.io/service-scope'])),
      ['o/scope.yaml', 'global'],
    );
    assert.deepEqual(writtenAt(files, service, at(service, ['metadata', 'labels', 'app'])), [
      'o/scope.yaml',
      'patched',
    ]);
    assert.deepEqual(writtenAt(files, service, at(service, ['metadata', 'name'])), [
      'base/service.yaml',
      'reviews',
    ]);
    assert.deepEqual(writtenAt(files, service, at(service, ['spec', 'selector', 'app'])), [
      'base/service.yaml',
      'reviews',
    ]);
    assert.ok(rendering.notResources.has('o/scope.yaml'));
    assert.ok(rendering.reads.has('o/scope.yaml'));
  });

  test('an inline patch: values point at their text inside the kustomization', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml':
        'resources: [../base]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: reviews\n      labels:\n        solo.io/service-scope: global\n',
    };
    const service = object(render(files, 'o'), 'Service');
    const scope = at(service, ['metadata', 'labels', 'solo.io/service-scope']);
    assert.deepEqual(writtenAt(files, service, scope), ['o/kustomization.yaml', 'global']);
    assert.equal(scope.range.start.line, 8);
  });

  test('merges containers by name, ports by containerPort, Service ports by port; $patch delete and replace', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml': 'resources: [../base]\npatchesStrategicMerge:\n- d.yaml\n- s.yaml\n',
      'o/d.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reviews}\nspec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        image: s\n      - name: reviews\n        image: reviews:2\n        ports:\n        - containerPort: 15090\n',
      'o/s.yaml':
        'apiVersion: v1\nkind: Service\nmetadata: {name: reviews}\nspec:\n  selector:\n    $patch: replace\n    version: v2\n  ports:\n  - port: 9080\n    appProtocol: http\n',
    };
    const rendering = render(files, 'o');
    const deployment = object(rendering, 'Deployment').doc.toJS();
    const containers = deployment.spec.template.spec.containers;
    assert.deepEqual(
      containers.map((container: { name: string }) => container.name),
      ['sidecar', 'reviews'],
    );
    assert.equal(containers[1].image, 'reviews:2');
    assert.deepEqual(containers[1].ports, [{ containerPort: 15090 }, { containerPort: 9080 }]);
    const service = object(rendering, 'Service').doc.toJS();
    assert.deepEqual(service.spec.selector, { version: 'v2' });
    assert.deepEqual(service.spec.ports, [{ name: 'http', port: 9080, appProtocol: 'http' }]);
  });

  test('$patch: delete removes an object; null removes a field; lists of custom resources are replaced', () => {
    const files: Files = {
      ...BASE,
      'base/kustomization.yaml': 'resources: [service.yaml, deployment.yaml, vs.yaml]\n',
      'base/vs.yaml':
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  hosts: [reviews, reviews.global]\n',
      'o/kustomization.yaml':
        'resources: [../base]\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: reviews}\n    $patch: delete\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: reviews\n      labels:\n        app: null\n- patch: |-\n    apiVersion: networking.istio.io/v1\n    kind: VirtualService\n    metadata: {name: reviews}\n    spec:\n      hosts: [reviews.mesh]\n',
    };
    const rendering = render(files, 'o');
    assert.deepEqual(
      rendering.objects.map((rendered) => rendered.node.get('kind')),
      ['Service', 'VirtualService'],
    );
    assert.deepEqual(object(rendering, 'Service').doc.toJS().metadata.labels, {});
    assert.deepEqual(object(rendering, 'VirtualService').doc.toJS().spec.hosts, ['reviews.mesh']);
  });

  test('JSON 6902: add, replace and remove with escaped pointers; values point into the patch', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml':
        'resources: [../base]\npatchesJson6902:\n- target: {version: v1, kind: Service, name: reviews}\n  path: ops.yaml\n',
      'o/ops.yaml':
        '- op: add\n  path: /metadata/labels/solo.io~1service-scope\n  value: global\n- op: add\n  path: /metadata/annotations\n  value: {"a~b": x}\n- op: replace\n  path: /metadata/annotations/a~0b\n  value: y\n- op: remove\n  path: /spec/selector/app\n- op: add\n  path: /spec/ports/-\n  value: {name: grpc, port: 9090}\n',
    };
    const rendering = render(files, 'o');
    const service = object(rendering, 'Service');
    const scope = at(service, ['metadata', 'labels', 'solo.io/service-scope']);
    assert.deepEqual(writtenAt(files, service, scope), ['o/ops.yaml', 'global']);
    const json = service.doc.toJS();
    assert.deepEqual(json.metadata.annotations, { 'a~b': 'y' });
    assert.deepEqual(json.spec.selector, {});
    assert.deepEqual(
      json.spec.ports.map((port: { port: number }) => port.port),
      [9080, 9090],
    );
    assert.deepEqual(rendering.notes, []);
  });

  test('targets: name as an anchored regular expression, label and annotation selectors', () => {
    const files: Files = {
      'base/kustomization.yaml': 'resources: [s.yaml]\n',
      'base/s.yaml': ['web-a', 'web-b', 'xweb-c']
        .map((name, index) =>
          SERVICE.replace('name: reviews', `name: ${name}`).replace(
            'app: reviews\nspec',
            `app: reviews\n    n: "${index}"\n  annotations: {mesh: "${index % 2}"}\nspec`,
          ),
        )
        .join('---\n'),
      'o/kustomization.yaml': `resources: [../base]
patches:
- target: {kind: Service, name: web-.*}
  patch: '[{"op": "add", "path": "/metadata/labels/by-name", "value": "y"}]'
- target: {labelSelector: "n in (0,2)"}
  patch: '[{"op": "add", "path": "/metadata/labels/by-label", "value": "y"}]'
- target: {annotationSelector: mesh=1}
  patch: '[{"op": "add", "path": "/metadata/labels/by-annotation", "value": "y"}]'
- target: {kind: Service, name: nobody}
  patch: '[{"op": "add", "path": "/metadata/labels/never", "value": "y"}]'
`,
    };
    const rendering = render(files, 'o');
    const labels = (name: string) =>
      Object.keys(object(rendering, 'Service', name).doc.toJS().metadata.labels).sort();
    assert.deepEqual(labels('web-a'), ['app', 'by-label', 'by-name', 'n']);
    assert.deepEqual(labels('web-b'), ['app', 'by-annotation', 'by-name', 'n']);
    assert.deepEqual(labels('xweb-c'), ['app', 'by-label', 'n']);
    assert.deepEqual(features(rendering), ['o/kustomization.yaml: patch target matches no resource']);
    const byName = at(object(rendering, 'Service', 'web-a'), ['metadata', 'labels', 'by-name']);
    assert.equal(byName.file, 'o/kustomization.yaml');
    assert.equal(textIn(files, 'o/kustomization.yaml', byName.range), '"y"');
  });

  test('a strategic-merge patch that names no object is noted, the rest rendered', () => {
    const files: Files = {
      ...BASE,
      'o/kustomization.yaml': 'resources: [../base]\npatchesStrategicMerge:\n- p.yaml\n',
      'o/p.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: nobody}\n',
    };
    const rendering = render(files, 'o');
    assert.equal(rendering.objects.length, 2);
    assert.deepEqual(features(rendering), ['o/kustomization.yaml: patch target matches no resource']);
  });
});

describe('renderKustomization: YAML and notes', () => {
  test('aliases and merge keys are resolved; values point at the anchored text', () => {
    const files: Files = {
      'kustomization.yaml': 'resources: [s.yaml]\ncommonLabels: &l\n  team: t\ncommonAnnotations: *l\n',
      's.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: &base\n    app: s\nspec:\n  selector:\n    <<: *base\n    extra: e\n',
    };
    const rendering = render(files, '');
    const service = object(rendering, 'Service');
    let aliases = 0;
    visit(service.doc, { Alias: () => void aliases++ });
    assert.equal(aliases, 0);
    assert.deepEqual(service.doc.toJS().spec.selector, { extra: 'e', app: 's', team: 't' });
    assert.ok(!service.node.items.some((pair) => isAlias(pair.value)));
    const app = at(service, ['spec', 'selector', 'app']);
    assert.deepEqual(writtenAt(files, service, app), ['s.yaml', 's']);
    assert.equal(app.range.start.line, 5);
    assert.equal(at(service, ['metadata', 'annotations', 'team']).file, 'kustomization.yaml');
  });

  test('features it does not render are noted on their key, and the rest is rendered', () => {
    const fields = [
      'helmCharts',
      'helmChartInflationGenerator',
      'vars',
      'generators',
      'transformers',
      'validators',
      'openapi',
      'crds',
    ];
    const kustomization = `resources: [service.yaml]\nnamespace: n\nimages:\n- name: x\n  newTag: "2"\n${fields.map((field) => `${field}:\n- x\n`).join('')}`;
    const files: Files = { 'kustomization.yaml': kustomization, 'service.yaml': SERVICE };
    const rendering = render(files, '');
    assert.deepEqual(
      rendering.notes.map((note) => note.feature),
      fields,
    );
    for (const note of rendering.notes) assert.equal(textIn(files, note.file, note.range), note.feature);
    assert.equal(at(object(rendering, 'Service'), ['metadata', 'namespace']).value, 'n');
  });

  test('remote, missing and escaping resources, and folders without a kustomization, are noted', () => {
    const files: Files = {
      'o/kustomization.yaml':
        'resources:\n- github.com/example/repo/base?ref=v1\n- https://example.com/x.yaml\n- git@github.com:example/repo.git\n- missing.yaml\n- ../../outside\n- plain\n- s.yaml\n',
      'o/plain/readme.txt': 'not yaml',
      'o/s.yaml': SERVICE,
    };
    const rendering = render(files, 'o');
    assert.deepEqual(
      rendering.notes.map((note) => [note.feature, textIn(files, note.file, note.range)]),
      [
        ['remote resource github.com/example/repo/base?ref=v1', 'github.com/example/repo/base?ref=v1'],
        ['remote resource https://example.com/x.yaml', 'https://example.com/x.yaml'],
        ['remote resource git@github.com:example/repo.git', 'git@github.com:example/repo.git'],
        ['missing path missing.yaml', 'missing.yaml'],
        ['path outside the workspace ../../outside', '../../outside'],
        ['folder without a kustomization plain', 'plain'],
      ],
    );
    assert.equal(rendering.objects.length, 1);
  });

  test('a cycle is noted and does not loop', () => {
    const files: Files = {
      'a/kustomization.yaml': 'resources: [../b, s.yaml]\n',
      'a/s.yaml': SERVICE,
      'b/kustomization.yaml': 'resources: [../a]\n',
      'self/kustomization.yaml': 'resources: [.]\n',
    };
    const rendering = render(files, 'a');
    assert.deepEqual(features(rendering), [
      'b/kustomization.yaml: cycle: ../a holds a kustomization that includes it',
    ]);
    assert.equal(rendering.objects.length, 1);
    assert.equal(features(render(files, 'self')).length, 1);
  });

  test('an unparsable kustomization, or none, is noted', () => {
    const files: Files = {
      'bad/kustomization.yaml': 'resources: [\n',
      'o/kustomization.yaml': 'resources: [../bad, ../none]\n',
      'none/readme.yaml': 'a: b\n',
    };
    const rendering = render(files, 'o');
    assert.deepEqual(features(rendering), [
      'bad/kustomization.yaml: unparsable kustomization',
      'o/kustomization.yaml: folder without a kustomization ../none',
    ]);
    assert.deepEqual(features(render(files, 'nowhere')), [
      'nowhere/kustomization.yaml: no kustomization in nowhere',
    ]);
  });
});

describe('renderKustomization: cost', () => {
  test('a base of 100 Services through an overlay parses each file once and reads its documents once', () => {
    const services = Array.from({ length: 100 }, (_, index) => SERVICE.replaceAll('reviews', `svc-${index}`));
    const files: Files = {
      'base/kustomization.yaml': 'resources: [services.yaml]\n',
      'base/services.yaml': services.join('---\n'),
      'o/kustomization.yaml':
        'resources: [../base]\nnamespace: n\nlabels:\n- pairs: {solo.io/service-scope: global}\n  includeSelectors: true\npatches:\n- target: {kind: Service}\n  patch: \'[{"op": "add", "path": "/metadata/annotations", "value": {"a": "b"}}]\'\n',
    };
    const inner = kustomizeWorkspace(files);
    const documentReads = new Map<string, number>();
    const wrapped = new Map<string, ParsedFile>();
    const ws = {
      ...inner,
      file(path: string) {
        const parsed = inner.file(path);
        if (!parsed) return undefined;
        let counting = wrapped.get(path);
        if (!counting) {
          counting = Object.create(parsed, {
            documents: {
              get() {
                documentReads.set(path, (documentReads.get(path) ?? 0) + 1);
                return parsed.documents;
              },
            },
          }) as ParsedFile;
          wrapped.set(path, counting);
        }
        return counting;
      },
    };
    const rendering = renderKustomization('o', ws);
    assert.equal(rendering.objects.length, 100);
    assert.ok([...inner.parses.values()].every((count) => count === 1));
    assert.deepEqual(Object.fromEntries(documentReads), {
      'o/kustomization.yaml': 1,
      'base/kustomization.yaml': 1,
      'base/services.yaml': 1,
    });
    const last = object(rendering, 'Service', 'svc-99');
    assert.equal(at(last, ['spec', 'selector', 'solo.io/service-scope']).file, 'o/kustomization.yaml');
    assert.equal(at(last, ['metadata', 'annotations', 'a']).value, 'b');
  });
});
