import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { decodeManifest } from '../../server/src/workspace-files';
import { exampleWorkspace } from '../helpers/paths';
import { randomWorkspace } from '../helpers/random-workspace';
import type { FuzzInput } from './harness';

// Inputs for the fuzzers: random bytes and strings, Kubernetes-shaped objects whose fields hold
// values of any type, mutations of real workspaces (the example and the random mesh workspaces),
// and the random workspaces themselves.

/** FC_SEED / FC_RUNS explore further (`npm run fuzz`); `npm test` runs a fixed, bounded sample. */
export function fuzzParameters(defaultRuns: number): { seed: number; numRuns: number } {
  return {
    seed: Number(process.env.FC_SEED ?? 20261125),
    numRuns: Number(process.env.FC_RUNS ?? defaultRuns),
  };
}

let example: Map<string, string> | undefined;

/** The example workspace as path → text (its README is not YAML). */
export function exampleFiles(): Map<string, string> {
  if (example) return new Map(example);
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name))
        files.set(relative(exampleWorkspace, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(exampleWorkspace);
  example = files;
  return new Map(files);
}

// Characters that make YAML interesting: indicators, quotes, line breaks, tabs, a BOM, a NUL,
// a lone surrogate, astral and combining characters.
export const YAML_PIECES = [
  ':',
  ': ',
  '- ',
  '-',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '<<: ',
  '!!str ',
  '!tag ',
  '|',
  '>-',
  "'",
  '"',
  '#',
  ' # c',
  '\n',
  '\n  ',
  '\r\n',
  '\r',
  '\t',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '? ',
  '\uFEFF',
  '\u0000',
  '\uD800',
  '😀',
  'é',
  'e\u0301',
  '{{ .Values.x }}',
  'apiVersion: v1\n',
  'kind: Service\n',
  'metadata:\n',
  '  name: cart\n',
  '  namespace: shop\n',
  'solo.io/service-scope: global',
  'networking.istio.io/traffic-distribution: Any',
  'host: cart.shop.mesh.internal',
  'kind: List\nitems:\n',
  'clusters:\n',
  'links:\n',
  '~',
  'null',
  'true',
  '0x1F',
  '1e3',
];

/** Random text made of YAML's own pieces: reaches deeper into the parser than uniform noise. */
export const yamlishText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...YAML_PIECES), fc.string({ maxLength: 6 })), { maxLength: 150 })
  .map((pieces) => pieces.join(''));

/** Any UTF-16 string, lone surrogates included. */
export const unicodeText: fc.Arbitrary<string> = fc.string({ unit: 'binary', maxLength: 400 });

/** Random bytes, decoded as the server does: text, or the reason it is skipped. */
export const randomBytesFile: fc.Arbitrary<{ text: string } | { reason: string }> = fc
  .uint8Array({ maxLength: 600 })
  .map((bytes) => decodeManifest(bytes));

/** Random byte files (and one random text as topology or manifest) dropped into a workspace. */
export const noiseWorkspace: fc.Arbitrary<FuzzInput> = fc
  .record({
    noise: fc.array(fc.oneof(yamlishText, unicodeText), { minLength: 1, maxLength: 3 }),
    bytes: randomBytesFile,
    asTopology: fc.boolean(),
  })
  .map(({ noise, bytes, asTopology }) => {
    const files = new Map<string, string>();
    const skipped = new Map<string, string>();
    noise.forEach((text, index) => {
      files.set(
        index === 0 && asTopology ? 'mesh-topology.yaml' : `clusters/c${index % 2}/noise-${index}.yaml`,
        text,
      );
    });
    if ('text' in bytes) files.set('clusters/c1/bytes.yaml', bytes.text);
    else skipped.set('clusters/c1/bytes.yaml', bytes.reason);
    return { files, skipped };
  });

/** Edits of the kinds a hurried human (or a broken generator) makes to a manifest. */
const MUTATIONS = [
  'truncate',
  'swap-indentation',
  'duplicate-key',
  'tab',
  'delete-quote',
  'template',
  'delete-line',
  'duplicate-line',
  'insert-piece',
  'separator',
  'crlf',
  'bom',
  'alias',
] as const;

export type Mutation = (typeof MUTATIONS)[number];

export interface MutationStep {
  kind: Mutation;
  file: number;
  at: number;
  piece: string;
}

export const mutationStep: fc.Arbitrary<MutationStep> = fc.record({
  kind: fc.constantFrom(...MUTATIONS),
  file: fc.nat(),
  at: fc.nat(),
  piece: fc.constantFrom(...YAML_PIECES),
});

/** Applies the steps in order, each to one file chosen by index; returns new texts. */
export function mutate(
  files: ReadonlyMap<string, string>,
  steps: readonly MutationStep[],
): Map<string, string> {
  const result = new Map(files);
  const paths = [...result.keys()];
  for (const step of steps) {
    const path = paths[step.file % paths.length];
    if (path === undefined) continue;
    result.set(path, mutateText(result.get(path) ?? '', step));
  }
  return result;
}

