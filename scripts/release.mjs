// `pnpm release`: builds the public packages (dropping output whose source is gone), `pnpm test`,
// then `changeset publish`. `pnpm release --dry-run`: the same build, the pack check
// (scripts/check-pack.mjs), `changeset status`, and `pnpm publish --dry-run` in every public package
// (which runs its prepack build, packs with workspace:* rewritten, and asks the registry whether the
// version exists; no login needed). Either exits non-zero at the first failing step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dryRun = process.argv.includes('--dry-run');
const unknown = process.argv.slice(2).filter((a) => a !== '--dry-run');
if (unknown.length) {
  console.error(`release: unknown argument ${unknown.join(' ')} (only --dry-run)`);
  process.exit(2);
}
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };

/** Runs a step with its output shown; stops the release when it fails. */
function step(title, cmd, args, options = {}) {
  console.log(`\nrelease: ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (r.status !== 0) {
    console.error(`release: FAILED: ${title} (${cmd} ${args.join(' ')} exited ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const publicPackages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => p.manifest.private !== true);

/**
 * tsc never deletes the output of a deleted source, and turbo's cache restores it, so dist/ can hold
 * files no source makes any more; a publish would ship them. Removes exactly those (in place: no
 * moment without dist/ for anything running from it).
 */
function pruneStaleOutput() {
  for (const p of publicPackages) {
    const dist = join(p.dir, 'dist');
    if (!existsSync(dist)) continue;
    for (const file of readdirSync(dist, { recursive: true })) {
      const m = /^(.*?)\.(d\.)?(js|mjs|cjs|ts|mts|cts)(\.map)?$/.exec(file);
      if (!m || statSync(join(dist, file)).isDirectory()) continue;
      const base = join(p.dir, 'src', m[1]);
      if (['.ts', '.mts', '.cts', '.tsx'].some((ext) => existsSync(base + ext))) continue;
      rmSync(join(dist, file));
      console.log(`release: removed ${relative(root, join(dist, file))}: its source is gone`);
    }
  }
}

const pendingChangesets = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');

if (!dryRun && pendingChangesets.length) {
  console.error(`release: ${pendingChangesets.length} changesets are pending: run \`pnpm changeset version\`, review and commit, then release`);
  process.exit(1);
}

step('build the public packages', 'pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only',
  ...publicPackages.flatMap((p) => ['--filter', p.manifest.name])]);
pruneStaleOutput();

if (dryRun) {
  step('pack check: install each tarball with npm, import, require, type-check', 'node', [join(root, 'scripts', 'check-pack.mjs')]);
  // Compares against the base branch (config.json); a clone without one compares against HEAD.
  // Right after `changeset version` nothing is pending and the bumps are not committed yet: config's
  // changedFilePatterns leave package.json and CHANGELOG.md out, so status passes then too.
  const hasBase = spawnSync('git', ['rev-parse', '--verify', '--quiet', 'main'], { cwd: root }).status === 0;
  step(`changeset status (${pendingChangesets.length} pending changesets)`, 'pnpm', ['exec', 'changeset', 'status', ...(hasBase ? [] : ['--since', 'HEAD'])]);
  if (!pendingChangesets.length) console.log('release: no pending changesets: the versions in the manifests are what would be published');
  for (const p of publicPackages) {
    // One registry lookup per package (is this version out already?); no retries, so a machine
    // without the registry waits seconds, not minutes, and the dry run still passes there.
    const title = `pnpm publish --dry-run ${p.manifest.name}@${p.manifest.version}`;
    const r = spawnSync('pnpm', ['publish', '--dry-run', '--no-git-checks'], {
      cwd: p.dir,
      encoding: 'utf8',
      env: { ...env, npm_config_fetch_retries: '0' },
    });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0 || !out.includes(`+ ${p.manifest.name}@${p.manifest.version}`)) {
      console.log(`\nrelease: ${title}\n${out.split('\n').slice(-30).join('\n')}`);
      console.error(`release: FAILED: ${title} (exit ${r.status ?? r.signal})`);
      process.exit(1);
    }
    // npm lists every file; the summary is enough here (check-pack looked inside the tarballs).
    const detail = (name) => new RegExp(`npm notice ${name}:\\s*(.+)`).exec(out)?.[1]?.trim();
    console.log(`release: ${title}: ok (${detail('total files')} files, ${detail('package size')}, to ${/Publishing to (\S+)/.exec(out)?.[1] ?? 'the registry'})`);
  }
  console.log(`\nrelease --dry-run: ${publicPackages.length} packages would be published: ${publicPackages.map((p) => `${p.manifest.name}@${p.manifest.version}`).join(', ')}`);
} else {
  step('pnpm test', 'pnpm', ['test']);
  step('changeset publish', 'pnpm', ['exec', 'changeset', 'publish']);
  console.log('\nrelease: published; changeset tagged each published package in git');
}
