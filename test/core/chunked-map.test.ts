import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChunkedMap } from '../../shared/src/util/chunked-map';

// A chunked map is read like a plain Map and copied with changes; a plain Map changed in place is
// the reference. Keys here are `cluster/label`, chunked by label as the model's label index is.

const byLabel = (key: string) => key.slice(key.indexOf('/'));
const key = fc
  .tuple(fc.constantFrom('c1', 'c2', 'c3', 'c4'), fc.integer({ min: 0, max: 300 }))
  .map(([cluster, label]) => `${cluster}/app=${label}`);
const changes = fc.array(fc.tuple(key, fc.option(fc.nat(), { nil: undefined })), { maxLength: 40 });

function contents<V>(map: ChunkedMap<V>): [string, V][] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

test('chunked map: agrees with a Map through copies with changes, whatever decides the chunks', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(key, fc.nat()), { maxLength: 400 }),
      fc.array(changes, { maxLength: 6 }),
      fc.boolean(),
      (initial, edits, chunkedByLabel) => {
        const reference = new Map(initial);
        let map = chunkedByLabel ? ChunkedMap.of(reference, byLabel) : ChunkedMap.of(reference);
        for (const edit of edits) {
          const change = new Map(edit);
          map = map.with(change);
          for (const [k, value] of change)
            value === undefined ? reference.delete(k) : reference.set(k, value);
          assert.equal(map.size, reference.size);
          for (const [k, value] of reference) assert.equal(map.get(k), value);
          assert.deepEqual(
            contents(map),
            [...reference].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          );
        }
      },
    ),
  );
});

test('chunked map: the keys of one label in every cluster sit in one chunk, and a copy changing them shares the rest', () => {
  const entries = Array.from(
    { length: 4 * 300 },
    (_, index) => [`c${index % 4}/app=${Math.floor(index / 4)}`, index] as const,
  );
  const map = ChunkedMap.of(entries, byLabel);
  const everyCluster = new Map(['c0', 'c1', 'c2', 'c3'].map((cluster) => [`${cluster}/app=7`, -1]));
  const changed = map.with(everyCluster);
  const differing = Array.from({ length: map.chunkCount }, (_, index) => index).filter(
    (index) => changed.chunk(index) !== map.chunk(index),
  );
  assert.equal(differing.length, 1);
  for (const key of everyCluster.keys()) assert.equal(changed.get(key), -1);
  // Chunked by whole key, the same change copies a chunk per cluster (most likely four of them).
  const byWholeKey = ChunkedMap.of(entries);
  const copiedByWholeKey = byWholeKey.with(everyCluster);
  const differingByWholeKey = Array.from({ length: byWholeKey.chunkCount }, (_, index) => index).filter(
    (index) => copiedByWholeKey.chunk(index) !== byWholeKey.chunk(index),
  );
  assert.ok(differingByWholeKey.length > 1);
});
