import type { Node, Pair } from 'yaml';
import { removeEntryKeepingComment } from '../fixes/remove-entry-keeping-comment';
import type { MeshIndex, ServiceInstance } from '../model/types';
import type { Fix, TextEdit } from '../text/findings';
import { documentsOf } from '../yaml/document-cache';
import { asMap, type DocumentContext, findPair, getPath, scalarText, sourceOfNode } from '../yaml/nodes';
import { describeResource, type Resource } from '../yaml/resource';
import { listClusters } from './finding';

// MESH104's fix (docs/decisions.md): drop the `namePrefix`/`nameSuffix` that renamed the Service, in
// the kustomization that wrote it. Kustomize applies a kustomization's patches before its name
// transforms, so no patch of that kustomization can set the name back; the transform itself is
// the layer at fault. It renames everything the kustomization renders, so the fix is preferred
// only when it renames nothing but the split Services, in no cluster but theirs: otherwise it is
// a suggestion, titled with what else it renames.

/** The fix that removes the name transform a renamed instance got, or none when no affix decided its name. */
export function dropNameTransformFix(
  model: MeshIndex,
  renamed: ServiceInstance,
  split: readonly Resource[],
): Fix[] {
  const transform = nameTransform(renamed.resource);
  if (!transform) return [];
  const renamedByIt = renamedBy(model, transform);
  const splitSet = new Set(split);
  const alsoRenamed = renamedByIt.filter((entry) => !splitSet.has(entry.resource));
  const otherClusters = [...new Set(alsoRenamed.map((entry) => entry.cluster))].filter(
    (cluster) => cluster !== renamed.cluster,
  );
  const written = transform.affixes.map((affix) => `${affix.key} \`${affix.value}\``).join(' and ');
  const title = `Remove ${written} from ${transform.ctx.source.path}${alsoNote(alsoRenamed, otherClusters)}`;
  const edits = transform.affixes
    .map((affix) => removeEntryKeepingComment(transform.ctx, transform.root, affix.key))
    .filter((edit): edit is TextEdit => edit !== undefined);
  if (edits.length !== transform.affixes.length) return [];
  const more = alsoRenamed.length > 0;
  return [
    {
      title,
      preferred: !more,
      ...(more ? { suggestion: true } : {}),
      changes: [{ file: transform.ctx.source.path, edits }],
    },
  ];
}

/** The kustomization whose `namePrefix`/`nameSuffix` decided a placed object's name. */
interface NameTransform {
  ctx: DocumentContext;
  root: NonNullable<ReturnType<typeof asMap>>;
  affixes: { key: 'namePrefix' | 'nameSuffix'; value: string }[];
  /** Where the name's value node points: names decided by the same transform point at the same node. */
  at: { file: string; line: number; character: number };
}

function nameTransform(resource: Resource): NameTransform | undefined {
  const name = resource.name;
  const node = getPath(resource, resource.node, ['metadata', 'name']) as Node | undefined;
  if (!name?.file || !node) return undefined;
  const source = sourceOfNode(resource, node);
  for (const doc of documentsOf(source)) {
    const ctx: DocumentContext = { source, doc };
    const root = asMap(ctx, doc.contents);
    if (!root) continue;
    const affixes = (['namePrefix', 'nameSuffix'] as const).flatMap((key) => {
      const pair = findPair(ctx, root, key) as Pair | undefined;
      const value = pair && scalarText(ctx, pair.value);
      return value ? [{ key, value }] : [];
    });
    // The name's node points into this file's prefix or suffix: it is the transform that renamed it.
    const decided = affixes.some((affix) => {
      const pair = findPair(ctx, root, affix.key) as Pair | undefined;
      return (pair?.value as Node | undefined)?.range?.[0] === node.range?.[0];
    });
    if (decided)
      return {
        ctx,
        root,
        affixes,
        at: { file: name.file, line: name.range.start.line, character: name.range.start.character },
      };
  }
  return undefined;
}

/** Every placed object, in every cluster, whose name the same transform decided. */
function renamedBy(model: MeshIndex, transform: NameTransform): { resource: Resource; cluster: string }[] {
  const found: { resource: Resource; cluster: string }[] = [];
  for (const file of model.files.values())
    for (const placed of file.placements)
      for (const resource of placed.resources) {
        const name = resource.name;
        if (
          name?.file === transform.at.file &&
          name.range.start.line === transform.at.line &&
          name.range.start.character === transform.at.character
        )
          found.push({ resource, cluster: placed.cluster });
      }
  return found;
}

/** " (also renames Deployment bookinfo/c3-reviews; and in east)" for what the removal changes beyond the split Services. */
function alsoNote(
  alsoRenamed: readonly { resource: Resource; cluster: string }[],
  otherClusters: string[],
): string {
  if (alsoRenamed.length === 0) return '';
  const names = [...new Set(alsoRenamed.map((entry) => describeResource(entry.resource)))];
  const shown = names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
  const where = otherClusters.length > 0 ? `, also in ${listClusters(otherClusters)}` : '';
  return ` (also renames ${shown.join(', ')}${where})`;
}
