// Random small repositories for the differential suite: bases, a middle layer, components and
// overlays composed from the features the renderer supports. Seeded (no dependency), so a failing
// case is the same case on every run.

import { seededRandom } from '../helpers/seeded-random';

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function chance(random: Random, p: number): boolean {
  return random() < p;
}

const NAMES = ['reviews', 'ratings', 'details', 'cart', 'web', 'api'];
const NAMESPACES = ['bookinfo', 'shop', 'prod', 'east'];

function service(name: string, random: Random): string {
  const ports = chance(random, 0.5)
    ? `  - name: http\n    port: 9080\n    targetPort: 9080\n  - name: grpc\n    port: 9090\n    appProtocol: grpc\n`
    : `  - name: http\n    port: 80\n    targetPort: 8080\n`;
  const scope = chance(random, 0.3) ? '    solo.io/service-scope: global\n' : '';
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\n${scope}spec:\n  selector:\n    app: ${name}\n  ports:\n${ports}`;
}

function deployment(name: string, random: Random): string {
  const replicas = chance(random, 0.5) ? `  replicas: ${1 + Math.floor(random() * 3)}\n` : '';
  // Every pod refers to the generated `settings` ConfigMap and Secret (generated or not, renamed or not).
  const refs = `        envFrom:\n        - configMapRef:\n            name: settings\n        env:\n        - name: TOKEN\n          valueFrom:\n            secretKeyRef:\n              name: credentials\n              key: token\n`;
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\nspec:\n${replicas}  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: ${name}\n        image: example/${name}:1\n        ports:\n        - containerPort: 9080\n${refs}`;
}

/** Generators: the base's own, or an overlay's merging into them (which fails when the base has none). */
function generators(random: Random, names: string[], layer: 'base' | 'overlay'): string {
  let text = '';
  if (chance(random, 0.3))
    text += `generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    generated: "yes"\n`;
  const behavior = layer === 'overlay' ? `  behavior: ${pick(random, ['merge', 'replace'])}\n` : '';
  const host = `${pick(random, names)}.${pick(random, NAMESPACES)}.${pick(random, ['mesh.internal', 'mesh.internl'])}`;
  text += `configMapGenerator:\n- name: settings\n${behavior}  literals:\n  - URL=http://${host}:9080/\n  - MODE=${pick(random, ['a', 'b'])}\n`;
  if (chance(random, 0.5))
    text += `secretGenerator:\n- name: credentials\n${behavior}  literals:\n  - token=${pick(random, ['t1', 't2'])}\n`;
  return text;
}

/** A replacement: the settings' hostname into the routes, or a Service's name into a label. */
function replacements(random: Random, names: string[]): string {
  const name = pick(random, names);
  return pick(random, [
    `replacements:\n- source:\n    kind: ConfigMap\n    name: settings\n    fieldPath: data.URL\n    options:\n      delimiter: /\n      index: 2\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - metadata.annotations.upstream\n    options:\n      create: true\n`,
    `replacements:\n- source:\n    kind: Service\n    name: ${name}\n  targets:\n  - select:\n      kind: Deployment\n      name: ${name}\n    fieldPaths:\n    - spec.template.metadata.labels.service\n    options:\n      create: true\n`,
    `replacements:\n- source:\n    kind: Deployment\n    name: ${name}\n    fieldPath: metadata.labels.app\n  targets:\n  - select:\n      kind: Service\n    reject:\n    - name: ${name}\n    fieldPaths:\n    - metadata.labels.peer\n    options:\n      create: true\n`,
  ]);
}

function routing(name: string, random: Random): string[] {
  const objects: string[] = [];
  if (chance(random, 0.5))
    objects.push(
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\nspec:\n  hosts:\n  - ${name}\n  http:\n  - route:\n    - destination:\n        host: ${name}\n`,
    );
  if (chance(random, 0.4))
    objects.push(
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${name}\nspec:\n  host: ${name}\n`,
    );
  if (chance(random, 0.3))
    objects.push(
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ${name}\nspec:\n  parentRefs:\n  - name: gateway\n  rules:\n  - backendRefs:\n    - name: ${name}\n      port: 9080\n`,
    );
  if (chance(random, 0.2))
    objects.push(
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}-ext\nspec:\n  hosts:\n  - ${name}.example.com\n`,
    );
  return objects;
}

function asList(objects: string[]): string {
  const indented = objects.map((object) => `- ${object.trimEnd().replaceAll('\n', '\n  ')}\n`);
  return `apiVersion: v1\nkind: List\nitems:\n${indented.join('')}`;
}

