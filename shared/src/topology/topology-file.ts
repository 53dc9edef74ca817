import { isMap, type Node, type YAMLMap } from 'yaml';
import { type Finding, noFixes, type Severity } from '../text/findings';
import type { Range } from '../text/source';
import {
  asMap,
  asSeq,
  type DocumentContext,
  findPair,
  keyText,
  type Located,
  locatedString,
  nodeRange,
  resolveAlias,
  seqItems,
} from '../yaml/nodes';
import { isTemplated, type ParsedFile } from '../yaml/parse-file';

export const TOPOLOGY_INVALID = 'MESH191';

/** One `paths` entry: a glob, and the namespace its manifests default to (SPEC §9). */
export interface PathDeclaration {
  glob: Located<string>;
  /** `{ glob: "apps/**", namespace: sample }`: namespaced objects without a namespace land there. */
  namespace?: Located<string>;
  range: Range;
}

export interface ClusterDeclaration {
  name: Located<string>;
  paths: PathDeclaration[];
  network?: Located<string>;
  region?: Located<string>;
  zone?: Located<string>;
  segment?: Located<string>;
  /**
   * A command that prints the cluster's manifests (`helm template …`, `kubectl kustomize …`), run only
   * when the user allows it (SPEC §9, Helm); its output is placed in the cluster.
   */
  render?: Located<string>;
  range: Range;
}

export interface SegmentDeclaration {
  name: Located<string>;
  domain?: Located<string>;
  range: Range;
}

export interface LinkDeclaration {
  from: Located<string>;
  to: Located<string>;
  range: Range;
}

export type SeverityOverride = Severity | 'off';

/** The topology file as written (SPEC §6), validated: what is invalid is dropped and reported. */
export interface TopologyDeclaration {
  file: string;
  clusters: ClusterDeclaration[];
  segments: SegmentDeclaration[];
  /** `undefined` when the file has no `links` key: then every cluster reaches every other. */
  links?: LinkDeclaration[];
  linksRange?: Range;
  severity: Map<string, Located<SeverityOverride>>;
  findings: Finding[];
}

const TOP_LEVEL_KEYS = ['clusters', 'segments', 'links', 'severity'];
const CLUSTER_KEYS = ['paths', 'network', 'region', 'zone', 'segment', 'render'];
const SEVERITIES: SeverityOverride[] = ['off', 'hint', 'info', 'warning', 'error'];
// DNS-1123 label: a namespace name.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// DNS-1123 subdomain: what Kubernetes and Istio accept as a domain suffix.
const DNS_DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function readTopologyFile(parsed: ParsedFile): TopologyDeclaration {
  const declaration: TopologyDeclaration = {
    file: parsed.source.path,
    clusters: [],
    segments: [],
    severity: new Map(),
    findings: [],
  };
  const doc = parsed.source.text.trim() === '' ? undefined : firstDocument(parsed);
  if (!doc) return declaration;
  const ctx: DocumentContext = { source: parsed.source, doc };
  const root = asMap(ctx, doc.contents);
  const report = reporter(ctx, declaration.findings);
  if (!root) {
    if (doc.contents)
      report(
        doc.contents as Node,
        'The topology file must be a mapping with `clusters`, `segments` and `links`.',
      );
    return declaration;
  }
  reportUnknownKeys(ctx, root, TOP_LEVEL_KEYS, 'the topology file', report);
  readClusters(ctx, entryValue(ctx, root, 'clusters'), declaration, report);
  readSegments(ctx, entryValue(ctx, root, 'segments'), declaration, report);
  const links = findPair(ctx, root, 'links');
  if (links) {
    declaration.links = readLinks(ctx, resolveAlias(ctx, links.value), report);
    declaration.linksRange = nodeRange(ctx, links.key as Node);
  }
  readSeverity(ctx, entryValue(ctx, root, 'severity'), declaration, report);
  return declaration;
}

/**
 * The topology file is also parsed as an ordinary file, which already reported its MESH190s and,
 * for a template, its MESH195: a document said to be skipped is not read as the topology either.
 */
function firstDocument(parsed: ParsedFile) {
  const first = parsed.documents[0];
  return first && first.errors.length === 0 && !isTemplated(parsed.source, first) ? first : undefined;
}

type Report = (node: Node | undefined | null, message: string, range?: Range) => void;

