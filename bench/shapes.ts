// Workspaces of one extreme shape each (issue #18), for the benchmark: the presets of generate.ts grow
// everything together, these push one dimension. Unlike the presets, whose mistakes are sprinkled at
// random rates, each shape plants a few mistakes at fixed places and lists the findings they give
// (`planted`), so that the benchmark can tell complete diagnostics without trusting the CLI, and
// test/bench/shapes.test.ts can hold the CLI to them. Everything else is a correct mesh: every exported
// Service has a selected Deployment with replicas in every cluster it runs in, every route names an
// exported hostname. Same options → byte-identical files (no randomness at all).
//
//   big-namespace   2 clusters × 1 namespace × N Services (selector matching within one namespace)
//   many-routes     N routes (HTTPRoute, some VirtualServices) from N client Services to one hostname
//   many-clusters   N clusters (200 in the benchmark), each with the same 2 namespaces of S Services
//   big-file        one cluster's manifests in a single file of about N MB, beside a small cluster
//   shared-base     one Kustomize base of S Services included by N cluster overlays (20 in the benchmark)
//   crowded-namespace  N files that name no namespace (3000 in the benchmark), so all land in `default`:
//                   most hold no Service, every 40th an application whose Services select each
//                   other's workloads (as in istio/istio, whose samples and test data do just that)

import { digestOf, type GeneratedWorkspace } from './generate';

export const SHAPES = [
  'big-namespace',
  'many-routes',
  'many-clusters',
  'big-file',
  'shared-base',
  'crowded-namespace',
] as const;
export type Shape = (typeof SHAPES)[number];

export interface ShapeOptions {
  shape: Shape;
  /** The shape's one size: Services (big-namespace), routes (many-routes), clusters (many-clusters), MB (big-file), overlays (shared-base), files (crowded-namespace). */
  scale: number;
  /** Services per namespace (many-clusters) or in the base (shared-base); ignored by the other shapes. */
  services?: number;
}

/** What each shape's scale counts, its default in the benchmark and a small instance (tests, development runs). */
export const SHAPE_SCALES: Record<Shape, { unit: string; full: number; small: number; services?: number }> = {
  'big-namespace': { unit: 'Services per cluster in the namespace', full: 8000, small: 2000 },
  'many-routes': { unit: 'routes to one hostname', full: 10000, small: 2000 },
  'many-clusters': { unit: 'clusters', full: 200, small: 50, services: 10 },
  'big-file': { unit: 'MB in the single file', full: 30, small: 5 },
  'shared-base': { unit: 'overlays of one base', full: 20, small: 20, services: 200 },
  'crowded-namespace': { unit: 'files in the namespace', full: 3000, small: 400 },
};

/** A finding the generator planted: the CLI must report exactly these (file, code) pairs, no more. */
export interface Planted {
  file: string;
  code: string;
}

/** One edit of an edit cycle: the text the edited file gets, and how its effect shows. */
export interface EditStep {
  text: string;
  /** The file whose diagnostics show the effect. */
  watch: string;
  code: string;
  /** How many diagnostics with `code` `watch` has once the edit is analysed. */
  count: number;
}

/** Edits that cycle a file through states and back; `kind` names the edit in the report. */
export interface EditCycle {
  kind: string;
  file: string;
  steps: EditStep[];
}

