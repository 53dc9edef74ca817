// Deterministic generator of realistic multicluster mesh workspaces, for the benchmark (issue 7).
// Same options → byte-identical files: every random choice comes from one seeded PRNG, consumed in
// a fixed order, and files are emitted sorted by path. Most of the mesh is correct; each mistake of
// SPEC §7 is sprinkled in at a low rate, as in a real repository that is mostly right.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { emitOverlays } from './generate-overlays';

export interface GenOptions {
  clusters: number;
  /** Namespaces in the shared pool; each cluster has most of them (namespace sameness). */
  namespaces: number;
  /** Services per namespace pool; each cluster runs most of them. */
  services: number;
  seed: number;
}

/** Presets sized to ~1k, ~10k and ~50k resources (the exact count is printed by the generator). */
export const PRESETS: Record<string, GenOptions> = {
  '1k': { clusters: 5, namespaces: 9, services: 14, seed: 1 },
  '10k': { clusters: 8, namespaces: 32, services: 26, seed: 1 },
  '50k': { clusters: 16, namespaces: 64, services: 33, seed: 1 },
};

/**
 * How the manifests are laid out: `plain`, one folder of files per cluster (`clusters/<name>/`);
 * `overlays`, the same mesh as Kustomize bases (`base/<namespace>/<service>/`) and one overlay per
 * cluster (`overlays/<name>/`) that includes them and writes what differs per cluster
 * (bench/generate-overlays.ts).
 */
export type Layout = 'plain' | 'overlays';
export const LAYOUTS: readonly Layout[] = ['plain', 'overlays'];

export interface GeneratedWorkspace {
  options: GenOptions;
  layout: Layout;
  /** Path (relative, forward slashes) → text, sorted by path. */
  files: Map<string, string>;
  /**
   * Kubernetes objects the clusters receive (documents with apiVersion and kind that parse): in the
   * plain layout the objects written; in the overlays layout a base's objects once per cluster
   * including it, so both layouts of one mesh count the same.
   */
  resources: number;
  /** Deliberate mistakes, by the SPEC §7 code they are meant to trigger. */
  mistakes: Record<string, number>;
}

export const MARKER_FILE = '.mesh-lens-gen.json';

const NAMESPACE_WORDS = [
  'payments',
  'checkout',
  'catalog',
  'search',
  'orders',
  'inventory',
  'shipping',
  'identity',
  'billing',
  'reviews',
  'ratings',
  'cart',
  'frontend',
  'ads',
  'notifications',
  'analytics',
  'fraud',
  'pricing',
  'loyalty',
  'media',
  'accounts',
  'ledger',
  'messaging',
  'recommendations',
];
const SERVICE_WORDS = [
  'api',
  'web',
  'worker',
  'gateway',
  'auth',
  'cache',
  'scheduler',
  'indexer',
  'profile',
  'session',
  'feed',
  'query',
  'recommender',
  'mailer',
  'sms',
  'pdf',
  'export',
  'import',
  'audit',
  'events',
  'store',
  'router',
  'tokens',
  'quotes',
  'images',
  'thumbnails',
  'webhooks',
  'ledger',
  'reports',
  'metrics',
  'search',
  'admin',
  'graphql',
  'grpc-edge',
  'rules',
  'limits',
];
const REGIONS = ['us-west', 'us-east', 'eu-west', 'eu-central', 'ap-southeast'];
const TEAMS = ['team-apollo', 'team-borealis', 'team-cobalt', 'team-dune', 'team-ember'];
const INVALID_SCOPES = ['globl', 'Global', 'true', 'exported'];
const WRONG_SUFFIXES = ['internal.mesh', 'mesh.local'];
const DISTRIBUTIONS = ['PreferClose', 'PreferRegion', 'PreferNetwork', 'Any'];
const DEFAULT_DOMAIN = 'mesh.internal';