function reporter(ctx: DocumentContext, findings: Finding[]): Report {
  return (node, message, range) => {
    const at = range ?? nodeRange(ctx, node ?? undefined);
    if (!at) return;
    findings.push({
      code: TOPOLOGY_INVALID,
      severity: 'error',
      file: ctx.source.path,
      range: at,
      message,
      related: [],
      fixes: noFixes,
    });
  };
}

function entryValue(ctx: DocumentContext, map: YAMLMap, key: string): Node | undefined {
  const pair = findPair(ctx, map, key);
  return pair ? resolveAlias(ctx, pair.value) : undefined;
}

function reportUnknownKeys(
  ctx: DocumentContext,
  map: YAMLMap,
  known: string[],
  where: string,
  report: Report,
) {
  for (const pair of map.items) {
    const key = keyText(ctx, pair);
    if (key !== undefined && key !== '<<' && !known.includes(key)) {
      report(
        pair.key as Node,
        `Unknown key \`${key}\` in ${where}; expected one of ${known.map((k) => `\`${k}\``).join(', ')}.`,
      );
    }
  }
}

function entriesOf(ctx: DocumentContext, node: Node | undefined, what: string, report: Report) {
  if (node === undefined || (node as { value?: unknown }).value === null) return [];
  const map = asMap(ctx, node);
  if (!map) {
    report(node, `\`${what}\` must be a mapping of names to settings.`);
    return [];
  }
  return map.items.flatMap((pair) => {
    const name = keyText(ctx, pair);
    const range = nodeRange(ctx, pair.key as Node);
    return name && range ? [{ name: { value: name, range }, pair }] : [];
  });
}

function readClusters(
  ctx: DocumentContext,
  node: Node | undefined,
  declaration: TopologyDeclaration,
  report: Report,
) {
  for (const { name, pair } of entriesOf(ctx, node, 'clusters', report)) {
    const settings = asMap(ctx, pair.value);
    const range = nodeRange(ctx, pair.key as Node) ?? name.range;
    const cluster: ClusterDeclaration = { name, paths: [], range };
    if (!settings) {
      if (
        resolveAlias(ctx, pair.value) !== undefined &&
        (pair.value as { value?: unknown })?.value !== null
      ) {
        report(
          pair.value as Node,
          `Cluster \`${name.value}\` must be a mapping (paths, network, region, zone, segment).`,
        );
      }
      declaration.clusters.push(cluster);
      continue;
    }
    reportUnknownKeys(ctx, settings, CLUSTER_KEYS, `cluster \`${name.value}\``, report);
    cluster.paths = readPaths(ctx, entryValue(ctx, settings, 'paths'), name.value, report);
    for (const key of ['network', 'region', 'zone', 'segment', 'render'] as const) {
      const value = entryValue(ctx, settings, key);
      if (value === undefined) continue;
      const text = locatedString(ctx, value);
      if (!text || text.value === '')
        report(value, `\`${key}\` of cluster \`${name.value}\` must be a non-empty string.`);
      else cluster[key] = text;
    }
    declaration.clusters.push(cluster);
  }
}

function readPaths(
  ctx: DocumentContext,
  node: Node | undefined,
  cluster: string,
  report: Report,
): PathDeclaration[] {
  if (node === undefined) return [];
  const single = locatedString(ctx, node);
  if (single && !isMap(node)) return single.value ? [{ glob: single, range: single.range }] : [];
  // A mapping here is a mistake, not an empty list: ignoring it would leave the cluster without paths.
  if (!asSeq(ctx, node)) {
    report(node, `\`paths\` of cluster \`${cluster}\` must be a list of glob patterns.`);
    return [];
  }
  return seqItems(ctx, node).flatMap((item) => {
    const entry = asMap(ctx, item) ? pathEntry(ctx, item, cluster, report) : plainPath(ctx, item);
    if (!entry)
      report(
        item,
        `Each path of cluster \`${cluster}\` must be a glob pattern string or \`{ glob, namespace }\`.`,
      );
    return entry ? [entry] : [];
  });
}

function plainPath(ctx: DocumentContext, item: Node): PathDeclaration | undefined {
  const glob = locatedString(ctx, item);
  return glob && glob.value !== '' ? { glob, range: glob.range } : undefined;
}

const PATH_KEYS = ['glob', 'namespace'];