export interface ShapeWorkspace extends Omit<GeneratedWorkspace, 'options' | 'layout' | 'mistakes'> {
  options: ShapeOptions;
  /** The findings with the reader's default file size limit (10 MB; bigger files are MESH195). */
  planted: Planted[];
  /** The findings when no file is over the size limit (the server's `meshLens.maxFileSizeMB` raised). */
  plantedUnlimited: Planted[];
  /** Files over the default size limit. */
  bigFiles: string[];
  /** Edits the benchmark makes in this shape (edit → diagnostics latency), if any. */
  edits: EditCycle[];
  /** Where to hover while the server is busy (a Service name in a small file). */
  hoverAt?: { file: string; line: number; character: number };
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
const SCOPE = 'solo.io/service-scope';

export function generateShape(options: ShapeOptions): ShapeWorkspace {
  if (!Number.isFinite(options.scale) || options.scale <= 0)
    throw new Error(`--scale must be positive (got ${options.scale})`);
  const builder = createBuilder();
  const edits = BUILDERS[options.shape](builder, options);
  return builder.finish(options, edits);
}

// ---- the documents ------------------------------------------------------------------------------

interface ServiceSpec {
  name: string;
  namespace?: string;
  scope?: string;
  /** The label's own line is written in flow style when false (both are read alike). */
  ports?: number[];
}

function serviceDoc(spec: ServiceSpec): string {
  const namespace = spec.namespace ? `  namespace: ${spec.namespace}\n` : '';
  const scope = spec.scope === undefined ? '' : `    ${SCOPE}: ${spec.scope}\n`;
  const ports = (spec.ports ?? [8080])
    .map(
      (port) =>
        `    - name: http-${port}\n      port: ${port}\n      targetPort: ${port}\n      protocol: TCP\n`,
    )
    .join('');
  return `apiVersion: v1
kind: Service
metadata:
  name: ${spec.name}
${namespace}  labels:
    app: ${spec.name}
${scope}spec:
  selector:
    app: ${spec.name}
  ports:
${ports}`;
}

/** A Deployment whose pods carry `app: <app>` (its own name unless told). */
function deploymentDoc(name: string, namespace: string | undefined, replicas = 2, app = name): string {
  const ns = namespace ? `  namespace: ${namespace}\n` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${ns}spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
        version: v1
    spec:
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0.0
          ports:
            - containerPort: 8080
`;
}

function namespaceDoc(name: string, scope?: string): string {
  const labels = scope === undefined ? '' : `  labels:\n    ${SCOPE}: ${scope}\n`;
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${labels}`;
}

function httpRouteDoc(name: string, namespace: string, parent: string, host: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  parentRefs:
    - group: ""
      kind: Service
      name: ${parent}
      port: 8080
  rules:
    - backendRefs:
        - group: networking.istio.io
          kind: Hostname
          name: ${host}
          port: 8080
`;
}

function virtualServiceDoc(name: string, namespace: string, host: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  hosts:
    - ${host}
  http:
    - timeout: 5s
      route:
        - destination:
            host: ${host}
            port:
              number: 8080
`;
}

interface ClusterSpec {
  name: string;
  paths: string;
}

function topologyDoc(header: string, clusters: ClusterSpec[]): string {
  const lines = clusters.map((cluster, index) => {
    const region = `region-${String(Math.floor(index / 10) + 1).padStart(2, '0')}`;
    return `  ${cluster.name}: { paths: ["${cluster.paths}"], network: net-${cluster.name}, region: ${region}, zone: ${region}-${'abc'[index % 3]} }`;
  });
  // No `links` and no peering gateways: every cluster reaches every other (SPEC §3).
  return `# ${header}\nclusters:\n${lines.join('\n')}\n`;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const clusterName = (index: number, count: number) =>
  `cluster-${pad(index + 1, Math.max(2, String(count).length))}`;

// ---- the builder: files, resources, planted findings -------------------------------------------

interface Builder {
  file(path: string, documents: string[], resources: number): void;
  /** Objects a cluster receives without a file of their own (a base's, once per overlay). */
  count(resources: number): void;
  plant(file: string, code: string): void;
  text(path: string): string;
  hoverAt(file: string, line: number, character: number): void;
  finish(options: ShapeOptions, edits: EditCycle[]): ShapeWorkspace;
}

function createBuilder(): Builder {
  const files = new Map<string, string>();
  const planted: Planted[] = [];
  let resources = 0;
  let hover: ShapeWorkspace['hoverAt'];
  return {
    file(path, documents, count) {
      if (files.has(path)) throw new Error(`generator bug: ${path} written twice`);
      files.set(path, documents.join('---\n'));
      resources += count;
    },
    count(count) {
      resources += count;
    },
    plant(file, code) {
      planted.push({ file, code });
    },
    text(path) {
      const text = files.get(path);
      if (text === undefined) throw new Error(`generator bug: no ${path}`);
      return text;
    },
    hoverAt(file, line, character) {
      hover = { file, line, character };
    },
    finish(options, edits) {
      const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const bigFiles = [...sorted]
        .filter(([, text]) => Buffer.byteLength(text) > DEFAULT_MAX_FILE_BYTES)
        .map(([path]) => path);
      const byFile = (list: Planted[]) =>
        [...list].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.code < b.code ? -1 : 1));
      // A file over the limit is not read: its findings become one MESH195 (the shapes plant only
      // findings in a big file that depend on nothing but that file).
      const limited = [
        ...planted.filter((finding) => !bigFiles.includes(finding.file)),
        ...bigFiles.map((file) => ({ file, code: 'MESH195' })),
      ];
      return {
        options,
        files: sorted,
        resources,
        planted: byFile(limited),
        plantedUnlimited: byFile(planted),
        bigFiles,
        edits,
        hoverAt: hover,
      };
    },
  };
}

