import assert from 'node:assert/strict';
import {
  type Analysis,
  analyseWorkspace,
  createWorkspace,
  deleteFile,
  type Finding,
  getModel,
  type MeshModel,
  runChecks,
  type ServiceInstance,
  setFile,
  type Workspace,
} from '../../shared/src';
import { findingsAsData, offeredFindingsAsData } from './checks';

// A namespace big enough to be checked in cells (model/cells.ts) and kept per name in a table
// (model/unit-table.ts), and a step that edits it and holds the incremental result — findings with
// their fixes, the files said to have changed, and the model itself — to a fresh full run.

export const SERVICES = 300;
export const CLUSTERS = ['east', 'west'];

export const THROW = {
  onCheckError: (check: { code: string }, error: unknown) => {
    throw new Error(`check ${check.code} threw: ${(error as Error)?.stack ?? error}`);
  },
};

export function name(index: number): string {
  return `svc-${String(index).padStart(3, '0')}`;
}

export function serviceDoc(service: string, scope: string | undefined, app = service): string {
  const labels = scope === undefined ? '' : `\n  labels:\n    solo.io/service-scope: ${scope}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${service}
  namespace: shop${labels}
spec:
  selector: { app: ${app} }
  ports: [{ port: 80 }]
`;
}

export function deploymentDoc(workload: string, app: string, replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${workload}, namespace: shop }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${app} } }
  template: { metadata: { labels: { app: ${app} } } }
`;
}

export function routeDoc(route: string, host: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${route}, namespace: shop }
spec:
  hosts: [${route}]
  http: [{ route: [{ destination: { host: ${host} } }] }]
`;
}

