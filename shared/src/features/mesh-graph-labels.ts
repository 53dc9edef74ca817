import type {
  GraphCluster,
  GraphGroup,
  GraphInstance,
  GraphRoute,
  GraphService,
  MeshGraph,
} from './mesh-graph';

// The words of the map, shared by every renderer so that Mermaid, DOT, the SVG and the editor's map
// say the same thing; each renderer only escapes them for its syntax. ASCII only: Graphviz in
// WebAssembly has no font metrics for other characters and would misjudge the boxes' widths.

export function groupLabel(group: GraphGroup): string {
  return `${group.kind} ${group.name}`;
}

export function clusterTitle(cluster: GraphCluster): string {
  return cluster.isRouteSource ? `${cluster.name} (client)` : cluster.name;
}

export function networkLabel(cluster: GraphCluster): string {
  return `network ${cluster.network}`;
}

export function endpointCount(endpoints: number): string {
  return `${endpoints} endpoint${endpoints === 1 ? '' : 's'}`;
}

/** Two lines: the Service's name, then its state and ready endpoints. */
export function instanceLines(instance: GraphInstance): [string, string] {
  const count = endpointCount(instance.endpoints);
  return [instance.name, instance.state === 'not-exported' ? `not exported, ${count}` : count];
}

export function serviceLines(service: GraphService): { lines: string[]; warning?: string } {
  const lines = [service.hostname, `scope ${service.scope}`];
  const warning =
    service.unreachableFrom.length > 0 ? `unreachable from ${service.unreachableFrom.join(', ')}` : undefined;
  return { lines, warning };
}

export const ONE_WAY_LABEL = 'one-way';

/** The route's heading and explanation, in lines short enough for a picture's caption. */
export function routeCaption(route: GraphRoute): string[] {
  const heading = `${route.hostname} from ${route.from}, mode ${route.mode}`;
  return [heading, ...route.explanation.split('\n').flatMap((line) => wrapWords(line, CAPTION_WIDTH))];
}

const CAPTION_WIDTH = 90;

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** One sentence for a screen reader: what the picture shows. */
export function meshGraphSummary(graph: MeshGraph): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const parts = [
    `Mesh map: ${count(graph.clusters.length, 'cluster')} (${graph.clusters.map((cluster) => cluster.name).join(', ')})`,
    count(graph.links.length, 'peering link'),
    count(graph.services.length, 'global service'),
  ];
  const route = graph.route ? ` Route: ${routeCaption(graph.route)[0]}.` : '';
  return `${parts.join(', ')}.${route}`;
}
