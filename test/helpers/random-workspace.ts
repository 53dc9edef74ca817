import fc from 'fast-check';

// Building blocks of a mesh workspace, for property-based tests: clusters (some in a segment),
// namespaces and services with valid, invalid and missing mesh labels, workloads, and routes that
// refer to services by good and bad hostnames. Rendered in block or flow style, with comments.

const SERVICE_NAMES = ['cart', 'ratings', 'reviews'];
const NAMESPACES = ['shop', 'books'];
const SCOPES = [undefined, undefined, 'global', 'global', 'segment', 'cluster', 'globl', 'global-only', ''];
const TAKEOVERS = [undefined, undefined, undefined, 'true', 'yes', 'false'];
const DISTRIBUTIONS = [undefined, undefined, undefined, 'PreferClose', 'Any', 'Nearest', 'PreferNetwork'];
const SUFFIXES = ['mesh.internal', 'mesh.internal', 'internal.mesh', 'mesh.local', 'payments.mesh'];

interface ServiceSpec {
  name: string;
  namespace: string;
  scope?: string;
  takeover?: string;
  distribution?: string;
  ports: number[];
  replicas: number;
  podScope?: string;
  flow: boolean;
}

interface RouteSpec {
  kind: 'httproute' | 'virtualservice' | 'destinationrule';
  namespace: string;
  target: string;
  /** The namespace the hostname names: routes often point into other namespaces. */
  targetNamespace: string;
  suffix: string;
  typo: false | 'name' | 'namespace';
  hostnameKind: boolean;
  withNamespace: boolean;
  withPort: boolean;
  subsets: boolean;
}

const maybe = <T>(values: T[]) => fc.constantFrom(...values);

const serviceSpec: fc.Arbitrary<ServiceSpec> = fc.record({
  name: maybe(SERVICE_NAMES),
  namespace: maybe(NAMESPACES),
  scope: maybe(SCOPES),
  takeover: maybe(TAKEOVERS),
  distribution: maybe(DISTRIBUTIONS),
  ports: fc.subarray([80, 9080, 443], { minLength: 1 }),
  replicas: fc.integer({ min: 0, max: 2 }),
  podScope: maybe([undefined, undefined, undefined, 'global']),
  flow: fc.boolean(),
});

const routeSpec: fc.Arbitrary<RouteSpec> = fc.record({
  kind: maybe<RouteSpec['kind']>(['httproute', 'virtualservice', 'destinationrule']),
  namespace: maybe(NAMESPACES),
  target: maybe([...SERVICE_NAMES, 'catalog']),
  targetNamespace: maybe(NAMESPACES),
  suffix: maybe(SUFFIXES),
  typo: maybe<RouteSpec['typo']>([false, 'name', 'namespace']),
  hostnameKind: fc.boolean(),
  withNamespace: fc.boolean(),
  withPort: fc.boolean(),
  subsets: fc.boolean(),
});

const clusterSpec = fc.record({
  namespaceScope: fc.dictionary(maybe(NAMESPACES), maybe(SCOPES), { maxKeys: 2 }),
  services: fc.array(serviceSpec, { maxLength: 4 }),
  routes: fc.array(routeSpec, { maxLength: 3 }),
});

/** A random workspace as a map of path → text. */
export const randomWorkspace: fc.Arbitrary<Map<string, string>> = fc
  .record({
    clusters: fc.array(clusterSpec, { minLength: 2, maxLength: 3 }),
    segmentFirst: fc.boolean(),
    oneWay: fc.boolean(),
  })
  .map(({ clusters, segmentFirst, oneWay }) => {
    const files = new Map<string, string>();
    files.set('mesh-topology.yaml', topology(clusters.length, segmentFirst, oneWay));
    clusters.forEach((cluster, index) => {
      const dir = `clusters/c${index}`;
      const namespaces = Object.entries(cluster.namespaceScope).map(([name, scope]) =>
        namespaceDoc(name, scope),
      );
      if (namespaces.length > 0) files.set(`${dir}/namespaces.yaml`, namespaces.join('---\n'));
      cluster.services.forEach((service, serviceIndex) => {
        files.set(
          `${dir}/${service.name}-${serviceIndex}.yaml`,
          `# ${service.name} in c${index}\n${serviceDoc(service)}---\n${deploymentDoc(service)}`,
        );
      });
      for (const [routeIndex, route] of cluster.routes.entries()) {
        files.set(`${dir}/route-${routeIndex}.yaml`, routeDoc(route));
      }
    });
    return files;
  });