export function mutateText(text: string, step: MutationStep): string {
  const lines = text.split('\n');
  const lineIndex = step.at % lines.length;
  const line = lines[lineIndex] ?? '';
  const offset = step.at % (text.length + 1);
  const withLines = (next: string[]) => next.join('\n');
  switch (step.kind) {
    case 'truncate':
      return text.slice(0, offset);
    case 'swap-indentation': {
      const other = (lineIndex + 1) % lines.length;
      const indentOf = (value: string) => /^\s*/.exec(value)?.[0] ?? '';
      const next = [...lines];
      next[lineIndex] = indentOf(lines[other] ?? '') + line.trimStart();
      next[other] = indentOf(line) + (lines[other] ?? '').trimStart();
      return withLines(next);
    }
    case 'duplicate-key': {
      const keyed = lines
        .map((value, index) => ({ value, index }))
        .filter(({ value }) => /^\s*[\w./-]+\s*:/.test(value));
      const target = keyed[step.at % Math.max(keyed.length, 1)];
      if (!target) return text;
      const next = [...lines];
      next.splice(target.index + 1, 0, target.value);
      return withLines(next);
    }
    case 'tab': {
      const next = [...lines];
      next[lineIndex] = line.replace(/^ {1,2}/, '\t');
      return withLines(next);
    }
    case 'delete-quote': {
      const quotes = [...text.matchAll(/["']/g)].map((match) => match.index);
      const at = quotes[step.at % Math.max(quotes.length, 1)];
      return at === undefined ? text : text.slice(0, at) + text.slice(at + 1);
    }
    case 'template': {
      const value = /:\s+\S/.exec(line);
      const next = [...lines];
      next[lineIndex] = value
        ? `${line.slice(0, value.index)}: {{ .Values.${step.piece.length} }}`
        : `${line}{{ . }}`;
      return withLines(next);
    }
    case 'delete-line':
      return withLines(lines.filter((_, index) => index !== lineIndex));
    case 'duplicate-line': {
      const next = [...lines];
      next.splice(lineIndex, 0, line);
      return withLines(next);
    }
    case 'insert-piece':
      return text.slice(0, offset) + step.piece + text.slice(offset);
    case 'separator': {
      const next = [...lines];
      next.splice(lineIndex, 0, '---');
      return withLines(next);
    }
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'bom':
      return `\uFEFF${text}`;
    case 'alias': {
      const value = /:\s+(\S.*)$/.exec(line);
      if (!value) return text;
      const next = [...lines];
      const anchor = step.at % 2 === 0;
      next[lineIndex] = anchor
        ? `${line.slice(0, value.index)}: &x ${value[1]}`
        : `${line.slice(0, value.index)}: *x`;
      return withLines(next);
    }
  }
}

const steps = fc.array(mutationStep, { minLength: 1, maxLength: 4 });

/** The example workspace with a few mutations. */
export const mutatedExample: fc.Arbitrary<FuzzInput> = steps.map((list) => ({
  files: mutate(exampleFiles(), list),
}));

/** A random mesh workspace with a few mutations. */
export const mutatedRandom: fc.Arbitrary<FuzzInput> = fc
  .tuple(randomWorkspace, steps)
  .map(([files, list]) => ({ files: mutate(files, list) }));

/** A random, valid, Kubernetes-shaped workspace. */
export const validRandom: fc.Arbitrary<FuzzInput> = randomWorkspace.map((files) => ({ files }));

// Kubernetes-shaped objects whose fields hold values of any type: a map where a string belongs, a
// number as a name, a list of nulls as ports. They reach the extraction code that valid YAML
// of the wrong shape exercises.
const KINDS: [string, string][] = [
  ['v1', 'Service'],
  ['v1', 'Namespace'],
  ['v1', 'Node'],
  ['v1', 'Endpoints'],
  ['v1', 'List'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'DaemonSet'],
  ['discovery.k8s.io/v1', 'EndpointSlice'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['gateway.networking.k8s.io/v1', 'Gateway'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['networking.istio.io/v1', 'ServiceEntry'],
  ['admin.solo.io/v1alpha1', 'Segment'],
];

type Path = (string | number)[];

const FIELD_PATHS: Path[] = [
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['metadata', 'labels'],
  ['metadata', 'labels', 'solo.io/service-scope'],
  ['metadata', 'labels', 'solo.io/service-takeover'],
  ['metadata', 'labels', 'topology.istio.io/network'],
  ['metadata', 'labels', 'admin.solo.io/segment'],
  ['metadata', 'annotations', 'networking.istio.io/traffic-distribution'],
  ['metadata', 'annotations', 'mesh-lens.io/ignore'],
  ['spec', 'selector'],
  ['spec', 'selector', 'app'],
  ['spec', 'ports'],
  ['spec', 'ports', 0],
  ['spec', 'ports', 0, 'port'],
  ['spec', 'trafficDistribution'],
  ['spec', 'replicas'],
  ['spec', 'template', 'metadata', 'labels'],
  ['spec', 'hosts'],
  ['spec', 'hosts', 0],
  ['spec', 'host'],
  ['spec', 'subsets'],
  ['spec', 'http', 0, 'route', 0, 'destination'],
  ['spec', 'http', 0, 'route', 0, 'destination', 'host'],
  ['spec', 'http', 0, 'route', 0, 'destination', 'subset'],
  ['spec', 'http', 0, 'mirror', 'host'],
  ['spec', 'rules', 0, 'backendRefs'],
  ['spec', 'rules', 0, 'backendRefs', 0],
  ['spec', 'rules', 0, 'backendRefs', 0, 'name'],
  ['spec', 'rules', 0, 'backendRefs', 0, 'kind'],
  ['spec', 'parentRefs', 0, 'name'],
  ['spec', 'gatewayClassName'],
  ['spec', 'addresses'],
  ['spec', 'domain'],
  ['subsets', 0, 'addresses'],
  ['endpoints'],
  ['endpoints', 0, 'conditions', 'ready'],
  ['items'],
  ['items', 0],
  ['kind'],
  ['apiVersion'],
];

const TOPOLOGY_PATHS: Path[] = [
  ['clusters'],
  ['clusters', 'c0'],
  ['clusters', 'c0', 'paths'],
  ['clusters', 'c0', 'paths', 0],
  ['clusters', 'c1', 'segment'],
  ['clusters', 'c1', 'network'],
  ['clusters', 'c2'],
  ['segments'],
  ['segments', 'payments'],
  ['segments', 'payments', 'domain'],
  ['links'],
  ['links', 0],
  ['links', 0, 'between'],
  ['links', 0, 'from'],
  ['links', 1, 'to'],
  ['severity'],
  ['severity', 'MESH170'],
];

const MESH_WORDS = [
  'global',
  'segment',
  'global-only',
  'true',
  'PreferClose',
  'cart',
  'c0',
  'c1',
  'c9',
  'payments',
  'payments.mesh',
  'cart.shop.mesh.internal',
  'cart.shop.internal.mesh',
  'cart.shop.payments.mesh',
  'cart.shop.svc.cluster.local',
  'Hostname',
  'networking.istio.io',
  'istio-remote',
  'istio-remote-peer-c1',
  'istio-eastwest',
  'clusters/c0/**',
  '**',
  '[',
  '',
  'MESH101',
  'off',
  // Names of JavaScript's Object members, which a plain object used as a table would find.
  'constructor',
  '__proto__',
  'toString',
  'valueOf',
];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...MESH_WORDS, 80, 0, -1, 1.5, null, true, [], {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom<unknown>(...MESH_WORDS, null, 9080), { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('app', 'name', 'port', 'host', 'from', 'to', 'domain'),
      fc.constantFrom<unknown>(...MESH_WORDS, 1),
    ),
  },
);

function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let current: unknown = root;
  path.forEach((key, index) => {
    if (current === null || typeof current !== 'object') return;
    const container = current as Record<string | number, unknown>;
    if (index === path.length - 1) {
      container[key] = value;
      return;
    }
    const next = container[key];
    if (next === null || typeof next !== 'object')
      container[key] = typeof path[index + 1] === 'number' ? [] : {};
    current = container[key];
  });
}

const assignments = (paths: Path[]) =>
  fc.array(fc.tuple(fc.constantFrom(...paths), anyValue), { minLength: 1, maxLength: 5 });

const shapedManifest: fc.Arbitrary<string> = fc
  .record({ kind: fc.constantFrom(...KINDS), values: assignments(FIELD_PATHS), flow: fc.boolean() })
  .map(({ kind, values, flow }) => {
    const object: Record<string, unknown> = {
      apiVersion: kind[0],
      kind: kind[1],
      metadata: { name: 'cart', namespace: 'shop' },
    };
    for (const [path, value] of values) setAt(object, path, value);
    return stringify(object, { collectionStyle: flow ? 'flow' : 'block' });
  });

const shapedTopology: fc.Arbitrary<string> = assignments(TOPOLOGY_PATHS).map((values) => {
  const object: Record<string, unknown> = {
    clusters: { c0: { paths: ['clusters/c0/**'] }, c1: { paths: ['clusters/c1/**'] } },
  };
  for (const [path, value] of values) setAt(object, path, value);
  return stringify(object);
});

/** A topology and manifests of any shape, in two clusters. */
export const shapedWorkspace: fc.Arbitrary<FuzzInput> = fc
  .record({
    topology: fc.option(shapedTopology),
    manifests: fc.array(fc.array(shapedManifest, { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 4,
    }),
  })
  .map(({ topology, manifests }) => {
    const files = new Map<string, string>();
    if (topology !== null) files.set('mesh-topology.yaml', topology);
    manifests.forEach((documents, index) => {
      files.set(`clusters/c${index % 2}/m${index}.yaml`, documents.join('---\n'));
    });
    return { files };
  });
