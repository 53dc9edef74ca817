import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { serverNodeOptions } from '../../shared/src/protocol';
import { repoRoot } from '../helpers/paths';

describe('the node options the server is started with', () => {
  test('one background thread for V8 on two cores, one fewer than the cores up to four, none above', () => {
    const byCores = [1, 2, 3, 4, 5, 8, 64].map((cores) => [cores, serverNodeOptions(cores)]);
    assert.deepEqual(byCores, [
      [1, ['--v8-pool-size=1']],
      [2, ['--v8-pool-size=1']],
      [3, ['--v8-pool-size=2']],
      [4, ['--v8-pool-size=3']],
      [5, []],
      [8, []],
      [64, []],
    ]);
  });

  test('a count node could not report gives one thread, not a malformed option', () => {
    assert.deepEqual(serverNodeOptions(Number.NaN), ['--v8-pool-size=1']);
    assert.deepEqual(serverNodeOptions(0), ['--v8-pool-size=1']);
  });

  test('node starts the built server with them', () => {
    // Whatever this machine's cores, the options of a two-core machine: the ones that are not empty.
    const printed = execFileSync(
      process.execPath,
      [...serverNodeOptions(2), join(repoRoot, 'dist', 'server.js'), '--version'],
      { encoding: 'utf8' },
    );
    assert.match(printed, /^\d+\.\d+\.\d+/);
  });
});