/**
 * The edit cycle the benchmark makes in a file holding an exported Service (by its own `global` label)
 * whose only sibling elsewhere is unlabeled (MESH101 there): append a Service with an invalid scope
 * value in the same namespace (MESH110 in the file), take it out; switch the label to `cluster` (the
 * sibling's MESH101 goes), and back.
 */
export function scopeEditCycle(
  kind: string,
  file: string,
  original: string,
  namespace: string,
  /** The text with the exported Service's label switched from `global` to `cluster`. */
  unexported: string,
  sibling: { file: string; code: string; count: number },
  base110: number,
): EditCycle {
  const scratch = `${original.endsWith('\n') ? original : `${original}\n`}---
# benchmark edit: a Service with an invalid scope value
apiVersion: v1
kind: Service
metadata:
  name: bench-scratch
  namespace: ${namespace}
  labels:
    ${SCOPE}: globl
`;
  return {
    kind,
    file,
    steps: [
      { text: scratch, watch: file, code: 'MESH110', count: base110 + 1 },
      { text: original, watch: file, code: 'MESH110', count: base110 },
      { text: unexported, watch: sibling.file, code: sibling.code, count: sibling.count - 1 },
      { text: original, watch: sibling.file, code: sibling.code, count: sibling.count },
    ],
  };
}

/** The text with the scope label of Service `name` changed from `from` to `to` (the first such label after its name). */
export function relabel(text: string, name: string, from: string, to: string): string {
  const at = text.indexOf(`kind: Service\nmetadata:\n  name: ${name}\n`);
  const label = text.indexOf(`${SCOPE}: ${from}\n`, at);
  if (at < 0 || label < 0) throw new Error(`no ${SCOPE}: ${from} on Service ${name}`);
  const start = label + SCOPE.length + 2;
  return `${text.slice(0, start)}${to}${text.slice(start + from.length)}`;
}

// ---- the shapes --------------------------------------------------------------------------------

type ShapeBuilder = (b: Builder, options: ShapeOptions) => EditCycle[];

const BUILDERS: Record<Shape, ShapeBuilder> = {
  'big-namespace': bigNamespace,
  'many-routes': manyRoutes,
  'many-clusters': manyClusters,
  'big-file': bigFile,
  'shared-base': sharedBase,
  'crowded-namespace': crowdedNamespace,
};

/**
 * Two clusters with one namespace `shop` of N Services each (every one with its Deployment, a file per
 * Service; every 50th also routes to the next Service's hostname). Every Service is exported by its
 * own label in both clusters, except: svc 1 only in cluster 1 (its sibling in cluster 2 is unlabeled:
 * MESH101, the edit benchmark's pinned pair), every 1000th from svc 2 labelled `globl` in both
 * (MESH110 twice), and svc 3's route names an unknown hostname (MESH121).
 */
