import type { GraphCluster, GraphGroup, MeshGraph } from './mesh-graph';
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

// The map as a Mermaid flowchart, for a pull request's description or a Markdown document (GitHub
// and GitLab draw ```mermaid blocks). Clusters are subgraphs, so links run between subgraphs.

const CLASS_DEFINITIONS = [
  'classDef exported fill:#dafbe1,stroke:#1a7f37',
  'classDef notExported fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4 3',
  'classDef noEndpoints fill:#fff8c5,stroke:#9a6700',
  'classDef onRoute stroke:#0969da,stroke-width:3px',
  'classDef unreachable stroke:#cf222e',
  'classDef routeSource stroke:#0969da,stroke-width:3px',
  'classDef caption fill:none,stroke:none,text-align:left',
];

export function meshGraphToMermaid(graph: MeshGraph): string {
  const edges = new EdgeList();
  const lines = [
    'flowchart LR',
    ...groupLines(graph, graph.root, '  '),
    ...graph.services.map((service) => {
      const { lines: serviceText, warning } = serviceLines(service);
      return `  ${service.id}(["${label([...serviceText, ...(warning ? [warning] : [])])}"])`;
    }),
  ];
  for (const service of graph.services) {
    for (const instance of service.instances) edges.add(`${service.id} --- ${instance.id}`);
  }
  const idOf = (name: string) => graph.clusters.find((cluster) => cluster.name === name)?.id ?? name;
  for (const link of graph.links) {
    const arrow = link.twoWay ? '<-->' : `-. ${ONE_WAY_LABEL} .->`;
    edges.add(`${idOf(link.from)} ${arrow} ${idOf(link.to)}`, link.onRoute);
  }
  const route = graph.route;
  if (route) {
    const service = graph.services.find((candidate) => candidate.hostname === route.hostname);
    for (const instance of service?.instances.filter((candidate) => candidate.onRoute) ?? []) {
      edges.add(
        `${idOf(route.from)}_net ==>|"${label([endpointCount(instance.endpoints)])}"| ${instance.id}`,
        true,
      );
    }
    lines.push(`  caption["${label(routeCaption(route))}"]`);
  }
  lines.push(...edges.lines(), ...CLASS_DEFINITIONS.map((line) => `  ${line}`), ...classAssignments(graph));
  return `${lines.join('\n')}\n`;
}

/** Edges in order, remembering which are on the route: Mermaid styles an edge by its index. */
class EdgeList {
  readonly #edges: string[] = [];
  readonly #onRoute: number[] = [];

  add(edge: string, onRoute = false): void {
    if (onRoute) this.#onRoute.push(this.#edges.length);
    this.#edges.push(edge);
  }

  lines(): string[] {
    const styles =
      this.#onRoute.length > 0
        ? [`linkStyle ${this.#onRoute.join(',')} stroke:#0969da,stroke-width:3px`]
        : [];
    return [...this.#edges, ...styles].map((line) => `  ${line}`);
  }
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
  return [`${indent}subgraph ${group.id}["${label([groupLabel(group)])}"]`, ...body, `${indent}end`];
}

function clusterLines(graph: MeshGraph, cluster: GraphCluster, indent: string): string[] {
  const inner = `${indent}  `;
  const instances = graph.services.flatMap((service) =>
    service.instances.filter((instance) => instance.cluster === cluster.name),
  );
  return [
    `${indent}subgraph ${cluster.id}["${label([clusterTitle(cluster)])}"]`,
    `${inner}${cluster.id}_net["${label([networkLabel(cluster)])}"]`,
    ...instances.map((instance) => `${inner}${instance.id}["${label(instanceLines(instance))}"]`),
    `${indent}end`,
  ];
}

function classAssignments(graph: MeshGraph): string[] {
  const byClass = new Map<string, string[]>();
  const assign = (className: string, id: string) =>
    byClass.set(className, [...(byClass.get(className) ?? []), id]);
  for (const service of graph.services) {
    if (service.unreachableFrom.length > 0) assign('unreachable', service.id);
    for (const instance of service.instances) {
      const state = { exported: 'exported', 'not-exported': 'notExported', 'no-endpoints': 'noEndpoints' };
      assign(instance.onRoute ? 'onRoute' : state[instance.state], instance.id);
    }
  }
  for (const cluster of graph.clusters) if (cluster.isRouteSource) assign('routeSource', cluster.id);
  if (graph.route) assign('caption', 'caption');
  return [...byClass].map(([className, ids]) => `  class ${ids.join(',')} ${className}`);
}

/** Lines of a quoted Mermaid label: its entity codes stand for the characters its syntax reserves. */
function label(lines: string[]): string {
  return lines
    .map((line) =>
      line.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;'),
    )
    .join('<br/>');
}