/** `{ glob: "apps/**", namespace: sample }`; undefined (and reported by the caller) without a glob. */
function pathEntry(
  ctx: DocumentContext,
  item: Node,
  cluster: string,
  report: Report,
): PathDeclaration | undefined {
  const map = asMap(ctx, item) as YAMLMap;
  reportUnknownKeys(ctx, map, PATH_KEYS, `a path of cluster \`${cluster}\``, report);
  const glob = locatedString(ctx, entryValue(ctx, map, 'glob'));
  if (!glob || glob.value === '') return undefined;
  const range = nodeRange(ctx, item) ?? glob.range;
  const namespaceNode = entryValue(ctx, map, 'namespace');
  const namespace = locatedString(ctx, namespaceNode);
  if (namespaceNode === undefined) return { glob, range };
  if (!namespace || !DNS_LABEL.test(namespace.value)) {
    report(
      namespaceNode,
      `The namespace of path \`${glob.value}\` must be a namespace name (lowercase letters, digits and \`-\`).`,
    );
    return { glob, range };
  }
  return { glob, namespace, range };
}

function readSegments(
  ctx: DocumentContext,
  node: Node | undefined,
  declaration: TopologyDeclaration,
  report: Report,
) {
  for (const { name, pair } of entriesOf(ctx, node, 'segments', report)) {
    const settings = asMap(ctx, pair.value);
    const segment: SegmentDeclaration = { name, range: name.range };
    const domainNode = settings ? entryValue(ctx, settings, 'domain') : undefined;
    if (settings) reportUnknownKeys(ctx, settings, ['domain'], `segment \`${name.value}\``, report);
    const domain = locatedString(ctx, domainNode);
    if (!domain) {
      report(
        pair.key as Node,
        `Segment \`${name.value}\` needs a \`domain\` (its DNS suffix, e.g. \`${name.value}.mesh\`).`,
      );
    } else if (!DNS_DOMAIN.test(domain.value)) {
      report(domainNode, `\`${domain.value}\` is not a valid DNS domain for segment \`${name.value}\`.`);
    } else {
      segment.domain = domain;
    }
    declaration.segments.push(segment);
  }
}

function readLinks(ctx: DocumentContext, node: Node | undefined, report: Report): LinkDeclaration[] {
  const links: LinkDeclaration[] = [];
  if (node === undefined || (node as { value?: unknown }).value === null) return links;
  // A mapping here would otherwise read as "no links at all", silently cutting every cluster off.
  if (!asSeq(ctx, node)) {
    report(node, '`links` must be a list of `{ from, to }` or `{ between: [a, b] }`.');
    return links;
  }
  const items = seqItems(ctx, node);
  for (const item of items) links.push(...readLink(ctx, item, report));
  return links;
}

function readLink(ctx: DocumentContext, item: Node, report: Report): LinkDeclaration[] {
  const map = asMap(ctx, item);
  const range = nodeRange(ctx, item);
  if (!map || !range) {
    report(item, 'A link must be `{ from: A, to: B }` or `{ between: [A, B] }`.');
    return [];
  }
  reportUnknownKeys(ctx, map, ['from', 'to', 'between'], 'a link', report);
  const between = entryValue(ctx, map, 'between');
  if (between !== undefined) {
    const ends = seqItems(ctx, between).map((end) => locatedString(ctx, end));
    const [a, b] = ends;
    if (ends.length !== 2 || !a || !b) {
      report(between, '`between` must list exactly two cluster names.');
      return [];
    }
    return [
      { from: a, to: b, range },
      { from: b, to: a, range },
    ];
  }
  const from = locatedString(ctx, entryValue(ctx, map, 'from'));
  const to = locatedString(ctx, entryValue(ctx, map, 'to'));
  if (!from || !to) {
    report(item, 'A link needs both `from` and `to` (or `between: [A, B]`).');
    return [];
  }
  return [{ from, to, range }];
}

function readSeverity(
  ctx: DocumentContext,
  node: Node | undefined,
  declaration: TopologyDeclaration,
  report: Report,
) {
  for (const { name, pair } of entriesOf(ctx, node, 'severity', report)) {
    const value = locatedString(ctx, resolveAlias(ctx, pair.value));
    if (!/^MESH\d{3}$/.test(name.value)) {
      report(pair.key as Node, `\`${name.value}\` is not a diagnostic code (expected MESHnnn).`);
    } else if (!value || !SEVERITIES.includes(value.value as SeverityOverride)) {
      report(pair.value as Node, `Severity for ${name.value} must be one of ${SEVERITIES.join(', ')}.`);
    } else {
      declaration.severity.set(name.value, value as Located<SeverityOverride>);
    }
  }
}
