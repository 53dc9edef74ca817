import { textAt } from './tree';
import type { Working } from './working';

const NAME = ['metadata', 'name'];

/**
 * The objects one kustomization patches, by every name each has had: a strategic-merge patch
 * without a target names the object it patches, and matching each such patch against every object
 * the kustomization gathered (a namespace's dozens, a cluster's thousand) was most of the time spent
 * on patches. It only narrows the search: whoever asks still checks each object's whole id.
 *
 * Made when first asked, from the objects as they are then; each patch applied after that tells it
 * which objects it changed (`update`): a patch may rename what it patches, and nothing else renames
 * objects while a kustomization's patches are applied.
 */
export class ObjectsByName {
  private byName: Map<string, Working[]> | undefined;
  private readonly position = new Map<Working, number>();

  /** Indexes an object under its current name too, after a patch changed it. */
  update(working: Working): void {
    if (!this.byName) return;
    this.add(this.byName, textAt(working.node, NAME) ?? '', working);
    for (const id of working.previous) this.add(this.byName, id.name, working);
  }

  /** The objects of `objects` that have or had the name, in their order there. */
  named(name: string, objects: readonly Working[]): Working[] {
    if (!this.byName) this.index(objects);
    const found = (this.byName?.get(name) ?? []).filter((working) => objects.includes(working));
    return found.length < 2
      ? found
      : found.sort((a, b) => (this.position.get(a) ?? 0) - (this.position.get(b) ?? 0));
  }

  private index(objects: readonly Working[]): void {
    this.byName = new Map();
    objects.forEach((working, position) => {
      this.position.set(working, position);
      this.update(working);
    });
  }

  private add(byName: Map<string, Working[]>, name: string, working: Working): void {
    const list = byName.get(name);
    if (!list) byName.set(name, [working]);
    else if (!list.includes(working)) list.push(working);
  }
}
