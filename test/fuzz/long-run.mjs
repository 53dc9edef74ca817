// `npm run fuzz`: the fuzz suite (out/test/fuzz, built by `npm run build`) with more runs and a new
// seed each time. FC_RUNS sets the runs per property (default 1000), FC_SEED replays a seed.
// A failure prints the seed, the shrunk counterexample and the error; keep the counterexample as a
// test in test/fuzz/regressions.test.ts once the bug is fixed.
import { spawnSync } from 'node:child_process';

const seed = process.env.FC_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = process.env.FC_RUNS ?? '1000';
console.log(`mesh-lens fuzz: FC_SEED=${seed} FC_RUNS=${runs}`);
const result = spawnSync(process.execPath, ['--test', 'out/test/fuzz/'], {
  stdio: 'inherit',
  env: { ...process.env, FC_SEED: seed, FC_RUNS: runs },
});
console.log(
  `mesh-lens fuzz: ${result.status === 0 ? 'passed' : 'FAILED'} with FC_SEED=${seed} FC_RUNS=${runs}`,
);
process.exit(result.status ?? 1);
