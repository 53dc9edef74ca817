// The `overlays` layout of the generated mesh (issue #15): the same instances as the plain layout,
// written as a Kustomize repository usually is. Each service is one base that every cluster running
// it includes; each cluster has one overlay, with a kustomization per namespace, that writes what
// differs in that cluster the way overlays do:
//
//   base/<ns>/kustomization.yaml, namespace.yaml        the Namespace
//   base/<ns>/<svc>/kustomization.yaml, <svc>.yaml      `namespace: <ns>`; Service + Deployment
//   base/<ns>/<svc>/service-account/                     a Component: the ServiceAccount and its use
//   overlays/<c>/kustomization.yaml                      control plane files, the namespaces, exceptions
//   overlays/<c>/istio-system/*.yaml                     this cluster's network, east-west and peers
//   overlays/<c>/<ns>/kustomization.yaml                 the bases it runs, `labels:` where the
//                                                        namespace is exported here, patches
//   overlays/<c>/<ns>/<svc>.yaml                         strategic-merge patch: replicas, labels, …
//   overlays/<c>/<ns>/routing/<svc>-<kind>.yaml          this cluster's routes
//
// Every cluster receives exactly the objects the plain layout gives it, with the mesh facts the
// plain layout writes (test/bench/overlays-layout.test.ts holds the two to the same services).

import type { Cluster, DrawnInstance, Emitter, Instance, NamespaceInCluster } from './generate';
import { labels } from './generate';

export interface OverlayMesh {
  clusters: Cluster[];
  /** One entry per namespace present in a cluster, in the order the plain layout writes them. */
  namespaces: NamespaceInCluster[];
  /** The team label each of `namespaces` drew. */
  teams: string[];
  instances: DrawnInstance[];
  /** Each cluster's control-plane files, already written under `overlays/<c>/istio-system/`. */
  infrastructure: Map<string, string[]>;
}

const BASE_REPLICAS = 1;
const SCOPE = 'solo.io/service-scope';

