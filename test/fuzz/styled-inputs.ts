import fc from 'fast-check';
import type { FuzzInput } from './harness';

// Mesh workspaces written the many ways real YAML is written, for the fix oracle (issue #13): label
// values plain, quoted, tagged, anchored, as block or flow lists and maps, empty or null, as block
// scalars; comments in every position; names that YAML 1.1 reads as booleans, null or numbers;
// files present twice (a copy, or the same file reached through a link, as the reader sees it).

/** How one label value is written; the value itself is a scope, a takeover flag or a team name. */
const VALUE_STYLES = [
  'plain',
  'double',
  'single',
  'tagged',
  'anchored',
  'block-list',
  'flow-list',
  'block-map',
  'flow-map',
  'empty',
  'null',
  'literal',
  'folded',
] as const;
type ValueStyle = (typeof VALUE_STYLES)[number];

/** Where comments go around a label entry. */
const COMMENT_SPOTS = ['none', 'after-value', 'own-line-before', 'after-key', 'end-of-map'] as const;
type CommentSpot = (typeof COMMENT_SPOTS)[number];

/** Names a YAML 1.1 reader takes for something else than a string, and ordinary ones. */
const NAMES = ['cart', 'ratings', 'on', 'no', 'yes', 'null', 'true', '1e3', '0x1f', 'off'];
const NAMESPACES = ['shop', 'on', 'null', '123'];
const SCOPES = ['global', 'segment', 'cluster', 'globl', 'global-only', ''];

interface LabelSpec {
  key: string;
  value: string;
  style: ValueStyle;
  comment: CommentSpot;
}

interface ServiceSpec {
  name: string;
  namespace: string;
  labels: LabelSpec[];
  /** Labels in a flow map (`labels: { … }`) rather than a block map. */
  flowLabels: boolean;
  withWorkload: boolean;
  headComment: boolean;
}

const label = (key: string, values: string[]) =>
  fc.record({
    key: fc.constant(key),
    value: fc.constantFrom(...values),
    style: fc.constantFrom(...VALUE_STYLES),
    comment: fc.constantFrom(...COMMENT_SPOTS),
  });

const serviceSpec: fc.Arbitrary<ServiceSpec> = fc.record({
  name: fc.constantFrom(...NAMES),
  namespace: fc.constantFrom(...NAMESPACES),
  labels: fc
    .tuple(
      fc.option(label('solo.io/service-scope', SCOPES), { nil: undefined }),
      fc.option(label('solo.io/service-takeover', ['true', 'yes', 'false']), { nil: undefined }),
      fc.option(label('team', ['books', 'on']), { nil: undefined }),
    )
    .map((labels) => labels.filter((entry): entry is LabelSpec => entry !== undefined)),
  flowLabels: fc.boolean(),
  withWorkload: fc.boolean(),
  headComment: fc.boolean(),
});

/** A YAML key or scalar that reads back as the string `text` in YAML 1.2 and 1.1 alike. */
function quoted(text: string): string {
  return /^[a-z][a-z-]*$/.test(text) && !/^(on|off|yes|no|y|n|true|false|null)$/.test(text)
    ? text
    : JSON.stringify(text);
}

/** The value written in `style`, for a block map entry at `indent` (the key's column). */
function blockValue(spec: LabelSpec, indent: string, anchor: string): string {
  const inner = `${indent}  `;
  switch (spec.style) {
    case 'plain':
      return ` ${quoted(spec.value)}`;
    case 'double':
      return ` ${JSON.stringify(spec.value)}`;
    case 'single':
      return ` '${spec.value.replaceAll("'", "''")}'`;
    case 'tagged':
      return ` !!str ${quoted(spec.value)}`;
    case 'anchored':
      return ` &${anchor} ${quoted(spec.value)}`;
    case 'block-list':
      return `\n${inner}- ${quoted(spec.value)}`;
    case 'flow-list':
      return ` [${quoted(spec.value)}]`;
    case 'block-map':
      return `\n${inner}value: ${quoted(spec.value)}`;
    case 'flow-map':
      return ` { value: ${quoted(spec.value)} }`;
    case 'empty':
      return '';
    case 'null':
      return ' ~';
    case 'literal':
      return ` |-\n${inner}${spec.value}`;
    case 'folded':
      return ` >-\n${inner}${spec.value}`;
  }
}

/** The value in a flow map: block styles fall back to their flow twins. */
function flowValue(spec: LabelSpec, anchor: string): string {
  switch (spec.style) {
    case 'block-list':
    case 'flow-list':
      return `[${quoted(spec.value)}]`;
    case 'block-map':
    case 'flow-map':
      return `{ value: ${quoted(spec.value)} }`;
    case 'empty':
      return '';
    case 'null':
      return '~';
    case 'tagged':
      return `!!str ${quoted(spec.value)}`;
    case 'anchored':
      return `&${anchor} ${quoted(spec.value)}`;
    case 'single':
      return `'${spec.value.replaceAll("'", "''")}'`;
    default:
      return JSON.stringify(spec.value);
  }
}