/** mulberry32: small, fast, good enough for test data, and identical on every platform. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
type Random = ReturnType<typeof createRandom>;

function seedOf(options: GenOptions): number {
  let hash = 2166136261;
  for (const value of [options.seed, options.clusters, options.namespaces, options.services]) {
    hash = Math.imul(hash ^ value, 16777619) >>> 0;
  }
  return hash;
}

function names(words: string[], count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const round = Math.floor(index / words.length);
    const word = words[index % words.length] as string;
    return round === 0 ? word : `${word}-${round + 1}`;
  });
}

export interface Cluster {
  name: string;
  network: string;
  region: string;
  zone: string;
  segment?: string;
}

interface Segment {
  name: string;
  domain: string;
}

interface Link {
  from: string;
  to: string;
  both: boolean;
}

/** One Service (plus its workload) in one cluster, with what it should be and what went wrong. */
export interface Instance {
  cluster: Cluster;
  namespace: string;
  name: string;
  /** The scope label on the Service itself, as written (undefined: none). */
  ownScope?: string;
  takeover?: string;
  distribution?: string;
  replicas: number;
  ports: { name: string; port: number; appProtocol?: string }[];
  selectorTypo: boolean;
  labelOnPods: boolean;
  serviceAccount: boolean;
  flowLabels: boolean;
  split: boolean;
  /** The hostname this instance is meant to be reachable at, when it is meant to be exported. */
  intendedHost?: string;
}

export interface NamespaceInCluster {
  cluster: Cluster;
  name: string;
  scope?: string;
  distribution?: string;
}

/**
 * Builds the workspace in memory. Both layouts draw the same random numbers in the same order, so
 * they hold the same mesh; only where and how the documents are written differs.
 */
export function generateWorkspace(options: GenOptions, layout: Layout = 'plain'): GeneratedWorkspace {
  validate(options);
  const random = createRandom(seedOf(options));
  const mistakes: Record<string, number> = {};
  const mistake = (code: string) => {
    mistakes[code] = (mistakes[code] ?? 0) + 1;
  };
  const emitter = createEmitter();

  const { clusters, segments } = makeClusters(options.clusters);
  const links = makeLinks(random, clusters);
  const domainOf = (cluster: Cluster) =>
    segments.find((segment) => segment.name === cluster.segment)?.domain ?? DEFAULT_DOMAIN;

  emitter.file('mesh-topology.yaml', [topologyFile(options, layout, clusters, segments, links)], 0);
  const infrastructure = new Map<string, string[]>();
  for (const cluster of clusters) {
    const dir = `${layout === 'plain' ? 'clusters' : 'overlays'}/${cluster.name}/istio-system`;
    infrastructure.set(
      cluster.name,
      emitInfrastructure(emitter, random, dir, cluster, clusters, segments, links, mistake),
    );
  }

  const namespaceNames = names(NAMESPACE_WORDS, options.namespaces);
  const serviceNames = names(SERVICE_WORDS, options.services);
  const namespaces: NamespaceInCluster[] = [];
  const instances: Instance[] = [];
  for (const [nsIndex, namespace] of namespaceNames.entries()) {
    // The first namespace is never exported as a whole: its first service is the pinned example below.
    const nsExported = random.chance(0.25) && nsIndex > 0;
    const nsSegmentScope = random.chance(0.3);
    const nsDistribution = random.chance(0.1) ? random.pick(['PreferClose', 'PreferRegion']) : undefined;
    const present = clusters.filter((_, index) => nsIndex === 0 || index === 0 || random.chance(0.8));
    for (const cluster of present) {
      let scope: string | undefined;
      if (nsExported) {
        scope = cluster.segment && nsSegmentScope ? 'segment' : 'global';
        // MESH101 at namespace level: the label was forgotten in one cluster.
        if (random.chance(0.03)) {
          scope = undefined;
          mistake('MESH101 (namespace label missing)');
        }
      }
      namespaces.push({
        cluster,
        name: namespace,
        scope,
        distribution: nsExported ? nsDistribution : undefined,
      });
    }
    for (const [serviceIndex, service] of serviceNames.entries()) {
      const pinned = nsIndex === 0 && serviceIndex === 0 && clusters.length >= 2;
      instances.push(
        ...(pinned
          ? pinnedUnlabeledSibling(random, service, namespace, clusters, domainOf, mistake)
          : makeInstances(random, service, namespace, nsExported, present, domainOf, mistake)),
      );
    }
  }

  const hosts = intendedHosts(instances);
  const unexported = [
    ...new Set(
      instances.filter((i) => !i.intendedHost).map((i) => `${i.name}.${i.namespace}.${DEFAULT_DOMAIN}`),
    ),
  ].filter((host) => !hosts.all.includes(host));

  const teams = namespaces.map(() => random.pick(TEAMS));
  const drawn = instances.map((instance) => drawInstance(random, instance, hosts, unexported, mistake));
  if (layout === 'plain') {
    namespaces.forEach((namespace, index) => {
      emitter.file(
        `clusters/${namespace.cluster.name}/${namespace.name}/namespace.yaml`,
        [namespaceDoc(namespace, teams[index] as string)],
        1,
      );
    });
    for (const instance of drawn) emitInstance(emitter, instance);
  } else {
    emitOverlays(emitter, { clusters, namespaces, teams, instances: drawn, infrastructure });
  }
  // One YAML syntax error is always there (MESH190); more are sprinkled among the instances.
  emitter.broken(`${layout === 'plain' ? 'clusters' : 'overlays'}/${clusters[0]?.name}/scratch/wip.yaml`);
  mistake('MESH190');

  return { options, layout, files: emitter.sorted(), resources: emitter.resources(), mistakes };
}