function bigNamespace(b: Builder, options: ShapeOptions): EditCycle[] {
  const count = Math.max(3, Math.round(options.scale));
  const clusters = [0, 1].map((index) => clusterName(index, 2));
  const width = String(count).length;
  const name = (index: number) => `svc-${pad(index, width)}`;
  b.file(
    'mesh-topology.yaml',
    [
      topologyDoc(
        `big-namespace: 2 clusters × 1 namespace × ${count} Services (bench/shapes.ts)`,
        clusters.map((cluster) => ({ name: cluster, paths: `clusters/${cluster}/**` })),
      ),
    ],
    0,
  );
  for (const [clusterIndex, cluster] of clusters.entries()) {
    b.file(`clusters/${cluster}/shop/namespace.yaml`, [namespaceDoc('shop')], 1);
    for (let index = 1; index <= count; index++) {
      const path = `clusters/${cluster}/shop/${name(index)}.yaml`;
      const invalid = index % 1000 === 2;
      const scope = index === 1 ? (clusterIndex === 0 ? 'global' : undefined) : invalid ? 'globl' : 'global';
      const docs = [
        `# shop/${name(index)} in ${cluster}\n${serviceDoc({ name: name(index), namespace: 'shop', scope })}`,
        deploymentDoc(name(index), 'shop'),
      ];
      if (index === 1 && clusterIndex === 1) b.plant(path, 'MESH101');
      if (invalid) b.plant(path, 'MESH110');
      if (index % 50 === 3 || index === 3) {
        const unknown = index === 3 && clusterIndex === 0;
        // The next Service that is exported (not a `globl` one); the unknown one is misspelt.
        let target = index + 1 > count ? 4 : index + 1;
        if (target % 1000 === 2) target++;
        const host = unknown ? `${name(target)}x.shop.mesh.internal` : `${name(target)}.shop.mesh.internal`;
        docs.push(httpRouteDoc(`${name(index)}-upstream`, 'shop', name(index), host));
        if (unknown) b.plant(path, 'MESH121');
      }
      b.file(path, docs, docs.length);
    }
  }
  const file = `clusters/${clusters[0]}/shop/${name(1)}.yaml`;
  const sibling = `clusters/${clusters[1]}/shop/${name(1)}.yaml`;
  b.hoverAt(`clusters/${clusters[1]}/shop/${name(Math.min(count, 10))}.yaml`, 4, 10);
  return [
    scopeEditCycle(
      'file in the big namespace',
      file,
      b.text(file),
      'shop',
      relabel(b.text(file), name(1), 'global', 'cluster'),
      { file: sibling, code: 'MESH101', count: 1 },
      0,
    ),
  ];
}

/**
 * Two clusters; `shop/api` exported in both. N client Services (half in each cluster, in namespaces of
 * 100) each route to `api.shop.mesh.internal` with an HTTPRoute, every 5th also with a VirtualService.
 * Planted: client 1 routes to `apix.shop…` (MESH121), client 2 to `api.shop.mesh.local` (MESH120),
 * and so every 1000th after them.
 */
function manyRoutes(b: Builder, options: ShapeOptions): EditCycle[] {
  const routes = Math.max(2, Math.round(options.scale));
  const clusters = [0, 1].map((index) => clusterName(index, 2));
  const width = String(routes).length;
  b.file(
    'mesh-topology.yaml',
    [
      topologyDoc(
        `many-routes: ${routes} routes to one hostname (bench/shapes.ts)`,
        clusters.map((cluster) => ({ name: cluster, paths: `clusters/${cluster}/**` })),
      ),
    ],
    0,
  );
  for (const cluster of clusters) {
    b.file(`clusters/${cluster}/shop/namespace.yaml`, [namespaceDoc('shop')], 1);
    b.file(
      `clusters/${cluster}/shop/api.yaml`,
      [serviceDoc({ name: 'api', namespace: 'shop', scope: 'global' }), deploymentDoc('api', 'shop', 3)],
      2,
    );
  }
  const namespaces = new Set<string>();
  for (let index = 1; index <= routes; index++) {
    const cluster = clusters[index % 2] as string;
    const namespace = `clients-${pad(Math.ceil(index / 100), 3)}`;
    if (!namespaces.has(`${cluster}/${namespace}`)) {
      namespaces.add(`${cluster}/${namespace}`);
      b.file(`clusters/${cluster}/${namespace}/namespace.yaml`, [namespaceDoc(namespace)], 1);
    }
    const client = `client-${pad(index, width)}`;
    const path = `clusters/${cluster}/${namespace}/${client}.yaml`;
    const mistake = index % 1000 === 1 ? 'MESH121' : index % 1000 === 2 ? 'MESH120' : undefined;
    const host =
      mistake === 'MESH121'
        ? 'apix.shop.mesh.internal'
        : mistake === 'MESH120'
          ? 'api.shop.mesh.local'
          : 'api.shop.mesh.internal';
    const docs = [
      serviceDoc({ name: client, namespace }),
      deploymentDoc(client, namespace, 1),
      httpRouteDoc(`${client}-to-api`, namespace, client, host),
    ];
    if (index % 5 === 0)
      docs.push(virtualServiceDoc(`${client}-to-api`, namespace, 'api.shop.mesh.internal'));
    if (mistake) b.plant(path, mistake);
    b.file(path, docs, docs.length);
  }
  b.hoverAt(`clusters/${clusters[0]}/shop/api.yaml`, 3, 8);
  return [];
}

