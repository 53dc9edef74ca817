import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyseTwice, counts, FULL } from './harness';
import {
  fuzzParameters,
  mutatedExample,
  mutatedRandom,
  noiseWorkspace,
  shapedWorkspace,
  validRandom,
} from './inputs';

// The whole core (parse, model, every check, hover at every position, code lenses, completion,
// navigation, symbols, every fix, fix-all) on generated workspaces. `analyseTwice` asserts that
// nothing throws, that every range lies inside its document, that fixes keep comments and the
// documents they do not target, and that a second run on a fresh workspace answers the same.

const property = (name: string, arbitrary: fc.Arbitrary<Parameters<typeof analyseTwice>[0]>, runs: number) =>
  test(name, () => {
    fc.assert(
      fc.property(arbitrary, (input) => {
        analyseTwice(input, FULL);
      }),
      { ...fuzzParameters(runs), includeErrorInReport: true },
    );
  });

describe('fuzz: every layer of the core', () => {
  property('random bytes and strings as manifests and as the topology file', noiseWorkspace, 100);
  property('Kubernetes-shaped objects whose fields hold values of any type', shapedWorkspace, 80);
  property('the example workspace, mutated', mutatedExample, 10);
  property('random mesh workspaces, mutated', mutatedRandom, 12);
  property('random valid mesh workspaces', validRandom, 12);

  test('exercised every layer', () => {
    // Guards against a generator that silently stops producing interesting input.
    if (process.env.FC_RUNS) console.log(`fuzz counts: ${JSON.stringify(counts)}`);
    for (const [what, count] of Object.entries(counts)) {
      if (count === 0) throw new Error(`the fuzzers never exercised ${what}`);
    }
  });
});