function validate(options: GenOptions): void {
  for (const [key, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < (key === 'seed' ? 0 : 1))
      throw new Error(`--${key} must be a positive integer (got ${value})`);
  }
  if (options.clusters > 99) throw new Error('--clusters must be at most 99');
}

function makeClusters(count: number): { clusters: Cluster[]; segments: Segment[] } {
  const clusters = Array.from({ length: count }, (_, index): Cluster => {
    const name = `cluster-${String(index + 1).padStart(2, '0')}`;
    const region = REGIONS[Math.floor(index / 2) % REGIONS.length] as string;
    return { name, network: `net-${name}`, region, zone: `${region}-1${'abc'[index % 2]}` };
  });
  const segments: Segment[] = [];
  const join = (segment: Segment, indexes: number[]) => {
    const members = indexes.map((index) => clusters[index]).filter((cluster) => cluster && !cluster.segment);
    if (members.length === 0) return;
    segments.push(segment);
    for (const member of members) if (member) member.segment = segment.name;
  };
  if (count >= 3)
    join({ name: 'payments', domain: 'payments.mesh' }, count >= 6 ? [count - 1, count - 2] : [count - 1]);
  if (count >= 5)
    join({ name: 'analytics', domain: 'analytics.mesh' }, count >= 10 ? [count - 3, count - 4] : [count - 3]);
  return { clusters, segments };
}

/** Mostly symmetric peering, some one-way links, a few pairs not linked at all. */
function makeLinks(random: Random, clusters: Cluster[]): Link[] {
  const links: Link[] = [];
  for (const [i, a] of clusters.entries()) {
    for (const b of clusters.slice(i + 1)) {
      const roll = random.next();
      if (roll < 0.72) links.push({ from: a.name, to: b.name, both: true });
      else if (roll < 0.85) links.push({ from: a.name, to: b.name, both: false });
      else if (roll < 0.93) links.push({ from: b.name, to: a.name, both: false });
    }
  }
  return links;
}

