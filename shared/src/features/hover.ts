import { type HostResolution, hostnameReadAsServiceName, resolveHost } from '../model/hostnames';
import type { ClusterReference, GlobalService, MeshModel, ServiceInstance } from '../model/types';
import { type Reach, reachFrom } from '../reach/reach-from';
import type { Position, Range } from '../text/source';
import { fileIndex } from './file-index';
import { type Target, targetAt } from './locate';
import { MESH_KEY_DOCS } from './mesh-key-docs';
import { writtenLocation } from './navigation';
import { plural, reachableWords, reachSummary } from './reach-words';

/** Turns a workspace file and range into a link the editor can open. */
export type LinkTo = (file: string, range: Range) => string;

export interface Hover {
  markdown: string;
  range: Range;
}

export function hoverAt(
  model: MeshModel,
  file: string,
  position: Position,
  linkTo: LinkTo,
): Hover | undefined {
  const target = targetAt(model, file, position);
  if (!target) return undefined;
  return { markdown: hoverMarkdown(model, target, linkTo), range: target.range };
}

function hoverMarkdown(model: MeshModel, target: Target, linkTo: LinkTo): string {
  switch (target.kind) {
    case 'reference':
      return referenceHover(model, target.reference, linkTo);
    case 'service':
      return [
        serviceHover(model, target.instance, linkTo),
        ...placementsTable(model, target.instance, linkTo),
      ].join('\n');
    case 'mesh-key':
      return meshKeyHover(target.key, target.entry.value);
  }
}

/**
 * One row per cluster (SPEC §1: a global service is its instances across clusters): whether the
 * cluster exports it, its endpoints, its traffic distribution, and whether a client in `reach.from`
 * uses it. The cluster links to its manifest. Two manifests in one cluster are one row.
 */
function instancesTable(service: GlobalService, reach: Reach, linkTo: LinkTo): string[] {
  const byCluster = new Map<string, ServiceInstance[]>();
  for (const instance of [...service.instances, ...service.unexportedSiblings])
    byCluster.set(instance.cluster, [...(byCluster.get(instance.cluster) ?? []), instance]);
  return [
    `| cluster | exported | endpoints | distribution | reachable from ${reach.from} |`,
    '|:--|:--|--:|:--|:--|',
    ...[...byCluster].map(([cluster, instances]) => clusterRow(service, cluster, instances, reach, linkTo)),
  ];
}

function clusterRow(
  service: GlobalService,
  cluster: string,
  instances: ServiceInstance[],
  reach: Reach,
  linkTo: LinkTo,
): string {
  const exported = instances.filter((instance) => instance.hostname === service.hostname);
  const exportedCell =
    exported.length === instances.length ? 'yes' : exported.length === 0 ? '**no**' : 'partly';
  const endpoints = instances.reduce((sum, instance) => sum + instance.endpoints, 0);
  const links = instances.map((instance, index) => {
    const { file, range } = writtenLocation(instance.resource);
    return `[${index === 0 ? cluster : `+${index}`}](${linkTo(file, range)} "${file}")`;
  });
  const distribution = exported[0] ? distributionOf(exported[0]) : '–';
  return `| ${links.join(' ')} | ${exportedCell} | ${endpoints} | ${distribution} | ${reachableCell(cluster, exported.length > 0, reach)} |`;
}

/** The table's words, the chosen ones in bold: the row a reader looks for. */
function reachableCell(cluster: string, exported: boolean, reach: Reach): string {
  return reachableWords(cluster, exported, reach).replace(/^yes: chosen$/, '**yes**: chosen');
}

function distributionOf(instance: ServiceInstance): string {
  const { value, raw } = instance.trafficDistribution;
  return value ?? `${raw?.value} (invalid: Any)`;
}

function serviceHover(model: MeshModel, instance: ServiceInstance, linkTo: LinkTo): string {
  const lines = [
    `**Service ${instance.namespace}/${instance.name}** in ${instance.cluster} · ${plural(instance.endpoints, 'endpoint')}`,
    '',
  ];
  const global = instance.hostname ? model.globalServices.get(instance.hostname) : undefined;
  if (!global) {
    lines.push(`Local only: not exported (${scopeSource(instance)}).`);
    const exportedElsewhere = (
      model.servicesByName.get(`${instance.namespace}/${instance.name}`) ?? []
    ).filter((other) => other.hostname);
    if (exportedElsewhere.length > 0) {
      lines.push(
        '',
        `Exported in ${exportedElsewhere.map((other) => other.cluster).join(', ')} as \`${exportedElsewhere[0]?.hostname}\`: this instance's endpoints are missing from it.`,
      );
    }
    return lines.join('\n');
  }
  lines.push(
    `Global: \`${global.hostname}\` · scope \`${instance.exportScope}\` (${scopeSource(instance)})`,
    '',
    ...instancesTable(global, reachFrom(model, global.hostname, instance.cluster), linkTo),
    '',
  );
  const distribution = instance.trafficDistribution;
  lines.push(
    `Traffic distribution here: \`${distributionOf(instance)}\` (${settingSource(distribution.from)}) · takeover: ${instance.takeover.value ? 'on' : 'off'}`,
  );
  return lines.join('\n');
}

