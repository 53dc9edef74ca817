import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Range, Snapshot } from '../../shared/src';
import { exampleHost } from '../helpers/example-host';
import { exampleWorkspace, kustomizeExample } from '../helpers/paths';

// The editor must not contradict itself: above a hostname the code lens says where it goes, the hover
// on it says the same in more words, and a diagnostic that says it resolves to nothing is met by a
// lens and a hover that say so. Checked on every reference and Service of the bundled examples.

/** Findings whose message says the hostname resolves to nothing: the lens and the hover must agree. */
const RESOLVES_TO_NOTHING = new Set(['MESH120', 'MESH121', 'MESH122', 'MESH140']);

const EXAMPLES = [
  ['bookinfo-multicluster', exampleWorkspace],
  ['kustomize-multicluster', kustomizeExample],
] as const;

const at = (range: Range, other: Range) =>
  range.start.line === other.start.line && range.start.character === other.start.character;

const linkTo = (file: string) => file;

function hoverAt(snapshot: Snapshot, file: string, range: Range): string {
  return snapshot.hover(file, range.start, linkTo)?.markdown ?? '';
}

/** The hover table's rows: the cluster (its link's text) and each cell. */
function tableRows(markdown: string): { cluster: string; cells: string[] }[] {
  return markdown
    .split('\n')
    .filter((line) => /^\| \[/.test(line))
    .map((line) => {
      const cells = line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, ''));
      return { cluster: /^\[([^\]]+)\]/.exec(cells[0] ?? '')?.[1] ?? '', cells };
    });
}

function checkReferences(snapshot: Snapshot): number {
  let compared = 0;
  for (const reference of snapshot.model.references) {
    const file = reference.resource.source.path;
    const where = `${reference.host.value} in ${file}`;
    const lens = snapshot.codeLenses(file).find((candidate) => at(candidate.range, reference.host.range));
    if (reference.role === 'parentRef') {
      assert.equal(lens, undefined, `no reach lens on the parentRef ${where}`);
      continue;
    }
    if (!lens) continue;
    compared++;
    const hover = hoverAt(snapshot, file, reference.host.range);
    const nothing = snapshot
      .findingsOf([file])
      .get(file)
      ?.some(
        (finding) =>
          RESOLVES_TO_NOTHING.has(finding.code) &&
          finding.severity === 'error' &&
          at(finding.range, reference.host.range),
      );
    if (nothing) {
      assert.match(lens.title, /resolves to nothing/, `${where}: ${lens.title}`);
      assert.match(hover, /Resolves to nothing/, `${where}: ${hover}`);
      continue;
    }
    assert.doesNotMatch(lens.title, /resolves to nothing/, where);
    assert.doesNotMatch(hover, /Resolves to nothing/, where);
    // The lens's summary is the hover's, word for word, and the table marks the same clusters chosen.
    assert.ok(hover.includes(`: ${lens.title}`), `${where}: the hover says "${lens.title}"\n${hover}`);
    const summary = /^→ \d+ endpoints? in (.+) \(\w+\)$/.exec(lens.title);
    const chosen = tableRows(hover)
      .filter((row) => row.cells[4]?.startsWith('**yes**: chosen'))
      .map((row) => row.cluster);
    assert.deepEqual(chosen, summary?.[1]?.split(', ') ?? [], `${where}: chosen clusters in the table`);
  }
  return compared;
}

function checkServices(snapshot: Snapshot): number {
  let compared = 0;
  for (const instance of snapshot.model.services) {
    const range = instance.resource.name?.range;
    const file = instance.resource.source.path;
    const lens = range && snapshot.codeLenses(file).find((candidate) => at(candidate.range, range));
    if (!range || !lens) continue;
    compared++;
    const hover = hoverAt(snapshot, file, range);
    const where = `${instance.namespace}/${instance.name} in ${instance.cluster}: ${lens.title}`;
    const placed = /^placed in (\d+) clusters · (?:exported in ([^·]+) · )?/.exec(lens.title);
    if (placed) {
      // A document placed in several clusters: the hover's placements table names the same ones.
      assert.ok(hover.includes(`**Placed in ${placed[1]} clusters**`), `${where}\n${hover}`);
      const exported = [...hover.matchAll(/^\| (\S+) \| \S+ \| yes \|/gm)].map((match) => match[1]);
      assert.deepEqual(exported, placed[2]?.trim().split(', ') ?? [], `${where}: exporting clusters`);
      continue;
    }
    const counts = / · (\d+) of (\d+) clusters? exports? · /.exec(lens.title);
    if (!counts) continue;
    const rows = tableRows(hover);
    assert.equal(rows.length, Number(counts[2]), `${where}: clusters in the hover table`);
    assert.equal(
      rows.filter((row) => row.cells[1] === 'yes').length,
      Number(counts[1]),
      `${where}: exporting clusters in the hover table`,
    );
  }
  return compared;
}

describe('lens, hover and diagnostics agree', () => {
  for (const [name, root] of EXAMPLES) {
    test(`on every reference and Service of examples/${name}`, () => {
      const snapshot = exampleHost(root).snapshot();
      const references = checkReferences(snapshot);
      const services = checkServices(snapshot);
      assert.ok(references >= 1, `compared ${references} references`);
      assert.ok(services >= 1, `compared ${services} Services`);
    });
  }
});