function topologyFile(
  options: GenOptions,
  layout: Layout,
  clusters: Cluster[],
  segments: Segment[],
  links: Link[],
): string {
  const folder = layout === 'plain' ? 'clusters' : 'overlays';
  const lines = [
    `# Generated by bench/gen.ts (seed ${options.seed}): ${options.clusters} clusters, ${options.namespaces} namespaces, ${options.services} services per namespace.`,
    layout === 'plain'
      ? '# Each cluster applies the manifests under its folder; links are directed peerings.'
      : '# Each cluster applies its overlay (kubectl apply -k overlays/<name>); links are directed peerings.',
    'clusters:',
    ...clusters.map((cluster) => {
      const segment = cluster.segment ? `, segment: ${cluster.segment}` : '';
      return `  ${cluster.name}: { paths: ["${folder}/${cluster.name}/**"], network: ${cluster.network}, region: ${cluster.region}, zone: ${cluster.zone}${segment} }`;
    }),
  ];
  if (segments.length > 0) {
    lines.push('segments:', ...segments.map((segment) => `  ${segment.name}: { domain: ${segment.domain} }`));
  }
  lines.push('links:');
  for (const link of links) {
    lines.push(
      link.both
        ? `  - { between: [${link.from}, ${link.to}] }`
        : `  - { from: ${link.from}, to: ${link.to} }   # one way: ${link.to} cannot call back`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface Emitter {
  /** Writes a file of documents; `resources` says how many of them are Kubernetes objects. */
  file(path: string, documents: string[], resources: number): void;
  /** Counts objects a layout places without writing them once per cluster (a base's, per overlay). */
  count(resources: number): void;
  broken(path: string): void;
  sorted(): Map<string, string>;
  resources(): number;
}

function createEmitter(): Emitter {
  const files = new Map<string, string>();
  let resources = 0;
  return {
    file(path, documents, count) {
      if (files.has(path)) throw new Error(`generator bug: ${path} written twice`);
      files.set(path, documents.join('---\n'));
      resources += count;
    },
    count(count) {
      resources += count;
    },
    broken(path) {
      files.set(
        path,
        [
          '# Work in progress: not applied yet.',
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata:',
          '  name: wip-settings',
          'data:',
          '  motd: "half-written quote',
          '  retries: 3',
          '',
        ].join('\n'),
      );
    },
    sorted: () => new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    resources: () => resources,
  };
}

/** Writes a cluster's control-plane and peering manifests into `base`; returns the paths written. */
function emitInfrastructure(
  emitter: Emitter,
  random: Random,
  base: string,
  cluster: Cluster,
  clusters: Cluster[],
  segments: Segment[],
  links: Link[],
  mistake: (code: string) => void,
): string[] {
  const segmentLabel = cluster.segment ? `\n    admin.solo.io/segment: ${cluster.segment}` : '';
  const system = [
    `# ${cluster.name}: control plane namespace; its labels state the network${cluster.segment ? ' and segment' : ''}.
apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
  labels:
    topology.istio.io/network: ${cluster.network}${segmentLabel}
`,
  ];
  const segment = segments.find((candidate) => candidate.name === cluster.segment);
  const firstOfSegment = clusters.find((candidate) => candidate.segment === cluster.segment) === cluster;
  if (segment && firstOfSegment) {
    system.push(`apiVersion: admin.solo.io/v1alpha1
kind: Segment
metadata:
  name: ${segment.name}
  namespace: istio-system
spec:
  domain: ${segment.domain}
`);
  }
  emitter.file(`${base}/istio-system.yaml`, system, system.length);

  emitter.file(
    `${base}/eastwest.yaml`,
    [
      `apiVersion: v1
kind: Namespace
metadata:
  name: istio-eastwest
`,
      `# The east-west gateway: this cluster takes part in peering.
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: istio-eastwest
  namespace: istio-eastwest
  labels:
    istio.io/expose-istiod: "15012"
    topology.istio.io/network: ${cluster.network}
spec:
  gatewayClassName: istio-eastwest
  listeners:
    - name: cross-network
      port: 15008
      protocol: HBONE
      tls:
        mode: Passthrough
    - name: xds-tls
      port: 15012
      protocol: TLS
      tls:
        mode: Passthrough
`,
    ],
    2,
  );

  const peers = links
    .flatMap((link) => {
      if (link.from === cluster.name) return [link.to];
      return link.both && link.to === cluster.name ? [link.from] : [];
    })
    .map((name) => clusters.find((candidate) => candidate.name === name) as Cluster);
  const written = [`${base}/istio-system.yaml`, `${base}/eastwest.yaml`];
  if (peers.length === 0) return written;
  const gateways = peers.map((peer) => {
    // MESH180: a peering gateway whose address was never filled in (always once, in the first cluster).
    const missingAddress = random.chance(0.02) || (clusters.indexOf(cluster) === 0 && peer === peers[0]);
    if (missingAddress) mistake('MESH180');
    const address = `10.${clusters.indexOf(peer) + 1}.${random.int(0, 255)}.${random.int(1, 254)}`;
    return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: istio-remote-peer-${peer.name}
  namespace: istio-eastwest
  labels:
    topology.istio.io/network: ${peer.network}
  annotations:
    gateway.istio.io/service-account: istio-eastwest
    gateway.istio.io/trust-domain: ${peer.name}.local
spec:
  gatewayClassName: istio-remote
${
  missingAddress
    ? "  # TODO: address of the peer's east-west gateway\n"
    : `  addresses:\n    - type: IPAddress\n      value: ${address}\n`
}  listeners:
    - name: cross-network
      port: 15008
      protocol: HBONE
      tls:
        mode: Passthrough
`;
  });
  emitter.file(`${base}/peers.yaml`, gateways, gateways.length);
  return [...written, `${base}/peers.yaml`];
}

function makeInstances(
  random: Random,
  name: string,
  namespace: string,
  nsExported: boolean,
  present: Cluster[],
  domainOf: (cluster: Cluster) => string,
  mistake: (code: string) => void,
): Instance[] {
  // Decisions for the service as a whole: every instance is meant to agree on them.
  const ownExport = !nsExported && random.chance(0.4);
  const grpc = random.chance(0.3);
  const distribution = random.chance(0.15) ? random.pick(DISTRIBUTIONS) : undefined;
  const takeover = random.chance(0.05);
  const segmentScope = random.chance(0.1);
  const clusters = present.filter(() => random.chance(0.65));
  return clusters.map((cluster) => {
    const instance: Instance = {
      cluster,
      namespace,
      name,
      replicas: random.chance(0.05) ? 0 : random.int(1, 3),
      ports: [
        { name: 'http', port: 8080 },
        ...(grpc ? [{ name: 'grpc', port: 9090, appProtocol: 'grpc' }] : []),
      ],
      selectorTypo: false,
      labelOnPods: false,
      serviceAccount: random.chance(0.35),
      flowLabels: random.chance(0.3),
      split: random.chance(0.3),
    };
    const exported = nsExported || ownExport;
    if (ownExport) instance.ownScope = cluster.segment && segmentScope ? 'segment' : 'global';
    if (exported) {
      instance.intendedHost = `${name}.${namespace}.${domainOf(cluster)}`;
      if (distribution) instance.distribution = distribution;
      if (takeover) instance.takeover = 'true';
    }
    applyInstanceMistakes(random, instance, exported, nsExported, mistake);
    return instance;
  });
}

/**
 * Always present, so every workspace has one known cross-cluster dependency (the benchmark edits it):
 * the first service is exported by its own label in the first cluster only, and has an unlabeled
 * sibling in the second cluster (MESH101 there). Neither cluster is in a segment.
 */
function pinnedUnlabeledSibling(
  random: Random,
  name: string,
  namespace: string,
  clusters: Cluster[],
  domainOf: (cluster: Cluster) => string,
  mistake: (code: string) => void,
): Instance[] {
  const [exported, sibling] = clusters as [Cluster, Cluster];
  const base = (cluster: Cluster): Instance => ({
    cluster,
    namespace,
    name,
    replicas: random.int(1, 3),
    ports: [{ name: 'http', port: 8080 }],
    selectorTypo: false,
    labelOnPods: false,
    serviceAccount: true,
    flowLabels: false,
    split: false,
  });
  mistake('MESH101');
  return [
    { ...base(exported), ownScope: 'global', intendedHost: `${name}.${namespace}.${domainOf(exported)}` },
    base(sibling),
  ];
}

/** The sprinkling: each SPEC §7 mistake on a small share of instances. */
function applyInstanceMistakes(
  random: Random,
  instance: Instance,
  exported: boolean,
  nsExported: boolean,
  mistake: (code: string) => void,
): void {
  const roll = random.next();
  if (exported && !nsExported && roll < 0.025) {
    instance.ownScope = undefined; // MESH101: one cluster forgot the label
    mistake('MESH101');
  } else if (exported && nsExported && roll < 0.01) {
    instance.ownScope = 'cluster'; // kept local on purpose inside an exported namespace: MESH101 on it
    mistake('MESH101 (cluster scope in exported namespace)');
  } else if (exported && roll < 0.035) {
    instance.ownScope = random.pick(INVALID_SCOPES);
    mistake('MESH110');
  } else if (exported && !instance.cluster.segment && roll < 0.042) {
    instance.ownScope = 'segment';
    mistake('MESH111');
  } else if (exported && roll < 0.05) {
    instance.ownScope = 'global-only';
    mistake('MESH113');
  }
  const extra = random.next();
  if (extra < 0.005) {
    instance.labelOnPods = true;
    mistake('MESH112');
  } else if (extra < 0.01 && exported) {
    instance.ports = instance.ports.map((port, index) => (index === 0 ? { ...port, port: 8081 } : port));
    mistake('MESH103');
  } else if (extra < 0.014) {
    instance.distribution = 'Nearest';
    mistake('MESH150');
  } else if (extra < 0.018 && !exported) {
    instance.distribution = 'PreferClose';
    mistake('MESH151');
  } else if (extra < 0.022 && exported) {
    instance.takeover = 'true';
    instance.distribution = 'PreferClose';
    mistake('MESH152');
  } else if (extra < 0.026 && !exported) {
    instance.takeover = 'true';
    mistake('MESH160');
  } else if (extra < 0.03) {
    instance.takeover = 'yes';
    mistake('MESH161');
  } else if (extra < 0.035) {
    instance.selectorTypo = true;
    mistake('selector matches no pods');
  }
}

interface Hosts {
  all: string[];
  byNamespace: Map<string, string[]>;
}

function intendedHosts(instances: Instance[]): Hosts {
  const all = [
    ...new Set(instances.flatMap((instance) => (instance.intendedHost ? [instance.intendedHost] : []))),
  ];
  const byNamespace = new Map<string, string[]>();
  for (const host of all) {
    const namespace = host.split('.')[1] as string;
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), host]);
  }
  return { all, byNamespace };
}

export function labels(entries: [string, string | undefined][], indent: string, flow: boolean): string {
  const present = entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
  const quote = (value: string) => (/^(true|false|yes|no|\d+|)$/.test(value) ? `"${value}"` : value);
  if (flow) return ` { ${present.map(([key, value]) => `${key}: ${quote(value)}`).join(', ')} }\n`;
  return `\n${present.map(([key, value]) => `${indent}${key}: ${quote(value)}\n`).join('')}`;
}

function namespaceDoc(namespace: NamespaceInCluster, team: string): string {
  const entries: [string, string | undefined][] = [
    ['team', team],
    ['solo.io/service-scope', namespace.scope],
  ];
  const annotations = namespace.distribution
    ? `  annotations:\n    networking.istio.io/traffic-distribution: ${namespace.distribution}\n`
    : '';
  return `# Namespace ${namespace.name} in ${namespace.cluster.name}, owned by ${team}.
apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace.name}
  labels:${labels(entries, '    ', false)}${annotations}`;
}

function serviceDoc(instance: Instance): string {
  const entries: [string, string | undefined][] = [
    ['app', instance.name],
    ['solo.io/service-scope', instance.ownScope],
    ['solo.io/service-takeover', instance.takeover],
  ];
  const annotations = instance.distribution
    ? `  annotations:\n    networking.istio.io/traffic-distribution: ${instance.distribution}\n`
    : '';
  const ports = instance.ports
    .map(
      (port) =>
        `    - name: ${port.name}\n      port: ${port.port}\n      targetPort: ${port.port}\n      protocol: TCP\n${port.appProtocol ? `      appProtocol: ${port.appProtocol}\n` : ''}`,
    )
    .join('');
  return `apiVersion: v1
kind: Service
metadata:
  name: ${instance.name}
  namespace: ${instance.namespace}
  labels:${labels(entries, '    ', instance.flowLabels)}${annotations}spec:
  selector:
    app: ${instance.selectorTypo ? `${instance.name}-svc` : instance.name}
  ports:
${ports}`;
}

function deploymentDoc(instance: Instance, image: string): string {
  const podLabels: [string, string | undefined][] = [
    ['app', instance.name],
    ['version', 'v1'],
    ['solo.io/service-scope', instance.labelOnPods ? 'global' : undefined],
  ];
  const replicas =
    instance.replicas === 0 ? '0  # scaled down until the migration is done' : String(instance.replicas);
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${instance.name}
  namespace: ${instance.namespace}
  labels:
    app: ${instance.name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${instance.name}
  template:
    metadata:
      labels:${labels(podLabels, '        ', instance.flowLabels)}    spec:
${instance.serviceAccount ? `      serviceAccountName: ${instance.name}\n` : ''}      containers:
        - name: ${instance.name}
          image: ${image}
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 100m, memory: 128Mi }
`;
}

export function serviceAccountDoc(instance: Instance): string {
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${instance.name}
  namespace: ${instance.namespace}
`;
}

/** A hostname a route in this instance's namespace would plausibly call, possibly written wrong. */
function routeTarget(
  random: Random,
  instance: Instance,
  hosts: Hosts,
  unexported: string[],
  mistake: (code: string) => void,
): string | undefined {
  const local = hosts.byNamespace.get(instance.namespace) ?? [];
  const pool = local.length > 0 && random.chance(0.6) ? local : hosts.all;
  if (pool.length === 0) return undefined;
  const host = random.pick(pool);
  const roll = random.next();
  const [name, namespace, ...suffix] = host.split('.');
  if (roll < 0.015) {
    mistake('MESH120');
    const domain = suffix.join('.');
    return `${name}.${namespace}.${domain === DEFAULT_DOMAIN ? random.pick(WRONG_SUFFIXES) : DEFAULT_DOMAIN}`;
  }
  if (roll < 0.025) {
    mistake('MESH121');
    return `${name}x.${namespace}.${suffix.join('.')}`;
  }
  if (roll < 0.035 && unexported.length > 0) {
    mistake('MESH122');
    return random.pick(unexported);
  }
  return host;
}

function httpRouteDoc(
  random: Random,
  instance: Instance,
  targets: string[],
  mistake: (code: string) => void,
): string {
  const backendRefs = targets
    .map((target, index) => {
      const roll = random.next();
      const weight = targets.length > 1 ? `          weight: ${index === 0 ? 90 : 10}\n` : '';
      if (roll < 0.02) {
        mistake('MESH140 (no kind)');
        return `        - name: ${target}   # hostname, but no kind: Hostname\n          port: 8080\n${weight}`;
      }
      const namespace = roll < 0.025 ? `          namespace: ${instance.namespace}\n` : '';
      if (namespace) mistake('MESH140 (namespace)');
      const port = roll >= 0.025 && roll < 0.03 ? '' : '          port: 8080\n';
      if (!port) mistake('MESH140 (no port)');
      return `        - group: networking.istio.io\n          kind: Hostname\n          name: ${target}\n${namespace}${port}${weight}`;
    })
    .join('');
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${instance.name}-upstreams
  namespace: ${instance.namespace}
spec:
  parentRefs:
    - group: ""
      kind: Service
      name: ${instance.name}
      port: 8080
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /api
      backendRefs:
${backendRefs}`;
}

function destinationRuleDoc(
  random: Random,
  instance: Instance,
  target: string,
  mistake: (c: string) => void,
): string {
  const subsets = random.chance(0.08);
  if (subsets) mistake('MESH130 (DestinationRule subsets)');
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${instance.name}-to-${target.split('.')[0]}
  namespace: ${instance.namespace}
spec:
  host: ${target}
  trafficPolicy:
    connectionPool:
      http:
        http1MaxPendingRequests: ${random.pick([64, 128, 256])}
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 30s
${
  subsets
    ? '  subsets:   # the old way: does not work across clusters\n    - name: v1\n      labels:\n        version: v1\n    - name: v2\n      labels:\n        version: v2\n'
    : ''
}`;
}

function virtualServiceDoc(
  random: Random,
  instance: Instance,
  target: string,
  mistake: (c: string) => void,
): string {
  const subset = random.chance(0.1);
  if (subset) mistake('MESH130 (VirtualService subset)');
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${instance.name}-to-${target.split('.')[0]}
  namespace: ${instance.namespace}
spec:
  hosts:
    - ${target}
  http:
    - timeout: ${random.pick(['2s', '5s', '10s'])}
      retries:
        attempts: 3
        perTryTimeout: 2s
      route:
        - destination:
            host: ${target}
            port:
              number: 8080
${subset ? '            subset: v1\n' : ''}`;
}

/** What one instance's documents draw from the PRNG, in the order the plain layout always drew it. */
export interface DrawnInstance {
  instance: Instance;
  routes: { kind: string; doc: string }[];
  image: string;
  /** The routes the plain layout appends to the instance's own file (the rest get files of their own). */
  appended: { kind: string; doc: string }[];
  /** A half-written file next to the instance's (MESH190). */
  broken: boolean;
}

function drawInstance(
  random: Random,
  instance: Instance,
  hosts: Hosts,
  unexported: string[],
  mistake: (code: string) => void,
): DrawnInstance {
  const routes: { kind: string; doc: string }[] = [];
  if (random.chance(0.22)) {
    const targets = [routeTarget(random, instance, hosts, unexported, mistake)];
    if (random.chance(0.25)) targets.push(routeTarget(random, instance, hosts, unexported, mistake));
    const present = targets.filter((target): target is string => target !== undefined);
    if (present.length > 0)
      routes.push({ kind: 'httproute', doc: httpRouteDoc(random, instance, present, mistake) });
  }
  if (random.chance(0.12)) {
    const target = routeTarget(random, instance, hosts, unexported, mistake);
    if (target)
      routes.push({ kind: 'destinationrule', doc: destinationRuleDoc(random, instance, target, mistake) });
  }
  if (random.chance(0.05)) {
    const target = routeTarget(random, instance, hosts, unexported, mistake);
    if (target)
      routes.push({ kind: 'virtualservice', doc: virtualServiceDoc(random, instance, target, mistake) });
  }
  const image = `registry.example.com/${instance.namespace}/${instance.name}:1.${random.int(0, 40)}.${random.int(0, 9)}`;
  const appended = instance.split ? [] : routes.filter(() => random.chance(0.5));
  const broken = random.chance(0.0005);
  if (broken) mistake('MESH190');
  return { instance, routes, image, appended, broken };
}

/** The plain layout: an instance's files in its cluster's namespace folder. */
function emitInstance(emitter: Emitter, drawn: DrawnInstance): void {
  const { instance, image, appended } = drawn;
  const dir = `clusters/${instance.cluster.name}/${instance.namespace}`;
  const header = `# ${instance.namespace}/${instance.name} in ${instance.cluster.name}.\n`;
  const service = serviceDoc(instance);
  const deployment = deploymentDoc(instance, image);
  const account = instance.serviceAccount ? [serviceAccountDoc(instance)] : [];
  if (instance.split) {
    emitter.file(`${dir}/${instance.name}-service.yaml`, [header + service], 1);
    emitter.file(
      `${dir}/${instance.name}-deployment.yaml`,
      [header + deployment, ...account],
      1 + account.length,
    );
  } else {
    const docs = [header + service, deployment, ...account, ...appended.map((route) => route.doc)];
    emitter.file(`${dir}/${instance.name}.yaml`, docs, docs.length);
  }
  for (const route of drawn.routes.filter((route) => !appended.includes(route))) {
    emitter.file(`${dir}/routing/${instance.name}-${route.kind}.yaml`, [route.doc], 1);
  }
  if (drawn.broken) emitter.broken(`${dir}/${instance.name}-wip.yaml`);
}

/**
 * Writes a generated workspace to `dir`, replacing an earlier generator output there (recognised by
 * its marker file); refuses to write into any other non-empty folder.
 */
export function writeWorkspace(
  dir: string,
  workspace: { files: Map<string, string> },
  marker: object = markerOf(workspace as GeneratedWorkspace),
): void {
  const markerPath = join(dir, MARKER_FILE);
  if (existsSync(dir)) {
    if (!existsSync(markerPath))
      throw new Error(`${dir} exists and was not written by the generator; not touching it`);
    rmSync(dir, { recursive: true });
  }
  for (const [path, text] of workspace.files) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  writeFileSync(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
}

/** The marker: options and counts, so a later run can tell whether the folder is already what it wants. */
export function markerOf(workspace: GeneratedWorkspace) {
  return {
    options: workspace.options,
    layout: workspace.layout,
    files: workspace.files.size,
    resources: workspace.resources,
    digest: digestOf(workspace.files),
    mistakes: Object.fromEntries(Object.entries(workspace.mistakes).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** The marker of an earlier generation in `dir`, if any. */
export function readMarker(dir: string): { digest?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MARKER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/** SHA-256 over every path and text: equal digests mean byte-identical workspaces. */
export function digestOf(files: Map<string, string>): string {
  const hash = createHash('sha256');
  for (const [path, text] of files) hash.update(`${path}\0${text}\0`);
  return hash.digest('hex');
}