/**
 * N clusters with the same namespaces `shop` (exported by its Namespace label) and `web` (Services
 * exported by their own label), S Services each; each cluster's `web/svc-01` routes to
 * `svc-01.shop.mesh.internal`. Planted: `web/pinned` exported in cluster 1 and unlabeled in cluster 2
 * (MESH101), `web/typo` only in cluster 3 with scope `globl` (MESH110).
 */
function manyClusters(b: Builder, options: ShapeOptions): EditCycle[] {
  const count = Math.max(3, Math.round(options.scale));
  const services = Math.max(1, options.services ?? SHAPE_SCALES['many-clusters'].services ?? 10);
  const clusters = Array.from({ length: count }, (_, index) => clusterName(index, count));
  const name = (index: number) => `svc-${pad(index, 2)}`;
  b.file(
    'mesh-topology.yaml',
    [
      topologyDoc(
        `many-clusters: ${count} clusters × 2 namespaces × ${services} Services (bench/shapes.ts)`,
        clusters.map((cluster) => ({ name: cluster, paths: `clusters/${cluster}/**` })),
      ),
    ],
    0,
  );
  for (const [clusterIndex, cluster] of clusters.entries()) {
    b.file(`clusters/${cluster}/shop/namespace.yaml`, [namespaceDoc('shop', 'global')], 1);
    b.file(`clusters/${cluster}/web/namespace.yaml`, [namespaceDoc('web')], 1);
    for (let index = 1; index <= services; index++) {
      const shop = [serviceDoc({ name: name(index), namespace: 'shop' }), deploymentDoc(name(index), 'shop')];
      b.file(`clusters/${cluster}/shop/${name(index)}.yaml`, shop, shop.length);
      const web = [
        serviceDoc({ name: name(index), namespace: 'web', scope: 'global' }),
        deploymentDoc(name(index), 'web'),
      ];
      if (index === 1) web.push(httpRouteDoc('svc-01-to-shop', 'web', name(1), 'svc-01.shop.mesh.internal'));
      b.file(`clusters/${cluster}/web/${name(index)}.yaml`, web, web.length);
    }
    if (clusterIndex < 2) {
      const path = `clusters/${cluster}/web/pinned.yaml`;
      const docs = [
        serviceDoc({ name: 'pinned', namespace: 'web', scope: clusterIndex === 0 ? 'global' : undefined }),
        deploymentDoc('pinned', 'web'),
      ];
      b.file(path, docs, docs.length);
      if (clusterIndex === 1) b.plant(path, 'MESH101');
    }
    if (clusterIndex === 2) {
      const path = `clusters/${cluster}/web/typo.yaml`;
      const docs = [
        serviceDoc({ name: 'typo', namespace: 'web', scope: 'globl' }),
        deploymentDoc('typo', 'web'),
      ];
      b.file(path, docs, docs.length);
      b.plant(path, 'MESH110');
    }
  }
  b.hoverAt(`clusters/${clusters[0]}/web/svc-01.yaml`, 3, 8);
  return [];
}

/**
 * Cluster 1's manifests in one file, `clusters/cluster-01/all.yaml`, of about N MB: namespaces
 * `bulk-NNN` of 100 exported Services each (Service + Deployment); every 1000th Service, from the
 * 8th, has scope `globl` (MESH110 — in that file only: cluster 2 has none of these namespaces); every
 * 50th routes to the next Service of its namespace. Cluster
 * 2 is small: `shop` with 5 exported Services and `shop/typo` with `globl` (MESH110). Over 10 MB the
 * big file is not read by default (MESH195 instead of its findings).
 */
