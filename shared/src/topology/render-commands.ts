import { parseFile } from '../yaml/parse-file';
import { renderedOutputPath } from './placement';
import { readTopologyFile } from './topology-file';

/** A cluster's render command, and where its output is placed in the workspace. */
export interface RenderCommand {
  cluster: string;
  command: string;
  /** The workspace path its output takes (`.mesh-lens/rendered/<cluster>.yaml`); never written to disk. */
  output: string;
}

/** The render commands a topology file declares (SPEC §9, Helm); the adapters run them only when allowed. */
export function renderCommands(topologyPath: string, text: string): RenderCommand[] {
  const declaration = readTopologyFile(parseFile(topologyPath, text));
  return (declaration?.clusters ?? []).flatMap((cluster) =>
    cluster.render
      ? [
          {
            cluster: cluster.name.value,
            command: cluster.render.value,
            output: renderedOutputPath(cluster.name.value),
          },
        ]
      : [],
  );
}