export function namespaceDoc(labels = ''): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n${labels ? `  labels: { ${labels} }\n` : ''}`;
}

/** The Service file of `index` in `cluster`, as `bigNamespace` writes it. */
export function servicePath(cluster: string, index: number): string {
  return `clusters/${cluster}/${name(index)}.yaml`;
}

/**
 * Two clusters, one namespace `shop` of 300 Services, each exported with its Deployment, except:
 * svc-001 is unlabeled in west (MESH101), svc-002 has an invalid scope in east (MESH110), svc-003
 * routes to an unknown hostname (MESH121), and every tenth Service routes to the next one.
 */
export function bigNamespace(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'mesh-topology.yaml',
    `clusters:\n${CLUSTERS.map((cluster) => `  ${cluster}: { paths: ["clusters/${cluster}/**"] }`).join('\n')}\n`,
  );
  for (const cluster of CLUSTERS) {
    files.set(`clusters/${cluster}/namespace.yaml`, namespaceDoc());
    for (let index = 1; index <= SERVICES; index++) {
      const service = name(index);
      const scope =
        index === 1 && cluster === 'west'
          ? undefined
          : index === 2 && cluster === 'east'
            ? 'globl'
            : 'global';
      const docs = [serviceDoc(service, scope), deploymentDoc(service, service)];
      if (index === 3) docs.push(routeDoc(`${service}-up`, 'svc-004x.shop.mesh.internal'));
      else if (index % 10 === 0)
        docs.push(routeDoc(`${service}-up`, `${name(index + 1)}.shop.mesh.internal`));
      files.set(servicePath(cluster, index), docs.join('---\n'));
    }
  }
  return files;
}

export function workspaceOf(files: ReadonlyMap<string, string>): Workspace {
  const workspace = createWorkspace();
  for (const [path, text] of files) setFile(workspace, path, text);
  return workspace;
}

function shown({ code, severity, range, message, related }: Finding): string {
  return JSON.stringify([code, severity, range, message, related]);
}

function byFile(findings: readonly Finding[]): Map<string, string> {
  const files = new Map<string, string[]>();
  for (const finding of findings)
    files.set(finding.file, [...(files.get(finding.file) ?? []), shown(finding)]);
  return new Map([...files].map(([file, list]) => [file, list.join('\n')]));
}

function describeInstance(instance: ServiceInstance): string {
  const workloads = instance.workloads.map((workload) => `${workload.cluster}/${workload.name}`).join(',');
  return [
    `${instance.cluster}/${instance.namespace}/${instance.name} in ${instance.resource.source.path}`,
    `scope ${instance.scope.value} from ${instance.scope.from}`,
    `exported ${instance.exportScope ?? 'no'} as ${instance.hostname ?? '-'}`,
    `${instance.endpoints} endpoints (${workloads}; ${instance.endpointSets.length} sets)`,
  ].join(', ');
}

/**
 * What a model holds, in its order: every shard's lists, the services by name and the global
 * services. Two models that print alike give every check the same lists in the same order.
 */
export function modelShape(model: MeshModel): unknown {
  const path = (file: { parsed: { source: { path: string } } }) => file.parsed.source.path;
  const shards = [...model.shards.keys()].sort().map((key) => {
    const shard = model.shards.get(key) ?? assert.fail(key);
    return {
      key,
      files: shard.files.map(path),
      namespaces: shard.namespaces.map((namespace) => `${namespace.cluster}/${namespace.name}`),
      services: shard.services.map(describeInstance),
      workloads: shard.workloads.map(
        (workload) =>
          `${workload.cluster}/${workload.name} ${workload.pods} in ${workload.resource.source.path}`,
      ),
      endpointSets: shard.endpointSets.map((set) => `${set.cluster}/${set.serviceName}`),
      references: shard.references.map(
        (reference) => `${reference.cluster}: ${reference.host.value} in ${reference.resource.source.path}`,
      ),
      globalServices: shard.globalServices.map(
        (global) =>
          `${global.hostname}: ${global.instances.map(describeInstance).join('; ')} | ${global.unexportedSiblings.map(describeInstance).join('; ')}`,
      ),
      serviceGroups: shard.serviceGroups.map((group) => group.map(describeInstance).join('; ')),
    };
  });
  const servicesByName = [...model.servicesByName]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, group]) => `${key}: ${group.map(describeInstance).join('; ')}`);
  const globalServices = [...model.globalServices]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([hostname, global]) => `${hostname}: ${global.instances.map(describeInstance).join('; ')}`);
  return { shards, servicesByName, globalServices };
}

export interface Step {
  analysis: Analysis;
  /** How many cells (lists of findings) are not the previous analysis's. */
  rechecked: number;
}

/**
 * Applies the edits (`undefined` deletes a file), analyses incrementally, and holds the result to a
 * fresh full run: the findings with their fixes as offered, every file whose findings changed reported as
 * changed, and the model's lists. `incremental`: the edit must not have been analysed as `all`.
 */
export function edit(
  workspace: Workspace,
  files: Map<string, string>,
  previous: Analysis,
  changes: Record<string, string | undefined>,
  incremental = true,
): Step {
  for (const [path, text] of Object.entries(changes)) {
    if (text === undefined) {
      deleteFile(workspace, path);
      files.delete(path);
    } else {
      setFile(workspace, path, text);
      files.set(path, text);
    }
  }
  const { analysis, changedFiles } = analyseWorkspace(workspace, previous, THROW);
  const freshModel = getModel(workspaceOf(files));
  const fresh = runChecks(freshModel, THROW);
  assert.deepEqual(offeredFindingsAsData(analysis), findingsAsData(fresh), 'differs from a fresh run');
  assert.deepEqual(modelShape(analysis.model), modelShape(freshModel), 'the model differs from a fresh one');
  if (incremental) assert.notEqual(changedFiles, 'all', 'the edit was analysed incrementally');
  const before = byFile(previous.findings());
  const after = byFile(analysis.findings());
  for (const file of new Set([...before.keys(), ...after.keys()]))
    if (changedFiles !== 'all' && before.get(file) !== after.get(file))
      assert.ok(changedFiles.has(file), `${file} changed but is not reported`);
  let rechecked = 0;
  for (const [cell, list] of analysis.shards) if (previous.shards.get(cell) !== list) rechecked++;
  return { analysis, rechecked };
}

export function codesIn(analysis: Analysis, file: string): string[] {
  return analysis
    .findings()
    .filter((finding) => finding.file === file)
    .map((finding) => finding.code)
    .sort();
}

export function setup() {
  const files = bigNamespace();
  const workspace = workspaceOf(files);
  const analysis = analyseWorkspace(workspace, undefined, THROW).analysis;
  assert.ok(
    [...analysis.shards.keys()].filter((cell) => cell.startsWith('shop')).length > 1,
    'the big namespace is checked in several cells',
  );
  return { files, workspace, analysis };
}