function bigFile(b: Builder, options: ShapeOptions): EditCycle[] {
  const targetBytes = options.scale * 1024 * 1024;
  const clusters = [0, 1].map((index) => clusterName(index, 2));
  b.file(
    'mesh-topology.yaml',
    [
      topologyDoc(
        `big-file: one file of about ${options.scale} MB (bench/shapes.ts)`,
        clusters.map((cluster) => ({ name: cluster, paths: `clusters/${cluster}/**` })),
      ),
    ],
    0,
  );
  const big = `clusters/${clusters[0]}/all.yaml`;
  const docs: string[] = [];
  let bytes = 0;
  let resources = 0;
  const add = (doc: string) => {
    docs.push(doc);
    bytes += Buffer.byteLength(doc) + 4;
    resources++;
  };
  for (let index = 0; bytes < targetBytes; index++) {
    const namespace = `bulk-${pad(Math.floor(index / 100) + 1, 3)}`;
    if (index % 100 === 0) add(namespaceDoc(namespace));
    const service = `svc-${pad(index % 100, 2)}`;
    const invalid = index % 1000 === 7;
    add(serviceDoc({ name: service, namespace, scope: invalid ? 'globl' : 'global' }));
    add(deploymentDoc(service, namespace));
    if (invalid) b.plant(big, 'MESH110');
    // Every 50th Service routes to the next one in its namespace (never a `globl` one), as in a real
    // mesh's manifests, which mention hostnames here and there.
    if (index % 50 === 3) {
      const target = `svc-${pad((index % 100) + ((index + 1) % 1000 === 7 ? 2 : 1), 2)}`;
      add(httpRouteDoc(`${service}-upstream`, namespace, service, `${target}.${namespace}.mesh.internal`));
    }
  }
  b.file(big, docs, resources);
  b.file(`clusters/${clusters[1]}/shop/namespace.yaml`, [namespaceDoc('shop')], 1);
  for (let index = 1; index <= 5; index++) {
    const service = `svc-${pad(index, 2)}`;
    b.file(
      `clusters/${clusters[1]}/shop/${service}.yaml`,
      [serviceDoc({ name: service, namespace: 'shop', scope: 'global' }), deploymentDoc(service, 'shop')],
      2,
    );
  }
  const typo = `clusters/${clusters[1]}/shop/typo.yaml`;
  b.file(
    typo,
    [serviceDoc({ name: 'typo', namespace: 'shop', scope: 'globl' }), deploymentDoc('typo', 'shop')],
    2,
  );
  b.plant(typo, 'MESH110');
  b.hoverAt(`clusters/${clusters[1]}/shop/svc-01.yaml`, 3, 8);
  // The big file's first Service switched to `globl` and back: the whole file is re-read each time.
  const original = b.text(big);
  const inBig = docs.filter((doc) => doc.includes(`${SCOPE}: globl`)).length;
  return [
    {
      kind: 'the big file',
      file: big,
      steps: [
        {
          text: relabel(original, 'svc-00', 'global', 'globl'),
          watch: big,
          code: 'MESH110',
          count: inBig + 1,
        },
        { text: original, watch: big, code: 'MESH110', count: inBig },
      ],
    },
  ];
}

/**
 * One base, `base/shop/` (the Namespace and S Services with Deployments, exported by their own
 * label), included by N cluster overlays `overlays/cluster-NN/`. Planted, one finding each naming
 * every cluster at fault (each cluster's copy at one place is merged into one): `pinned` is unlabeled
 * in the base and patched to `global` by cluster 1's overlay (MESH101 at the base's Service naming the
 * other clusters), `typo` is `globl` in the base (MESH110 naming every cluster). Cluster 1 also routes
 * to `svc-001`.
 */