function blockLabels(labels: LabelSpec[], indent: string, prefix: string): string[] {
  const lines = [`${indent}labels:`];
  const entryIndent = `${indent}  `;
  labels.forEach((spec, index) => {
    if (spec.comment === 'own-line-before') lines.push(`${entryIndent}# about ${spec.key}`);
    const [first = '', ...rest] = blockValue(spec, entryIndent, `${prefix}${index}`).split('\n');
    const keyLine = `${entryIndent}${quoted(spec.key)}:${first}`;
    // A comment after the key only where the value starts on the next line (or there is none).
    lines.push(
      spec.comment === 'after-key' && first === '' ? `${keyLine} # ${spec.key} reads` : keyLine,
      ...rest,
    );
    // Inside a block scalar a `#` is text, not a comment.
    const blockScalar = spec.style === 'literal' || spec.style === 'folded';
    if (spec.comment === 'after-value' && !blockScalar) lines[lines.length - 1] += `   # ${spec.key} as set`;
    if (spec.comment === 'end-of-map' && index === labels.length - 1)
      lines.push(`${entryIndent}# end of labels`);
  });
  return lines;
}

function serviceDoc(service: ServiceSpec, prefix: string): string {
  const labels =
    service.labels.length === 0
      ? []
      : service.flowLabels
        ? [
            `  labels: { ${service.labels
              .map((spec, index) => `${quoted(spec.key)}: ${flowValue(spec, `${prefix}${index}`)}`)
              .join(', ')} }   # flow labels`,
          ]
        : blockLabels(service.labels, '  ', prefix);
  return [
    ...(service.headComment ? ['# the service, as the team wrote it'] : []),
    'apiVersion: v1',
    'kind: Service',
    'metadata:   # who it is',
    `  name: ${quoted(service.name)}`,
    `  namespace: ${quoted(service.namespace)}`,
    ...labels,
    'spec:',
    '  selector:',
    `    app: ${quoted(service.name)}   # its pods`,
    '  ports:',
    '    - port: 9080 # http',
    '',
  ].join('\n');
}

function workloadDoc(service: ServiceSpec): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: { name: ${quoted(service.name)}, namespace: ${quoted(service.namespace)} }`,
    'spec:',
    '  template:',
    `    metadata: { labels: { app: ${quoted(service.name)}, version: v1 } }`,
    '',
  ].join('\n');
}

function routeDoc(service: ServiceSpec, suffix: string, subsets: boolean): string {
  return [
    '# a rule # with a hash in it',
    'apiVersion: networking.istio.io/v1',
    'kind: DestinationRule',
    `metadata: { name: rule, namespace: ${quoted(service.namespace)} }`,
    'spec:',
    `  host: "${service.name}.${service.namespace}.${suffix}"   # the global name`,
    ...(subsets ? ['  subsets:', '    - name: v1 # first', '      labels: { version: v1 }'] : []),
    '',
  ].join('\n');
}

const clusterSpec = fc.record({
  services: fc.array(serviceSpec, { minLength: 1, maxLength: 3 }),
  route: fc.option(
    fc.record({
      target: fc.nat(2),
      suffix: fc.constantFrom('mesh.internal', 'internal.mesh', 'payments.mesh'),
      subsets: fc.boolean(),
    }),
    { nil: undefined },
  ),
  /** Put another cluster's first file here too (a copy), or a second path to one of ours. */
  duplicate: fc.constantFrom<'none' | 'copy-in-cluster' | 'same-file-twice'>(
    'none',
    'none',
    'copy-in-cluster',
    'same-file-twice',
  ),
  crlf: fc.boolean(),
  /** Written as `helm template` writes: `---` and a `# Source:` line before every document. */
  helmRendered: fc.boolean(),
});

export const styledWorkspace: fc.Arbitrary<FuzzInput> = fc
  .record({ clusters: fc.array(clusterSpec, { minLength: 2, maxLength: 3 }), segmentFirst: fc.boolean() })
  .map(({ clusters, segmentFirst }) => {
    const files = new Map<string, string>();
    const topology = [
      'clusters:',
      ...clusters.map(
        (_, index) =>
          `  c${index}: { paths: ["clusters/c${index}/**"]${segmentFirst && index === 0 ? ', segment: payments' : ''} }`,
      ),
      'segments:',
      '  payments: { domain: payments.mesh }',
      '',
    ].join('\n');
    files.set('mesh-topology.yaml', topology);
    clusters.forEach((cluster, index) => {
      const dir = `clusters/c${index}`;
      const written: string[] = [];
      cluster.services.forEach((service, serviceIndex) => {
        const path = `${dir}/svc-${serviceIndex}.yaml`;
        const docs = [
          serviceDoc(service, `a${index}x${serviceIndex}x`),
          ...(service.withWorkload ? [workloadDoc(service)] : []),
        ];
        const text = cluster.helmRendered
          ? docs
              .map(
                (doc, docIndex) =>
                  `---\n# Source: app/templates/svc-${serviceIndex}-${docIndex}.yaml\n${doc}`,
              )
              .join('')
          : docs.join('---\n');
        files.set(path, cluster.crlf ? text.replaceAll('\n', '\r\n') : text);
        written.push(path);
      });
      const target = cluster.services[(cluster.route?.target ?? 0) % cluster.services.length];
      if (cluster.route && target)
        files.set(`${dir}/rule.yaml`, routeDoc(target, cluster.route.suffix, cluster.route.subsets));
      const [first] = written;
      if (first && cluster.duplicate === 'copy-in-cluster')
        files.set(`${dir}/copy-of-svc-0.yaml`, files.get(first) ?? '');
      if (first && cluster.duplicate === 'same-file-twice')
        files.set(`${dir}/linked/svc-0.yaml`, files.get(first) ?? '');
    });
    return { files };
  });
