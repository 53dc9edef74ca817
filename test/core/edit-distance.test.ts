import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { boundedEditDistance, editDistance } from '../../shared/src/util/edit-distance';

// The bounded distance computes a band of the table in two reused rows; a whole table, made anew for
// each pair, is the reference it must agree with.

function reference(a: string, b: string): number {
  const table = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      (table[i] as number[])[j] = Math.min(
        ((table[i - 1] as number[])[j] as number) + 1,
        ((table[i] as number[])[j - 1] as number) + 1,
        ((table[i - 1] as number[])[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return (table[a.length] as number[])[b.length] as number;
}

const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '.', '-', 'é'), maxLength: 14 });

test('edit distance: equal to the whole table, bounded or not, whatever the order of calls', () => {
  fc.assert(
    fc.property(word, word, fc.nat(6), (a, b, limit) => {
      const distance = reference(a, b);
      assert.equal(editDistance(a, b), distance);
      assert.equal(boundedEditDistance(a, b, limit), Math.min(distance, limit + 1));
    }),
    { seed: 20261204, numRuns: 3000 },
  );
});

test('edit distance: a long name after short ones, and near misses of hostnames', () => {
  const long = 'x'.repeat(300);
  assert.equal(editDistance(long, `${long}y`), 1);
  assert.equal(boundedEditDistance('reviews.bookinfo.mesh.internal', 'reveiws.bookinfo.mesh.internal', 3), 2);
  assert.equal(boundedEditDistance('reviews.bookinfo.mesh.internal', 'ratings.bookinfo.mesh.internal', 3), 4);
  assert.equal(boundedEditDistance('', 'abc', 5), 3);
  assert.equal(boundedEditDistance('abc', '', 1), 2);
});
