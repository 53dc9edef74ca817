import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { MeshLens } from '../../shared/src';
import { exampleWorkspace } from '../helpers/paths';

// The editor must not contradict itself: above a hostname, the code lens says where it goes; a
// diagnostic on the same hostname that says it resolves to nothing must be met by a lens that says so.

/** Findings whose message says the hostname resolves to nothing: the lens must agree. */
const RESOLVES_TO_NOTHING = new Set(['MESH120', 'MESH121', 'MESH122', 'MESH140']);

function exampleHost(): MeshLens {
  const files: [string, string][] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name))
        files.push([relative(exampleWorkspace, full).split(sep).join('/'), readFileSync(full, 'utf8')]);
    }
  };
  walk(exampleWorkspace);
  const host = new MeshLens();
  host.applyChange({ set: files });
  return host;
}

test('on every reference of the example, the lens and the diagnostics agree', () => {
  const snapshot = exampleHost().snapshot();
  let compared = 0;
  for (const reference of snapshot.model.references) {
    const file = reference.resource.source.path;
    const start = reference.host.range.start;
    const lens = snapshot
      .codeLenses(file)
      .find(
        (candidate) =>
          candidate.range.start.line === start.line && candidate.range.start.character === start.character,
      );
    if (reference.role === 'parentRef') {
      assert.equal(lens, undefined, `no reach lens on the parentRef ${reference.host.value} in ${file}`);
      continue;
    }
    const nothing = snapshot
      .findingsOf([file])
      .get(file)
      ?.some(
        (finding) =>
          RESOLVES_TO_NOTHING.has(finding.code) &&
          finding.severity === 'error' &&
          finding.range.start.line === start.line &&
          finding.range.start.character === start.character,
      );
    if (!lens) continue;
    compared++;
    if (nothing)
      assert.match(lens.title, /resolves to nothing/, `${reference.host.value} in ${file}: ${lens.title}`);
    else assert.doesNotMatch(lens.title, /resolves to nothing/, `${reference.host.value} in ${file}`);
  }
  assert.ok(compared >= 3, `compared ${compared} references`);
});
