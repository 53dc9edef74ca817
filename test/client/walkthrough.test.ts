import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths';

// The walkthrough (package.json contributes.walkthroughs) names files, commands and views: a rename
// must not leave a step pointing at nothing, which VS Code shows as an empty page or a dead link.

interface Step {
  id: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const commands = new Set<string>(contributes.commands.map((entry: { command: string }) => entry.command));
const views = new Set<string>(
  Object.values(contributes.views as Record<string, { id: string }[]>).flatMap((list) =>
    list.map((view) => view.id),
  ),
);

test('every walkthrough step has its markdown, and its links and completion events name what exists', () => {
  const [walkthrough] = contributes.walkthroughs as { steps: Step[] }[];
  assert.deepEqual(
    walkthrough?.steps.map((step) => step.id),
    ['openExample', 'seeWarning', 'applyFix', 'openMap'],
  );
  for (const step of walkthrough?.steps ?? []) {
    const media = step.media.markdown ?? '';
    assert.ok(existsSync(join(repoRoot, media)), `${step.id}: ${media} exists`);
    assert.ok(step.completionEvents.length > 0, `${step.id} can complete`);
    for (const event of step.completionEvents) {
      const [kind, name = ''] = event.split(':');
      if (kind === 'onCommand') assert.ok(commands.has(name), `${step.id}: command ${name}`);
      else if (kind === 'onView') assert.ok(views.has(name), `${step.id}: view ${name}`);
      else assert.fail(`${step.id}: unexpected completion event ${event}`);
    }
    for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
      const known = commands.has(command ?? '') || views.has((command ?? '').replace(/\.focus$/, ''));
      assert.ok(known, `${step.id}: link to ${command}`);
    }
  }
  // The first step opens the example the extension ships.
  assert.ok(manifest.files.includes('examples/bookinfo-multicluster/**'));
});
