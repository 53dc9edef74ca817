import type { GraphCluster, GraphGroup, GraphInstance, GraphService, MeshGraph } from './mesh-graph';
import {
  clusterTitle,
  endpointCount,
  groupLabel,
  instanceLines,
  networkLabel,
  ONE_WAY_LABEL,
  routeCaption,
  serviceLines,
} from './mesh-graph-labels';

// The map in Graphviz's DOT language: what the CLI renders to SVG and the editor's map lays out.
// Colours suit a light page (a pull request, the README); every element also carries a `class`
// (Graphviz copies it into the SVG), which the editor's map styles with the theme's colours instead.

const COLOURS = {
  text: '#1f2328',
  muted: '#6e7781',
  clusterFill: '#f6f8fa',
  exported: { fill: '#dafbe1', stroke: '#1a7f37' },
  notExported: { fill: '#ffebe9', stroke: '#cf222e' },
  noEndpoints: { fill: '#fff8c5', stroke: '#9a6700' },
  warning: '#cf222e',
  route: '#0969da',
};

export interface DotOptions {
  /** The route's explanation under the picture (default); off where the page shows it as text. */
  caption?: boolean;
}

export function meshGraphToDot(graph: MeshGraph, options: DotOptions = {}): string {
  const caption = options.caption === false ? '' : captionAttributes(graph);
  const lines = [
    'digraph mesh {',
    `  graph [compound=true, rankdir=LR, newrank=true, nodesep=0.3, ranksep=0.6, fontname="Helvetica", fontsize=11, fontcolor="${COLOURS.text}"${caption}];`,
    `  node [fontname="Helvetica", fontsize=11, fontcolor="${COLOURS.text}"];`,
    `  edge [fontname="Helvetica", fontsize=10, fontcolor="${COLOURS.muted}", color="${COLOURS.muted}"];`,
    ...groupLines(graph, graph.root, '  '),
    ...graph.services.flatMap(serviceNodeLines),
    ...graph.services.flatMap(membershipLines),
    ...linkLines(graph),
    ...routeLines(graph),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

function captionAttributes(graph: MeshGraph): string {
  if (!graph.route) return '';
  const caption = routeCaption(graph.route)
    .map((line) => `${quoteText(line)}\\l`)
    .join('');
  return `, label="${caption}", labelloc=b, labeljust=l, class="caption"`;
}

function groupLines(graph: MeshGraph, group: GraphGroup, indent: string): string[] {
  const inner = group.kind === 'mesh' ? indent : `${indent}  `;
  const body = [
    ...group.groups.flatMap((child) => groupLines(graph, child, inner)),
    ...group.clusters.flatMap((name) => {
      const cluster = graph.clusters.find((candidate) => candidate.name === name);
      return cluster ? clusterLines(graph, cluster, inner) : [];
    }),
  ];
  if (group.kind === 'mesh') return body;
  return [
    `${indent}subgraph cluster_${group.id} {`,
    `${inner}graph [label="${quoteText(groupLabel(group))}", labelloc=t, labeljust=c, style="rounded,dashed", color="${COLOURS.muted}", fontcolor="${COLOURS.muted}", class="mesh-group ${group.kind}"];`,
    ...body,
    `${indent}}`,
  ];
}

function clusterLines(graph: MeshGraph, cluster: GraphCluster, indent: string): string[] {
  const inner = `${indent}  `;
  const emphasis = cluster.isRouteSource ? `, penwidth=2.5, color="${COLOURS.route}"` : '';
  const instances = graph.services.flatMap((service) =>
    service.instances.filter((instance) => instance.cluster === cluster.name),
  );
  return [
    `${indent}subgraph cluster_${cluster.id} {`,
    `${inner}graph [label="${quoteText(clusterTitle(cluster))}", labelloc=t, labeljust=c, id="${cluster.id}_box", style="rounded,filled", fillcolor="${COLOURS.clusterFill}", fontsize=12, class="mesh-cluster${cluster.isRouteSource ? ' route-source' : ''}"${emphasis}];`,
    `${inner}${cluster.id} [id="${cluster.id}", label="${quoteText(networkLabel(cluster))}", shape=plaintext, fontcolor="${COLOURS.muted}", class="network"];`,
    ...instances.map((instance) => `${inner}${instanceNode(instance)}`),
    `${indent}}`,
  ];
}

function instanceNode(instance: GraphInstance): string {
  const [name, detail] = instanceLines(instance);
  const colours = {
    exported: COLOURS.exported,
    'not-exported': COLOURS.notExported,
    'no-endpoints': COLOURS.noEndpoints,
  }[instance.state];
  const dashed = instance.state === 'not-exported' ? ',dashed' : '';
  const route = instance.onRoute ? `, penwidth=2.5, color="${COLOURS.route}"` : `, color="${colours.stroke}"`;
  const classes = `instance ${instance.state}${instance.onRoute ? ' on-route' : ''}`;
  return `${instance.id} [id="${instance.id}", label="${quoteText(name)}\\n${quoteText(detail)}", shape=box, style="rounded,filled${dashed}", fillcolor="${colours.fill}"${route}, class="${classes}"];`;
}

function serviceNodeLines(service: GraphService): string[] {
  const { lines, warning } = serviceLines(service);
  const rows = lines.map((line, index) => (index === 0 ? `<b>${escapeHtml(line)}</b>` : escapeHtml(line)));
  if (warning) rows.push(`<font color="${COLOURS.warning}">${escapeHtml(warning)}</font>`);
  const classes = `service${warning ? ' unreachable-somewhere' : ''}`;
  return [
    `  ${service.id} [id="${service.id}", label=<${rows.join('<br/>')}>, shape=box, style=rounded, class="${classes}"];`,
  ];
}

function membershipLines(service: GraphService): string[] {
  return service.instances.map(
    (instance) =>
      `  ${service.id} -> ${instance.id} [arrowhead=none, style=dotted, class="membership${instance.state === 'not-exported' ? ' not-exported' : ''}"];`,
  );
}

function linkLines(graph: MeshGraph): string[] {
  const idOf = (name: string) => graph.clusters.find((cluster) => cluster.name === name)?.id ?? name;
  return graph.links.map((link) => {
    const from = idOf(link.from);
    const to = idOf(link.to);
    const shape = link.twoWay
      ? 'dir=both'
      : `style=dashed, label="${ONE_WAY_LABEL}", fontcolor="${COLOURS.warning}"`;
    const route = link.onRoute ? `, color="${COLOURS.route}", penwidth=2` : '';
    const classes = `link ${link.twoWay ? 'two-way' : 'one-way'}${link.onRoute ? ' on-route' : ''}`;
    return `  ${from} -> ${to} [${shape}, ltail=cluster_${from}, lhead=cluster_${to}${route}, class="${classes}"];`;
  });
}

/** Traffic from the client's cluster to each chosen instance, labeled with the endpoints it uses. */
function routeLines(graph: MeshGraph): string[] {
  const route = graph.route;
  if (!route) return [];
  const source = graph.clusters.find((cluster) => cluster.name === route.from);
  if (!source) return [];
  const service = graph.services.find((candidate) => candidate.hostname === route.hostname);
  return (service?.instances ?? [])
    .filter((instance) => instance.onRoute)
    .map(
      (instance) =>
        `  ${source.id} -> ${instance.id} [color="${COLOURS.route}", fontcolor="${COLOURS.route}", penwidth=2.5, label="${quoteText(endpointCount(instance.endpoints))}", constraint=false, class="route"];`,
    );
}

/** Text inside a DOT double-quoted string: backslashes and quotes escaped, line breaks as spaces. */
function quoteText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\s*\n\s*/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