function topology(count: number, segmentFirst: boolean, oneWay: boolean): string {
  const clusters = Array.from({ length: count }, (_, index) => {
    const segment = segmentFirst && index === 0 ? ', segment: payments' : '';
    return `  c${index}: { paths: ["clusters/c${index}/**"], network: n${index}, region: r${index % 2}${segment} }`;
  });
  const links = oneWay
    ? ['links:', '  - { from: c0, to: c1 }', ...(count > 2 ? ['  - { between: [c1, c2] }'] : [])]
    : [];
  return [
    '# topology',
    'clusters:',
    ...clusters,
    'segments:',
    '  payments: { domain: payments.mesh }',
    ...links,
    '',
  ].join('\n');
}

function labelsBlock(entries: [string, string | undefined][], indent: string): string[] {
  const present = entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (present.length === 0) return [];
  return [
    `${indent}labels:`,
    ...present.map(([key, value]) => `${indent}  ${key}: ${JSON.stringify(value)}  # ${key.split('/')[1]}`),
  ];
}

function namespaceDoc(name: string, scope: string | undefined): string {
  return [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    `  name: ${name}`,
    ...labelsBlock([['solo.io/service-scope', scope]], '  '),
    '',
  ].join('\n');
}

function serviceDoc(service: ServiceSpec): string {
  const labels: [string, string | undefined][] = [
    ['solo.io/service-scope', service.scope],
    ['solo.io/service-takeover', service.takeover],
  ];
  if (service.flow) {
    const present = labels
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
    const labelText = present.length > 0 ? `, labels: { ${present.join(', ')} }` : '';
    const annotation = service.distribution
      ? `, annotations: { networking.istio.io/traffic-distribution: ${service.distribution} }`
      : '';
    const ports = service.ports.map((port) => `{ name: p${port}, port: ${port} }`).join(', ');
    return `{ apiVersion: v1, kind: Service, metadata: { name: ${service.name}, namespace: ${service.namespace}${labelText}${annotation} }, spec: { selector: { app: ${service.name} }, ports: [${ports}] } }\n`;
  }
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${service.name}`,
    `  namespace: ${service.namespace}`,
    ...labelsBlock(labels, '  '),
    ...(service.distribution
      ? ['  annotations:', `    networking.istio.io/traffic-distribution: ${service.distribution}`]
      : []),
    'spec:',
    '  selector:',
    `    app: ${service.name}`,
    '  ports:',
    ...service.ports.flatMap((port) => [`    - name: p${port}`, `      port: ${port}`]),
    '',
  ].join('\n');
}

function deploymentDoc(service: ServiceSpec): string {
  const podLabels = service.podScope ? `, solo.io/service-scope: ${service.podScope}` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${service.name}, namespace: ${service.namespace} }
spec:
  replicas: ${service.replicas}
  template:
    metadata:
      labels: { app: ${service.name}, version: v1${podLabels} }
`;
}

function hostname(route: RouteSpec): string {
  const name = route.typo === 'name' ? `${route.target}x` : route.target;
  const namespace = route.typo === 'namespace' ? `${route.targetNamespace}x` : route.targetNamespace;
  return `${name}.${namespace}.${route.suffix}`;
}

function routeDoc(route: RouteSpec): string {
  const host = hostname(route);
  if (route.kind === 'destinationrule') {
    const subsets = route.subsets ? ['  subsets:', '    - name: v1', '      labels: { version: v1 }'] : [];
    return [
      '# a rule',
      'apiVersion: networking.istio.io/v1',
      'kind: DestinationRule',
      `metadata: { name: dr, namespace: ${route.namespace} }`,
      'spec:',
      `  host: ${host}`,
      ...subsets,
      '',
    ].join('\n');
  }
  if (route.kind === 'virtualservice') {
    const subset = route.subsets ? ', subset: v1' : '';
    return [
      '# a virtual service',
      'apiVersion: networking.istio.io/v1',
      'kind: VirtualService',
      `metadata: { name: vs, namespace: ${route.namespace} }`,
      'spec:',
      `  hosts: [${route.target}]`,
      '  http:',
      '    - route:',
      `        - destination: { host: ${host}${subset} }`,
      '',
    ].join('\n');
  }
  const backend = [
    ...(route.hostnameKind ? ['kind: Hostname', 'group: networking.istio.io'] : []),
    ...(route.withNamespace ? [`namespace: ${route.namespace}`] : []),
    `name: ${host}`,
    ...(route.withPort ? ['port: 9080'] : []),
  ];
  return [
    '# a route',
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    `metadata: { name: route, namespace: ${route.namespace} }`,
    'spec:',
    '  rules:',
    '    - backendRefs:',
    ...backend.map((line, index) => `${index === 0 ? '        - ' : '          '}${line}`),
    '',
  ].join('\n');
}