function sharedBase(b: Builder, options: ShapeOptions): EditCycle[] {
  const overlays = Math.max(2, Math.round(options.scale));
  const services = Math.max(1, options.services ?? SHAPE_SCALES['shared-base'].services ?? 200);
  const clusters = Array.from({ length: overlays }, (_, index) => clusterName(index, overlays));
  const width = Math.max(3, String(services).length);
  const name = (index: number) => `svc-${pad(index, width)}`;
  b.file(
    'mesh-topology.yaml',
    [
      topologyDoc(
        `shared-base: one base of ${services} Services in ${overlays} overlays (bench/shapes.ts)`,
        clusters.map((cluster) => ({ name: cluster, paths: `overlays/${cluster}/**` })),
      ),
    ],
    0,
  );
  const baseFiles = ['namespace.yaml'];
  b.file('base/shop/namespace.yaml', [namespaceDoc('shop')], 0);
  for (let index = 1; index <= services; index++) {
    const file = `${name(index)}.yaml`;
    baseFiles.push(file);
    b.file(
      `base/shop/${file}`,
      [
        `# shop/${name(index)}: every cluster runs it\n${serviceDoc({ name: name(index), scope: 'global' })}`,
        deploymentDoc(name(index), undefined),
      ],
      0,
    );
  }
  baseFiles.push('pinned.yaml', 'typo.yaml');
  b.file('base/shop/pinned.yaml', [serviceDoc({ name: 'pinned' }), deploymentDoc('pinned', undefined)], 0);
  b.file(
    'base/shop/typo.yaml',
    [serviceDoc({ name: 'typo', scope: 'globl' }), deploymentDoc('typo', undefined)],
    0,
  );
  // One finding each, naming every cluster at fault (the clusters' copies at one place are merged).
  b.plant('base/shop/pinned.yaml', 'MESH101');
  b.plant('base/shop/typo.yaml', 'MESH110');
  b.file(
    'base/shop/kustomization.yaml',
    [
      `# The shop namespace, as every cluster runs it.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources:\n${baseFiles.map((file) => `  - ${file}\n`).join('')}`,
    ],
    0,
  );
  for (const [index, cluster] of clusters.entries()) {
    const first = index === 0;
    const resources = ['../../base/shop', ...(first ? ['routes.yaml'] : [])];
    const patches = first ? 'patches:\n  - path: pinned-scope.yaml\n' : '';
    b.file(
      `overlays/${cluster}/kustomization.yaml`,
      [
        `# ${cluster}: kubectl apply -k overlays/${cluster}\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}${patches}`,
      ],
      0,
    );
    // What the cluster receives from the base: the Namespace, and a Service and Deployment each.
    b.count(1 + 2 * (services + 2));
    if (first) {
      b.file(
        `overlays/${cluster}/pinned-scope.yaml`,
        [
          `apiVersion: v1\nkind: Service\nmetadata:\n  name: pinned\n  namespace: shop\n  labels:\n    ${SCOPE}: global\n`,
        ],
        0,
      );
      b.file(
        `overlays/${cluster}/routes.yaml`,
        [httpRouteDoc('svc-001-upstream', 'shop', name(1), `${name(1)}.shop.mesh.internal`)],
        1,
      );
    }
  }
  const file = `base/shop/${name(1)}.yaml`;
  b.hoverAt(`base/shop/${name(Math.min(services, 2))}.yaml`, 4, 10);
  const original = b.text(file);
  const scratch = `${original}---
# benchmark edit: a Service with an invalid scope value
apiVersion: v1
kind: Service
metadata:
  name: bench-scratch
  labels:
    ${SCOPE}: globl
`;
  const routes = `overlays/${clusters[0]}/routes.yaml`;
  return [
    {
      kind: `base shared by ${overlays} overlays`,
      file,
      steps: [
        { text: scratch, watch: file, code: 'MESH110', count: 1 },
        { text: original, watch: file, code: 'MESH110', count: 0 },
        // svc-001 no longer exported anywhere: cluster 1's route names a hostname nobody exports.
        { text: relabel(original, name(1), 'global', 'cluster'), watch: routes, code: 'MESH122', count: 1 },
        { text: original, watch: routes, code: 'MESH122', count: 0 },
      ],
    },
  ];
}

/** The applications of the crowded namespace: four Services, each selecting its Deployment. */
const APPLICATION = ['details', 'ratings', 'reviews', 'productpage'];
/** Every this many files, one holds an application; this many applications share their pod labels. */
const APPLICATION_EVERY = 40;
const APPLICATIONS_PER_VARIANT = 20;

