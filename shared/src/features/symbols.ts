import { sortedGlobalServices } from '../model/indexes';
import type { MeshModel } from '../model/types';
import type { Range } from '../text/source';
import type { Location } from './navigation';

export interface DocumentSymbol {
  name: string;
  detail: string;
  kind: string;
  range: Range;
  selectionRange: Range;
}

/** Every Kubernetes object of a file, by kind and name. */
export function documentSymbols(model: MeshModel, file: string): DocumentSymbol[] {
  const parsed = model.files.get(file)?.parsed;
  if (!parsed) return [];
  return parsed.resources.map((resource) => ({
    name: resource.name?.value ?? `(unnamed ${resource.kind})`,
    detail: `${resource.kind}${resource.namespace ? ` · ${resource.namespace.value}` : ''}`,
    kind: resource.kind,
    range: resource.range,
    selectionRange: resource.name?.range ?? resource.range,
  }));
}

export interface WorkspaceSymbol {
  name: string;
  detail: string;
  location: Location;
}

/** Global hostnames, each at its first instance, filtered by a case-insensitive substring. */
export function workspaceSymbols(model: MeshModel, query: string): WorkspaceSymbol[] {
  const needle = query.toLowerCase();
  return sortedGlobalServices(model)
    .filter((service) => service.hostname.toLowerCase().includes(needle))
    .flatMap((service) => {
      const first = service.instances[0];
      if (!first) return [];
      return [
        {
          name: service.hostname,
          detail: `global service in ${service.instances.map((instance) => instance.cluster).join(', ')}`,
          location: {
            file: first.resource.source.path,
            range: first.resource.name?.range ?? first.resource.range,
          },
        },
      ];
    });
}
