// Packs every package the way `npm publish` would, installs the tarballs into a scratch project with
// plain npm, and imports each one from plain node: what a user of a published @x package gets.
// Prints one line per package and exits non-zero if any import fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'x-pack-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

const packages = readdirSync(join(root, 'packages')).map((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  return { dir: join(root, 'packages', dir), name: manifest.name };
});

let failed = 0;
try {
  // pnpm pack rewrites workspace:* ranges into real versions, as publishing does.
  const tarballs = packages.map((p) => {
    const out = run('pnpm', ['pack', '--pack-destination', scratch], p.dir).trim().split('\n');
    return join(scratch, out[out.length - 1].split('/').pop());
  });
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], scratch);
  for (const p of packages) {
    try {
      const keys = run('node', ['--input-type=module', '-e', `import * as m from '${p.name}'; console.log(Object.keys(m).length)`], scratch);
      console.log(`pack: ${p.name} imports from plain node (${keys.trim()} exports)`);
    } catch (error) {
      failed++;
      console.log(`pack: ${p.name} FAILED to import: ${String(error.stderr || error.message).split('\n').slice(0, 3).join(' ')}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`pack: ${packages.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
