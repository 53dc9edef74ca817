import { type QuickPickItem, window } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  GLOBAL_SERVICES_REQUEST,
  type GlobalServicesResult,
  REACH_REQUEST,
  type ReachParams,
  type ReachResult,
} from '../../shared/src/protocol';
import type { MeshMap } from './mesh-map';

const endpoints = (n: number) => `${n} endpoint${n === 1 ? '' : 's'}`;

interface ServicePick extends QuickPickItem {
  folderUri: string;
  clusters: string[];
  instances: Map<string, string>;
}

/** Asks for a global hostname, then a source cluster; `undefined` when the user cancels. */
export async function pickReachTarget(client: LanguageClient): Promise<ReachParams | undefined> {
  const { folders } = await client.sendRequest<GlobalServicesResult>(GLOBAL_SERVICES_REQUEST);
  const services: ServicePick[] = folders.flatMap((folder) =>
    folder.services.map((service) => ({
      label: service.hostname,
      description: service.scope,
      detail: service.clusters
        .map((instance) => `${instance.cluster}${instance.exported ? '' : ' (not exported)'}`)
        .join(', '),
      folderUri: folder.uri,
      clusters: folder.clusters,
      instances: new Map(
        service.clusters.map((instance) => [
          instance.cluster,
          instance.exported ? endpoints(instance.endpoints) : 'not exported',
        ]),
      ),
    })),
  );
  if (services.length === 0) {
    void window.showInformationMessage('Mesh Lens: this workspace has no global services.');
    return undefined;
  }
  const service = await window.showQuickPick(services, {
    title: 'Mesh Lens: Show Reach (1/2)',
    placeHolder: 'Global hostname',
    matchOnDetail: true,
  });
  if (!service) return undefined;
  const cluster = await window.showQuickPick(
    service.clusters.map((name) => ({ label: name, description: service.instances.get(name) })),
    { title: 'Mesh Lens: Show Reach (2/2)', placeHolder: `Client cluster calling ${service.label}` },
  );
  if (!cluster) return undefined;
  return { hostname: service.label, cluster: cluster.label, folderUri: service.folderUri };
}

/**
 * `Mesh Lens: Show Reach…`: with `{ hostname, cluster }` as argument it skips the questions. The
 * answer is shown in the Mesh Map focused on the service and the client's cluster, whose reach panel
 * lists every instance (linked to its manifest), whether the client uses it, and the rule that decided.
 */
export async function showReach(
  client: LanguageClient,
  meshMap: MeshMap,
  target?: ReachParams,
): Promise<ReachResult | undefined> {
  const params = target?.hostname && target.cluster ? target : await pickReachTarget(client);
  if (!params) return undefined;
  const result = await client.sendRequest<ReachResult | null>(REACH_REQUEST, params);
  if (!result) {
    void window.showWarningMessage('Mesh Lens: open a folder to compute reach.');
    return undefined;
  }
  if (result.service)
    await meshMap.show({ folderUri: params.folderUri, service: result.service, from: params.cluster });
  // A local name or one that resolves to nothing has no service on the map: the answer is the message.
  else
    void window.showInformationMessage(
      `Mesh Lens: ${result.hostname} from ${result.from}: ${result.explanation}`,
    );
  return result;
}
