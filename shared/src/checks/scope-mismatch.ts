import { type ExportScope, SCOPE_LABEL } from '../facts/mesh-labels';
import { layeredFixes, mergedByFile } from '../fixes/layered-fix';
import { setWrittenEntry } from '../fixes/written-entry';
import { setMetadataEntry } from '../fixes/yaml-edits';
import type { MeshIndex, ServiceInstance, Shard } from '../model/types';
import type { Finding, Fix } from '../text/findings';
import { majority } from '../util/majority';
import type { Check } from './check';
import { findingAt, listClusters, relatedAt } from './finding';

export const scopeMismatch: Check = {
  code: 'MESH102',
  readsTopology: ['clusters'],
  name: 'scope-mismatch',
  severity: 'warning',
  description:
    "The instances of one service (same name and namespace) are exported with different scopes in different clusters: `global` in some, `segment` in others (legacy `global-only` counts as `global`). A `global` instance is offered to every linked cluster, a `segment` instance only to clients in its own segment, so which endpoints a client can use depends on where it runs, and clients outside the segment silently lose the `segment` instances. Give every instance the same scope; a Service's own label overrides its namespace's, so the quick-fix labels the Service rather than a shared Namespace.",
  example: {
    wrong: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["clusters/east/**"], segment: payments }
        west: { paths: ["clusters/west/**"], segment: payments }
      segments:
        payments: { domain: payments.mesh }
      //- clusters/east/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        namespace: finance
        labels:
          solo.io/service-scope: segment
      //- clusters/west/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        namespace: finance
        labels:
          solo.io/service-scope: global
    `,
    fixed: `
      //- mesh-topology.yaml
      clusters:
        east: { paths: ["clusters/east/**"], segment: payments }
        west: { paths: ["clusters/west/**"], segment: payments }
      segments:
        payments: { domain: payments.mesh }
      //- clusters/east/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        namespace: finance
        labels:
          solo.io/service-scope: segment
      //- clusters/west/ledger.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: ledger
        namespace: finance
        labels:
          solo.io/service-scope: segment
    `,
  },
  run: (shard, mesh) => [...oddByLabel(shard, mesh).values()].map((odd) => mismatchFinding(mesh, odd)),
};

/** An instance whose scope differs from the majority of its service's exported instances. */
interface OddInstance {
  instance: ServiceInstance;
  scope: ExportScope;
  majority: ExportScope;
  /** The service's exported instances with the majority scope. */
  others: ServiceInstance[];
}

/**
 * The odd instances, grouped by the label that sets their scope: a Namespace label sets it for every
 * Service in the namespace, and is reported once, not once per Service.
 */
function oddByLabel(shard: Shard, model: MeshIndex): Map<string, OddInstance[]> {
  const order = [...model.topology.clusters.keys()];
  const groups = new Map<string, OddInstance[]>();
  for (const instances of shard.serviceGroups) {
    const exported = instances
      .filter((instance) => instance.exportScope !== undefined && instance.scope.raw)
      .sort((a, b) => order.indexOf(a.cluster) - order.indexOf(b.cluster));
    // Ties go to the first instance in cluster order (majority keeps the first value seen).
    const winner = majority(exported.map((instance) => instance.exportScope));
    if (!winner) continue;
    const others = exported.filter((instance) => instance.exportScope === winner);
    for (const instance of exported) {
      const scope = instance.exportScope;
      if (!scope || scope === winner) continue;
      const key = labelKey(instance);
      groups.set(key, [...(groups.get(key) ?? []), { instance, scope, majority: winner, others }]);
    }
  }
  return groups;
}

function labelKey(instance: ServiceInstance): string {
  const start = instance.scope.raw?.range.start;
  return `${instance.scope.resource?.source.path}:${start?.line}:${start?.character}`;
}

function mismatchFinding(model: MeshIndex, group: OddInstance[]): Finding {
  const [first] = group as [OddInstance, ...OddInstance[]];
  const { instance, scope, majority: winner } = first;
  const labelResource = instance.scope.resource ?? instance.resource;
  const others = [...new Set(group.flatMap((odd) => odd.others))];
  const otherClusters = listClusters(others.map((other) => other.cluster));
  const written = instance.scope.raw?.value ?? scope;
  const subject =
    instance.scope.from === 'namespace'
      ? `Namespace ${instance.namespace} in ${instance.cluster} exports ${serviceNames(group)} with scope \`${written}\` (inherited from this namespace label), but their instances in ${otherClusters} use \`${winner}\``
      : `Service ${instance.namespace}/${instance.name} is exported with scope \`${written}\` in ${instance.cluster}, but with \`${winner}\` in ${otherClusters}`;
  return findingAt(
    scopeMismatch,
    labelResource,
    instance.scope.raw ?? labelResource.range,
    `${subject}: ${consequence(model, instance.cluster, scope, otherClusters)}.`,
    {
      related: others.map((other) =>
        relatedAt(
          other.scope.resource ?? other.resource,
          other.scope.raw,
          `scope \`${other.scope.value}\` in ${other.cluster} (${other.scope.from === 'namespace' ? 'Namespace' : 'Service'} label)`,
        ),
      ),
      fixes: () => alignFixes(model, group, others),
    },
  );
}

