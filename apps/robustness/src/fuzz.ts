/**
 * `pnpm --filter @x/robustness fuzz` (the root's `pnpm fuzz`): every package's fuzz tests
 * (test/*fuzz*.test.ts) with a large run count and a random seed, printed first. The runs go in
 * rounds of at most 10,000 per property, round i with seed + i: one long synchronous property
 * would block vitest's worker past its RPC timeout. A failing round is replayed with the
 * `FUZZ_SEED=… FUZZ_RUNS=…` it prints, in that package: `FUZZ_SEED=… FUZZ_RUNS=… npx vitest run fuzz`.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROUND = 10_000;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const seed = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : randomInt(0, 2 ** 31 - 1 - 1000);
const runs = process.env['FUZZ_RUNS'] !== undefined ? Number(process.env['FUZZ_RUNS']) : 20_000;
console.log(`fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);

const failed: string[] = [];
for (const pkg of readdirSync(`${root}packages`).sort()) {
  const dir = `${root}packages/${pkg}`;
  let tests: string[];
  try {
    tests = readdirSync(`${dir}/test`).filter((f) => /fuzz.*\.test\.ts$/.test(f));
  } catch {
    continue;
  }
  if (tests.length === 0) continue;
  for (let round = 0, left = runs; left > 0; round++, left -= ROUND) {
    const env = { FUZZ_SEED: String(seed + round), FUZZ_RUNS: String(Math.min(ROUND, left)) };
    console.log(`\n== @x/${pkg} (${tests.join(', ')}): FUZZ_SEED=${env.FUZZ_SEED} FUZZ_RUNS=${env.FUZZ_RUNS}`);
    const r = spawnSync('npx', ['vitest', 'run', '--testTimeout=3600000', ...tests.map((t) => `test/${t}`)], {
      cwd: dir,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    if (r.status !== 0) failed.push(`@x/${pkg} with FUZZ_SEED=${env.FUZZ_SEED} FUZZ_RUNS=${env.FUZZ_RUNS}`);
  }
}
console.log(`\nfuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}: ${failed.length === 0 ? 'all passed' : `failed: ${failed.join('; ')}`}`);
process.exit(failed.length === 0 ? 0 : 1);
