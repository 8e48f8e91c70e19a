// `pnpm test`: every package's suite through turbo, the pack check, then one closing line for the repo
// ("N passed, N failed, N skipped"), summed from the JSON each vitest run leaves behind.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const started = Date.now();
// --continue: every suite reports even when one fails. --concurrency=4: on 2 cores, ten suites at
// once starve the real-time ones (media paced at 30 fps, interop peers) of CPU for seconds.
const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=4', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env },
});

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const file = join(root, group, name, 'test-results.json');
    if (!existsSync(file) || statSync(file).mtimeMs < started) continue; // left from an older run
    const result = JSON.parse(readFileSync(file, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + result.numTodoTests;
  }
}
// Then what a user of the published packages gets: pack, install with npm, import, require and
// type-check each one, and check each tarball's manifest, dependencies and source maps.
const pack = spawnSync('node', [join(root, 'scripts', 'check-pack.mjs')], { cwd: root, encoding: 'utf8' });
process.stdout.write(pack.stdout + pack.stderr);
const packCounts = /pack: (\d+) passed, (\d+) failed/.exec(pack.stdout);
passed += Number(packCounts?.[1] ?? 0);
failed += Number(packCounts?.[2] ?? 1);

console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turbo.status || pack.status || (failed ? 1 : 0));