/**
 * Where the document under the cursor lands (SPEC §9): one row per cluster it is placed in, with the
 * name and namespace it gets there, whether it is exported, and what placed it (the overlay, the
 * topology's path entry). Nothing for a document placed once, as written.
 */
function placementsTable(model: MeshModel, instance: ServiceInstance, linkTo: LinkTo): string[] {
  const { placement } = instance;
  if (placement.clusters.length < 2 && placement.via !== 'kustomize') return [];
  const written = instance.resource.origin ?? instance.resource;
  const sameDocument = fileIndex(model, written.source.path).services.filter((other) => {
    const origin = other.resource.origin ?? other.resource;
    return origin.docIndex === written.docIndex && origin.nodeIndex === written.nodeIndex;
  });
  const placedBy = (other: ServiceInstance) => {
    const entry = other.placement.entry;
    return entry ? `[${entry.file}](${linkTo(entry.file, entry.range)})` : other.placement.via;
  };
  return [
    '',
    `**Placed in ${plural(sameDocument.length, 'cluster')}**`,
    '',
    '| cluster | as | exported | endpoints | placed by |',
    '|---|---|---|---|---|',
    ...sameDocument.map(
      (other) =>
        `| ${other.cluster} | ${other.namespace}/${other.name} | ${other.hostname ? 'yes' : '**no**'} | ${other.endpoints} | ${placedBy(other)} |`,
    ),
  ];
}

function scopeSource(instance: ServiceInstance): string {
  if (instance.scope.from === 'default') return 'no scope label';
  return `\`${instance.scope.value}\` from the ${instance.scope.from === 'namespace' ? 'Namespace' : 'Service'} label`;
}

function settingSource(from: string): string {
  return (
    {
      field: 'spec.trafficDistribution',
      service: 'Service annotation',
      namespace: 'Namespace annotation',
      default: 'default',
    }[from] ?? from
  );
}

function referenceHover(model: MeshModel, reference: ClusterReference, linkTo: LinkTo): string {
  const host = reference.host.value;
  // The lens and MESH140 say a hostname read as a Service name goes nowhere: so does the hover.
  if (hostnameReadAsServiceName(reference))
    return [
      `**${host}**`,
      '',
      `Resolves to nothing: this backend has no \`kind: Hostname\` (group \`networking.istio.io\`), so \`${host}\` is read as a Service name, which cannot contain dots (MESH140).`,
    ].join('\n');
  return hostnameHover(model, host, reference.cluster, reference.namespace, linkTo);
}

function hostnameHover(
  model: MeshModel,
  host: string,
  cluster: string,
  namespace: string,
  linkTo: LinkTo,
): string {
  const resolution = resolveHost(model, host, cluster, namespace);
  const heading = `**${host}**`;
  const service = globalOf(resolution);
  if (!service) return `${heading}\n\n${unresolvedText(resolution)}`;
  const reach = reachFrom(model, host, cluster, namespace);
  return [
    `${heading} → global service \`${service.hostname}\``,
    '',
    ...instancesTable(service, reach, linkTo),
    '',
    `From **${cluster}**: → ${reachSummary(reach)}`,
    '',
    reach.explanation.replaceAll('\n', '\n\n'),
  ].join('\n');
}

function globalOf(resolution: HostResolution): GlobalService | undefined {
  if (resolution.kind === 'global') return resolution.service;
  if (resolution.kind === 'local') return resolution.global;
  return undefined;
}

function unresolvedText(resolution: HostResolution): string {
  switch (resolution.kind) {
    case 'wrong-suffix':
      return `Resolves to nothing: the service is exported as \`${resolution.expected}\`.`;
    case 'not-exported':
      return `Resolves to nothing: Service ${resolution.namespace}/${resolution.name} exists in ${resolution.instances.map((instance) => instance.cluster).join(', ')} but is not exported.`;
    case 'unknown-global':
      return `Resolves to nothing: no Service ${resolution.namespace}/${resolution.name} in the workspace.`;
    case 'local':
      return resolution.instance
        ? `Cluster-local: Service ${resolution.namespace}/${resolution.name} in ${resolution.instance.cluster} only (${resolution.instance.endpoints} endpoint(s))${resolution.instance.hostname ? `; exported as \`${resolution.instance.hostname}\`, but without takeover this name stays local` : ''}.`
        : `Cluster-local name: no Service ${resolution.namespace}/${resolution.name} in this cluster.`;
    default:
      return 'Not a mesh hostname.';
  }
}

function meshKeyHover(key: string, value: string): string {
  const doc = MESH_KEY_DOCS[key];
  if (!doc) return `\`${key}\``;
  const values = doc.values.map(
    (entry) => `- \`${entry.value || '""'}\`${entry.value === value ? ' (this)' : ''}: ${entry.meaning}`,
  );
  return [`**${key}**`, '', doc.summary, ...(values.length > 0 ? ['', ...values] : [])].join('\n');
}
