import { sortedGlobalServices } from '../model/indexes';
import type { GlobalService, MeshModel } from '../model/types';
import { compareStrings } from '../text/findings-order';
import type { Range } from '../text/source';

export interface GlobalServiceInstanceRow {
  cluster: string;
  exported: boolean;
  endpoints: number;
  file: string;
  /** The Service's name, to open the file at it. */
  range: Range;
}

export interface GlobalServiceRow {
  hostname: string;
  scope: string;
  clusters: GlobalServiceInstanceRow[];
}

/** SPEC §8 `hosts` (and the editor's Global services view): every global service, its exported instances and the siblings left out. */
export function globalServiceRows(model: MeshModel): GlobalServiceRow[] {
  return sortedGlobalServices(model).map((service) => ({
    hostname: service.hostname,
    scope: scopeOf(service),
    clusters: [...service.instances, ...service.unexportedSiblings]
      .map((instance) => ({
        cluster: instance.cluster,
        exported: instance.hostname === service.hostname,
        endpoints: instance.endpoints,
        file: instance.resource.source.path,
        range: instance.resource.name?.range ?? instance.resource.range,
      }))
      .sort((a, b) => compareStrings(a.cluster, b.cluster) || compareStrings(a.file, b.file)),
  }));
}

function scopeOf(service: GlobalService): string {
  const scopes = new Set(service.instances.map((instance) => instance.exportScope));
  return [...scopes].sort().join(', ');
}