export function emitOverlays(emitter: Emitter, mesh: OverlayMesh): void {
  const byService = groupBy(mesh.instances, ({ instance }) => `${instance.namespace}/${instance.name}`);
  for (const group of byService.values()) emitServiceBase(emitter, group);
  const firstOfNamespace = new Map<string, number>();
  mesh.namespaces.forEach((namespace, index) => {
    if (!firstOfNamespace.has(namespace.name)) firstOfNamespace.set(namespace.name, index);
  });
  for (const index of firstOfNamespace.values()) {
    emitNamespaceBase(emitter, mesh.namespaces[index] as NamespaceInCluster, mesh.teams[index] as string);
  }
  const byClusterNamespace = groupBy(
    mesh.instances,
    ({ instance }) => `${instance.cluster.name}/${instance.namespace}`,
  );
  for (const cluster of mesh.clusters) {
    const namespaces = mesh.namespaces.filter((namespace) => namespace.cluster === cluster);
    const exceptions: string[] = [];
    for (const namespace of namespaces) {
      const instances = byClusterNamespace.get(`${cluster.name}/${namespace.name}`) ?? [];
      exceptions.push(...emitNamespaceOverlay(emitter, namespace, instances));
    }
    emitClusterOverlay(emitter, cluster, namespaces, mesh.infrastructure.get(cluster.name) ?? [], exceptions);
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** A list of kustomization entries, or nothing when empty (kustomize rejects `resources: null`). */
function listField(field: string, entries: string[]): string {
  return entries.length === 0 ? '' : `${field}:\n${entries.map((entry) => `  - ${entry}\n`).join('')}`;
}

function kustomization(header: string, body: string, kind = 'Kustomization'): string {
  const version = kind === 'Component' ? 'v1alpha1' : 'v1beta1';
  return `# ${header}\napiVersion: kustomize.config.k8s.io/${version}\nkind: ${kind}\n${body}`;
}

// ---- bases ------------------------------------------------------------------------------------

/** The Namespace as its first cluster writes it, without the scope label (each overlay decides that). */
function emitNamespaceBase(emitter: Emitter, namespace: NamespaceInCluster, team: string): void {
  const dir = `base/${namespace.name}`;
  const annotations = namespace.distribution
    ? `  annotations:\n    networking.istio.io/traffic-distribution: ${namespace.distribution}\n`
    : '';
  emitter.file(
    `${dir}/namespace.yaml`,
    [
      `# Namespace ${namespace.name}, owned by ${team}; each cluster's overlay says whether it is exported there.
apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace.name}
  labels:
    team: ${team}
${annotations}`,
    ],
    0,
  );
  emitter.file(
    `${dir}/kustomization.yaml`,
    [kustomization(`The ${namespace.name} namespace.`, listField('resources', ['namespace.yaml']))],
    0,
  );
}

/**
 * One base per service, written as its first instance is, minus everything that differs between
 * clusters: no namespace (the kustomization sets it), no mesh labels, one replica, the first port
 * as meant (8080). The overlays patch the rest.
 */
function emitServiceBase(emitter: Emitter, group: DrawnInstance[]): void {
  const [first] = group;
  if (!first) return;
  const { instance, image } = first;
  const dir = `base/${instance.namespace}/${instance.name}`;
  const header = `# ${instance.namespace}/${instance.name}: the base every cluster running it includes.\n`;
  const service = baseServiceDoc(instance);
  const deployment = baseDeploymentDoc(instance, image);
  const files = instance.split
    ? [
        [`${instance.name}-service.yaml`, [header + service]],
        [`${instance.name}-deployment.yaml`, [header + deployment]],
      ]
    : [[`${instance.name}.yaml`, [header + service, deployment]]];
  for (const [name, docs] of files as [string, string[]][]) emitter.file(`${dir}/${name}`, docs, 0);
  emitter.file(
    `${dir}/kustomization.yaml`,
    [
      kustomization(
        `${instance.namespace}/${instance.name}`,
        `namespace: ${instance.namespace}\n${listField(
          'resources',
          files.map(([name]) => name as string),
        )}`,
      ),
    ],
    0,
  );
  if (group.some((drawn) => drawn.instance.serviceAccount)) emitAccountComponent(emitter, dir, instance);
}

function baseServiceDoc(instance: Instance): string {
  const ports = instance.ports
    .map((port, index) => ({ ...port, port: index === 0 ? 8080 : port.port }))
    .map(
      (port) =>
        `    - name: ${port.name}\n      port: ${port.port}\n      targetPort: ${port.port}\n      protocol: TCP\n${port.appProtocol ? `      appProtocol: ${port.appProtocol}\n` : ''}`,
    )
    .join('');
  return `apiVersion: v1
kind: Service
metadata:
  name: ${instance.name}
  labels:
    app: ${instance.name}
spec:
  selector:
    app: ${instance.name}
  ports:
${ports}`;
}

function baseDeploymentDoc(instance: Instance, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${instance.name}
  labels:
    app: ${instance.name}
spec:
  replicas: ${BASE_REPLICAS}
  selector:
    matchLabels:
      app: ${instance.name}
  template:
    metadata:
      labels:
        app: ${instance.name}
        version: v1
    spec:
      containers:
        - name: ${instance.name}
          image: ${image}
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 100m, memory: 128Mi }
`;
}

/**
 * The ServiceAccount some clusters run the service with: a Component, the Kustomize way of an
 * optional piece an overlay opts into. It cannot set the namespace (a component's transformers act
 * on everything its overlay gathered), so its object names its own.
 */
function emitAccountComponent(emitter: Emitter, dir: string, instance: Instance): void {
  emitter.file(
    `${dir}/service-account/serviceaccount.yaml`,
    [
      `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${instance.name}
  namespace: ${instance.namespace}
`,
    ],
    0,
  );
  emitter.file(
    `${dir}/service-account/kustomization.yaml`,
    [
      kustomization(
        `Runs ${instance.namespace}/${instance.name} with its own ServiceAccount.`,
        `${listField('resources', ['serviceaccount.yaml'])}patches:
  - target: { kind: Deployment, name: ${instance.name}, namespace: ${instance.namespace} }
    patch: |-
      - op: add
        path: /spec/template/spec/serviceAccountName
        value: ${instance.name}
`,
        'Component',
      ),
    ],
    0,
  );
}

// ---- overlays ---------------------------------------------------------------------------------

/**
 * A cluster's kustomization for one namespace: the bases it runs, its routes, `labels:` with the
 * scope where the namespace is exported in this cluster, and a patch per instance that differs from
 * its base. Returns the patches that must come after those labels (an instance's own scope inside
 * an exported namespace), for the cluster's overlay to apply.
 */
function emitNamespaceOverlay(
  emitter: Emitter,
  namespace: NamespaceInCluster,
  instances: DrawnInstance[],
): string[] {
  const dir = `overlays/${namespace.cluster.name}/${namespace.name}`;
  const resources = [`../../../base/${namespace.name}`];
  const components: string[] = [];
  const patches: string[] = [];
  const exceptions: string[] = [];
  for (const drawn of instances) {
    const { instance } = drawn;
    resources.push(`../../../base/${instance.namespace}/${instance.name}`);
    if (instance.serviceAccount)
      components.push(`../../../base/${instance.namespace}/${instance.name}/service-account`);
    for (const route of drawn.routes) {
      const name = `routing/${instance.name}-${route.kind}.yaml`;
      emitter.file(`${dir}/${name}`, [route.doc], 1);
      resources.push(name);
    }
    const account = instance.serviceAccount ? 1 : 0;
    // The objects this instance places: counted here, where the overlay decides them.
    emitter.count(2 + account);
    const patch = instancePatch(instance, namespace.scope !== undefined);
    if (patch.length > 0) {
      emitter.file(`${dir}/${instance.name}.yaml`, patch, 0);
      patches.push(`  - path: ${instance.name}.yaml\n`);
    }
    if (firstPortChanged(instance)) patches.push(portPatch(instance));
    if (namespace.scope !== undefined && instance.ownScope !== undefined) {
      emitter.file(`${dir}/${instance.name}-scope.yaml`, [scopePatch(instance)], 0);
      exceptions.push(`${namespace.name}/${instance.name}-scope.yaml`);
    }
    if (drawn.broken) emitter.broken(`${dir}/${instance.name}-wip.yaml`);
  }
  emitter.count(1); // the Namespace
  const exported = namespace.scope ? `labels:\n  - pairs:\n      ${SCOPE}: ${namespace.scope}\n` : '';
  emitter.file(
    `${dir}/kustomization.yaml`,
    [
      kustomization(
        `${namespace.name} in ${namespace.cluster.name}.`,
        `${listField('resources', resources)}${listField('components', components)}${exported}${
          patches.length > 0 ? `patches:\n${patches.join('')}` : ''
        }`,
      ),
    ],
    0,
  );
  return exceptions;
}

function firstPortChanged(instance: Instance): boolean {
  return instance.ports[0] !== undefined && instance.ports[0].port !== 8080;
}

/** A JSON 6902 patch: strategic merge cannot change a list entry's merge key (`port`). */
function portPatch(instance: Instance): string {
  const port = instance.ports[0]?.port;
  return `  - target: { kind: Service, name: ${instance.name} }
    patch: |-
      - op: replace
        path: /spec/ports/0/port
        value: ${port}
      - op: replace
        path: /spec/ports/0/targetPort
        value: ${port}
`;
}

/** The strategic-merge patch documents of an instance (none when it is its base as written). */
function instancePatch(instance: Instance, namespaceLabelled: boolean): string[] {
  const docs: string[] = [];
  const ownLabels: [string, string | undefined][] = [
    [SCOPE, namespaceLabelled ? undefined : instance.ownScope],
    ['solo.io/service-takeover', instance.takeover],
  ];
  const serviceLabels = ownLabels.some(([, value]) => value !== undefined)
    ? `  labels:${labels(ownLabels, '    ', instance.flowLabels)}`
    : '';
  const annotations = instance.distribution
    ? `  annotations:\n    networking.istio.io/traffic-distribution: ${instance.distribution}\n`
    : '';
  const selector = instance.selectorTypo ? `spec:\n  selector:\n    app: ${instance.name}-svc\n` : '';
  if (serviceLabels || annotations || selector) {
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${instance.name}
  namespace: ${instance.namespace}
${serviceLabels}${annotations}${selector}`);
  }
  const replicas =
    instance.replicas === BASE_REPLICAS
      ? ''
      : `  replicas: ${instance.replicas === 0 ? '0  # scaled down until the migration is done' : instance.replicas}\n`;
  const podLabels = instance.labelOnPods
    ? `  template:\n    metadata:\n      labels:\n        ${SCOPE}: global\n`
    : '';
  if (replicas || podLabels) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${instance.name}
  namespace: ${instance.namespace}
