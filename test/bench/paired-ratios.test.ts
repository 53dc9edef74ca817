import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deal } from '../../bench/deal';
import { median, pairedRatio } from '../../bench/report';

// Issue #18: a ratio in the benchmark's report is the median of the ratios of rounds in which both
// sides were measured one after the other, never a ratio of figures picked separately.

describe('the benchmark’s statistics', () => {
  test('a ratio is the median of each round’s own ratio, not the ratio of the medians or of the best', () => {
    // Round 2 ran on a loaded machine: both sides slow, their ratio still 2.
    const rounds = [
      { a: 400, b: 100 },
      { a: 900, b: 450 },
      { a: 300, b: 150 },
    ];
    const result = pairedRatio(
      rounds,
      (round) => round.a,
      (round) => round.b,
    );
    assert.deepEqual(result.each, [4, 2, 2]);
    assert.equal(result.median, 2);
    // What figures chosen separately would have said: the best of each side (3), the medians' ratio (2.67).
    assert.equal(Math.min(...rounds.map((r) => r.a)) / Math.min(...rounds.map((r) => r.b)), 3);
    assert.equal((median(rounds.map((r) => r.a)) / median(rounds.map((r) => r.b))).toFixed(2), '2.67');
  });

  test('rounds missing a side are left out; no round, no ratio', () => {
    const result = pairedRatio(
      [
        { a: 3, b: undefined },
        { a: 4, b: 2 },
      ],
      (round) => round.a,
      (round) => round.b,
    );
    assert.deepEqual(result.each, [2]);
    assert.ok(
      Number.isNaN(
        pairedRatio(
          [],
          () => 1,
          () => 1,
        ).median,
      ),
    );
  });

  test('the median of an even count is the mean of the middle two', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([5, undefined, 1, Number.NaN, 3]), 3);
  });

  test('the two-thread floor deals files largest first to the lighter share, never splitting a file', () => {
    const files = [
      { path: 'a', bytes: 10 },
      { path: 'b', bytes: 7 },
      { path: 'c', bytes: 5 },
      { path: 'd', bytes: 4 },
      { path: 'e', bytes: 1 },
    ];
    const shares = deal(files, 2);
    assert.deepEqual(shares, [
      ['a', 'd'],
      ['b', 'c', 'e'],
    ]);
    assert.deepEqual(deal([{ path: 'big', bytes: 30 }], 2), [['big'], []]);
  });
});