/** The transformers of one kustomization, chosen at random; `names` are the base's object names. */
function transformers(
  random: Random,
  names: string[],
  folder: string,
  files: Record<string, string>,
): string {
  let text = '';
  if (chance(random, 0.5)) text += `namespace: ${pick(random, NAMESPACES)}\n`;
  if (chance(random, 0.3)) text += `namePrefix: ${pick(random, ['c1-', 'east-', 'x-'])}\n`;
  if (chance(random, 0.2)) text += `nameSuffix: ${pick(random, ['-v2', '-b'])}\n`;
  if (chance(random, 0.4)) {
    const include = pick(random, ['', '  includeSelectors: true\n', '  includeTemplates: true\n']);
    text += `labels:\n- pairs:\n    ${pick(random, ['solo.io/service-scope: global', 'env: prod', 'tier: web'])}\n${include}`;
  }
  if (chance(random, 0.25)) text += `commonLabels:\n  ${pick(random, ['team: mesh', 'version: v1'])}\n`;
  if (chance(random, 0.25)) text += `commonAnnotations:\n  owner: ${pick(random, ['a', 'b'])}\n`;
  const patches: string[] = [];
  const name = pick(random, names);
  if (chance(random, 0.35)) {
    // A strategic-merge patch naming its object by its original name.
    files[`${folder}/svc-patch.yaml`] =
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  labels:\n    solo.io/service-scope: ${pick(random, ['global', 'segment'])}\nspec:\n  ports:\n  - port: 9080\n    name: http-patched\n    appProtocol: http\n`;
    patches.push('- path: svc-patch.yaml\n');
  }
  if (chance(random, 0.3)) {
    const target = pick(random, [
      '    kind: Deployment\n',
      `    kind: Deployment\n    name: ${name.slice(0, 2)}.*\n`,
      `    labelSelector: app=${name}\n`,
      `    labelSelector: app in (${name},other)\n`,
    ]);
    patches.push(
      `- target:\n${target}  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: any\n      labels:\n        patched: "yes"\n    spec:\n      template:\n        metadata:\n          labels:\n            version: v2\n`,
    );
  }
  if (chance(random, 0.3)) {
    patches.push(
      `- target:\n    kind: Service\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {}\n    - op: add\n      path: /metadata/annotations/example.com~1json\n      value: added\n    - op: replace\n      path: /spec/ports/0/name\n      value: http-json\n`,
    );
  }
  if (chance(random, 0.2)) {
    patches.push(
      `- target:\n    group: networking.istio.io\n    kind: VirtualService\n  patch: |-\n    - op: add\n      path: /spec/hosts/-\n      value: ${name}.global\n`,
    );
  }
  if (patches.length > 0) text += `patches:\n${patches.join('')}`;
  if (chance(random, 0.25)) text += `replicas:\n- name: ${name}\n  count: ${Math.floor(random() * 5)}\n`;
  if (!folder.startsWith('base') && chance(random, 0.25)) text += generators(random, names, 'overlay');
  if (chance(random, 0.2)) text += replacements(random, names);
  return text;
}

function generatedCase(random: Random): Record<string, string> {
  const files: Record<string, string> = {};
  const names = [...NAMES].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
  const resources: string[] = [];
  const layout = pick(random, ['files', 'one-file', 'list']);
  const all: string[] = [];
  for (const name of names) {
    const objects = [service(name, random), deployment(name, random), ...routing(name, random)];
    if (layout === 'files') {
      files[`base/${name}.yaml`] = objects.join('---\n');
      resources.push(`${name}.yaml`);
    } else all.push(...objects);
  }
  if (layout !== 'files') {
    files['base/all.yaml'] = layout === 'list' ? asList(all) : all.join('---\n');
    resources.push('all.yaml');
  }
  const baseGenerators = chance(random, 0.5) ? generators(random, names, 'base') : '';
  files['base/kustomization.yaml'] =
    `resources:\n${resources.map((path) => `- ${path}\n`).join('')}${baseGenerators}${chance(random, 0.4) ? transformers(random, names, 'base', files) : ''}`;
  let baseRef = '../../base';
  if (chance(random, 0.3)) {
    files['mid/kustomization.yaml'] = `resources:\n- ../base\n${transformers(random, names, 'mid', files)}`;
    baseRef = '../../mid';
  }
  const component = chance(random, 0.3);
  if (component) {
    files['components/scope/kustomization.yaml'] =
      `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${transformers(random, names, 'components/scope', files)}`;
  }
  const overlays = 1 + Math.floor(random() * 3);
  for (let index = 1; index <= overlays; index++) {
    const folder = `overlays/c${index}`;
    const components = component && chance(random, 0.7) ? 'components:\n- ../../components/scope\n' : '';
    files[`${folder}/kustomization.yaml`] =
      `resources:\n- ${baseRef}\n${components}${transformers(random, names, folder, files)}`;
  }
  return files;
}

/** `count` random repositories from `seed`. */
export function generatedCases(count: number, seed: number): Record<string, string>[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => generatedCase(random));
}