function serviceNames(group: OddInstance[]): string {
  const names = group.map((odd) => `${odd.instance.namespace}/${odd.instance.name}`);
  return `${names.length === 1 ? 'Service' : 'Services'} ${listClusters(names)}`;
}

function consequence(model: MeshIndex, cluster: string, scope: ExportScope, otherClusters: string): string {
  const segment = model.topology.clusters.get(cluster)?.segment;
  return scope === 'segment'
    ? `the endpoints in ${cluster} are offered only to clients inside segment \`${segment}\`, while those in ${otherClusters} are offered to every linked cluster, so clients outside the segment never use the endpoints in ${cluster}`
    : `the endpoints in ${cluster} are offered to every linked cluster, while those in ${otherClusters} stay inside their segment, so clients outside the segment reach only the endpoints in ${cluster}`;
}

/**
 * The Service's own label wins over its Namespace's (SPEC §2): both fixes label Services, so a
 * Namespace label shared with other Services is left alone. `segment` is only offered for instances
 * whose cluster is in a segment, since elsewhere it would stop exporting them (SPEC §2, MESH111).
 */
function alignFixes(model: MeshIndex, group: OddInstance[], others: ServiceInstance[]): Fix[] {
  const [first] = group as [OddInstance, ...OddInstance[]];
  const oddInstances = group.map((odd) => odd.instance);
  const toMajority = canTake(model, oddInstances, first.majority)
    ? labelFix(
        model,
        `Align to the majority (${first.majority}): label ${targetNames(oddInstances)} ${SCOPE_LABEL}=${first.majority}`,
        oddInstances,
        first.majority,
      )
    : undefined;
  const toThis = canTake(model, others, first.scope)
    ? labelFix(
        model,
        `Align every instance to ${first.scope}: label ${targetNames(others)} ${SCOPE_LABEL}=${first.scope}`,
        others,
        first.scope,
      )
    : undefined;
  // Only the majority fix is preferred: aligning the others rewrites instances that had no finding.
  const alignOthers: Fix | undefined = toThis && { ...toThis, preferred: false };
  return [toMajority, alignOthers].filter((fix): fix is Fix => fix !== undefined);
}

function canTake(model: MeshIndex, instances: ServiceInstance[], scope: ExportScope): boolean {
  return (
    scope !== 'segment' ||
    instances.every((instance) => model.topology.clusters.get(instance.cluster)?.segment !== undefined)
  );
}

/**
 * Labels each instance where its layer allows (layered-fix.ts): a document only these instances'
 * clusters place, else a patch in each cluster's overlay, or the overlay's own value. Preferred when
 * every instance's change stays within the clusters being aligned.
 */
function labelFix(model: MeshIndex, title: string, instances: ServiceInstance[], scope: ExportScope): Fix {
  const atFault = instances.map((instance) => instance.cluster);
  const chosen = instances.flatMap((instance) =>
    layeredFixes(model, instance, atFault, {
      title,
      documentEdits: (written) => ({
        file: written.source.path,
        edits: setMetadataEntry(written, 'labels', SCOPE_LABEL, scope),
      }),
      patch: { metadata: { labels: { [SCOPE_LABEL]: scope } } },
      value: {
        read: (resource) => resource.labels.get(SCOPE_LABEL),
        writtenEdits: () => setWrittenEntry(instance.resource, ['metadata', 'labels'], SCOPE_LABEL, scope),
      },
    }).slice(0, 1),
  );
  const notes = [...new Set(chosen.map((fix) => fix.title.slice(title.length)))].join('');
  return {
    title: `${title}${notes}`,
    preferred: chosen.length === instances.length && chosen.every((fix) => fix.preferred),
    changes: mergedByFile(chosen.flatMap((fix) => fix.changes)),
  };
}

function targetNames(instances: ServiceInstance[]): string {
  const names = instances.map((instance) => `${instance.namespace}/${instance.name} in ${instance.cluster}`);
  return `${names.length === 1 ? 'Service' : 'Services'} ${listClusters(names)}`;
}