spec:
${replicas}${podLabels}`);
  }
  return docs;
}

/** An instance's own scope where its namespace's overlay labels everything: applied after those labels. */
function scopePatch(instance: Instance): string {
  return `# ${instance.namespace}/${instance.name} in ${instance.cluster.name}: its own scope, over the namespace's.
apiVersion: v1
kind: Service
metadata:
  name: ${instance.name}
  namespace: ${instance.namespace}
  labels:${labels([[SCOPE, instance.ownScope]], '    ', false)}`;
}

/** The cluster's entry point: its control plane, its namespaces, and the exceptions to their labels. */
function emitClusterOverlay(
  emitter: Emitter,
  cluster: Cluster,
  namespaces: NamespaceInCluster[],
  infrastructure: string[],
  exceptions: string[],
): void {
  const dir = `overlays/${cluster.name}`;
  const resources = [
    ...infrastructure.map((path) => path.slice(dir.length + 1)),
    ...namespaces.map((namespace) => namespace.name),
  ];
  emitter.file(
    `${dir}/kustomization.yaml`,
    [
      kustomization(
        `${cluster.name}: kubectl apply -k overlays/${cluster.name}`,
        `${listField('resources', resources)}${listField(
          'patches',
          exceptions.map((path) => `path: ${path}`),
        )}`,
      ),
    ],
    0,
  );
}