/**
 * One cluster whose N files name no namespace: all land in `default`. Most hold a ConfigMap, a
 * ServiceAccount or a Role; every 40th an application of four Services and their Deployments. The
 * applications come in variants of twenty that carry the same pod labels, so each Service selects
 * the Deployments of its variant's twenty copies, and an edit of one copy's file makes the eighty
 * instances selecting its workloads again. Planted: application 2's `reviews` Service labelled
 * `globl` (MESH110), and a ConfigMap carrying the scope label (MESH112). The edit adds a `globl` scope
 * label to application 1's first Service, which moves every document after it a line down.
 */
function crowdedNamespace(b: Builder, options: ShapeOptions): EditCycle[] {
  const count = Math.max(APPLICATION_EVERY * 2, Math.round(options.scale));
  const cluster = clusterName(0, 1);
  const width = String(count).length;
  b.file(
    'mesh-topology.yaml',
    [
      topologyDoc(`crowded-namespace: ${count} files with no namespace in one cluster (bench/shapes.ts)`, [
        { name: cluster, paths: `clusters/${cluster}/**` },
      ]),
    ],
    0,
  );
  const applicationFile = (copy: number) => `clusters/${cluster}/apps/application-${pad(copy, width)}.yaml`;
  for (let index = 0; index < count; index++) {
    if (index % APPLICATION_EVERY === 0) {
      const copy = index / APPLICATION_EVERY + 1;
      const variant = Math.floor((copy - 1) / APPLICATIONS_PER_VARIANT) + 1;
      const path = applicationFile(copy);
      const docs = APPLICATION.flatMap((service) => {
        const scope = copy === 2 && service === 'reviews' ? 'globl' : undefined;
        return [
          crowdedServiceDoc(`${service}-${copy}`, `${service}-v${variant}`, scope),
          deploymentDoc(`${service}-${copy}`, undefined, 2, `${service}-v${variant}`),
        ];
      });
      if (copy === 2) b.plant(path, 'MESH110');
      b.file(path, [`# application ${copy} (variant ${variant})\n${docs[0]}`, ...docs.slice(1)], docs.length);
      continue;
    }
    const kind = index % 3;
    const name = `item-${pad(index, width)}`;
    const path = `clusters/${cluster}/config/${name}.yaml`;
    const labelled = index === 3;
    if (labelled) b.plant(path, 'MESH112');
    const doc =
      kind === 0
        ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${labelled ? `  labels:\n    ${SCOPE}: global\n` : ''}data:\n  settings.yaml: |\n    level: info\n    retries: 3\n`
        : kind === 1
          ? `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n`
          : `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${name}\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list, watch]\n`;
    b.file(path, [doc], 1);
  }
  const file = applicationFile(1);
  b.hoverAt(applicationFile(3), 5, 10);
  const original = b.text(file);
  const labelled = original.replace(
    `  name: ${APPLICATION[0]}-1\n  labels:\n`,
    `  name: ${APPLICATION[0]}-1\n  labels:\n    ${SCOPE}: globl\n`,
  );
  if (labelled === original) throw new Error('generator bug: no labels on the first Service');
  return [
    {
      kind: 'file in a namespace of thousands of files',
      file,
      steps: [
        { text: labelled, watch: file, code: 'MESH110', count: 1 },
        { text: original, watch: file, code: 'MESH110', count: 0 },
      ],
    },
  ];
}

/** A Service of the crowded namespace: no namespace, selecting the pod label `app` of its variant. */
function crowdedServiceDoc(name: string, app: string, scope: string | undefined): string {
  const label = scope === undefined ? '' : `    ${SCOPE}: ${scope}\n`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app: ${app}
${label}spec:
  selector:
    app: ${app}
  ports:
    - name: http
      port: 8080
      targetPort: 8080
`;
}

/** The marker file of a written shape: options, counts, digest and the planted findings. */
export function shapeMarker(workspace: ShapeWorkspace) {
  return {
    shape: workspace.options,
    files: workspace.files.size,
    resources: workspace.resources,
    digest: digestOf(workspace.files),
    planted: workspace.planted,
    bigFiles: workspace.bigFiles,
  };
}
