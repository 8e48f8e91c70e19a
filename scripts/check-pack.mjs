// What a user of a published @x package gets. Packs every public workspace package the way publishing
// does (pnpm pack rewrites workspace:* ranges), installs the tarballs with plain npm into a blank
// project outside the workspace, and counts, per package:
//   esm, cjs            a script that imports / require()s it and uses a real export (pack-consumers.mjs)
//   tsc node16|nodenext|bundler   a consumer .ts type-checks under that moduleResolution (nodenext also
//                       a .cts that require()s it, and the declarations themselves), with the workspace's tsc
//   manifest            no workspace: range, no dependency on a private workspace package, every
//                       entry point (main, types, exports, bin) is in the tarball
//   dependencies        every runtime dependency is imported by dist/, and dist/ imports nothing undeclared
//   source maps         every map's sources, and every sourceMappingURL, resolve inside the tarball;
//                       every dist/ file's source is in it
// It packs dist/ as built (prepack is skipped to stay fast: `pnpm test` and `pnpm release` build first).
// Prints one line per package, one per failed check with its reason, and last `pack: N passed, N failed`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumers } from './pack-consumers.mjs';

const root = new URL('..', import.meta.url).pathname;
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// Only nodenext checks the declaration files themselves (skipLibCheck off): that doubles tsc's time,
// mostly in @types/node, and what depends on the mode still shows up in the consumer files (an
// import that resolves to `any` leaves their @ts-expect-error unused).
const modes = {
  node16: { module: 'node16', moduleResolution: 'node16', skipLibCheck: true },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false },
  bundler: { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true },
};
const checkNames = ['esm', 'cjs', ...Object.keys(modes).map((m) => `tsc ${m}`), 'manifest', 'dependencies', 'source maps'];

/** Runs a command; resolves to { ok, out } (stdout and stderr together), never rejects. */
function run(cmd, args, cwd, timeout = 120_000) {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, maxBuffer: 64 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ ok: !error, out: `${stdout}${stderr}`, error });
    });
  });
}

/** Runs jobs two at a time: the machine has two cores, shared. */
async function pool(jobs, width = 2) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

function workspacePackages() {
  const globs = [...readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(/^\s*-\s*["']?([^"'\s]+)\/\*["']?\s*$/gm)];
  const all = [];
  for (const [, group] of globs) {
    for (const dir of readdirSync(join(root, group))) {
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, group, dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      all.push({ dir: join(root, group, dir), name: manifest.name, private: manifest.private === true });
    }
  }
  return all;
}

const firstLines = (text, n = 3) => String(text).trim().split('\n').filter(Boolean).slice(0, n).join(' | ');
const depFields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

export function checkManifest(manifest, files, privateNames) {
  const problems = [];
  for (const field of depFields) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${dep} is ${range}`);
      if (privateNames.has(dep)) problems.push(`${field} names the private workspace package ${dep}`);
    }
  }
  if (JSON.stringify(manifest).includes('workspace:') && problems.length === 0) problems.push('a workspace: range is left in the manifest');
  const entries = [manifest.main, manifest.types, manifest.module];
  const walk = (v) => (typeof v === 'string' ? entries.push(v) : v && typeof v === 'object' && Object.values(v).forEach(walk));
  walk(manifest.exports);
  walk(manifest.bin);
  for (const entry of entries.filter(Boolean)) {
    if (!files.has(posix.normalize(entry))) problems.push(`entry point ${entry} is not in the tarball`);
  }
  return problems;
}

/** Bare specifiers imported by one .js or .d.ts file, comments stripped (TSDoc examples are not imports). */
export function importedPackages(code) {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
  const found = new Set();
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) {
    for (const [, spec] of text.matchAll(re)) {
      if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
      const parts = spec.split('/');
      found.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return found;
}

export function checkDependencies(manifest, unpacked, files) {
  const used = new Map(); // package -> first file importing it
  for (const file of files) {
    if (!file.startsWith('dist/') || !/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file)) continue;
    for (const name of importedPackages(readFileSync(join(unpacked, file), 'utf8'))) if (!used.has(name)) used.set(name, file);
  }
  const problems = [];
  const declared = new Set(['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((f) => Object.keys(manifest[f] ?? {})));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (!used.has(dep)) problems.push(`dependency ${dep} is not imported anywhere in dist/`);
  }
  for (const [name, file] of used) {
    if (name !== manifest.name && !declared.has(name)) problems.push(`${file} imports ${name}, which is not in dependencies`);
  }
  return problems;
}

/** `workspaceDir`: where a missing source is looked for, to tell stale build output from a bad map. */
export function checkSourceMaps(unpacked, files, workspaceDir) {
  const problems = [];
  let stale = false;
  const shipsSources = [...files].some((f) => f.startsWith('src/'));
  for (const file of files) {
    const dir = posix.dirname(file);
    if (file.endsWith('.map')) {
      let map;
      try {
        map = JSON.parse(readFileSync(join(unpacked, file), 'utf8'));
      } catch (error) {
        problems.push(`${file} is not JSON (${error.message})`);
        continue;
      }
      for (const source of map.sources ?? []) {
        const target = posix.normalize(posix.join(dir, map.sourceRoot ?? '', source));
        if (files.has(target)) continue;
        problems.push(`${file} points at ${target}, not in the tarball`);
        stale ||= !existsSync(join(workspaceDir, target));
      }
    } else if (/\.(js|d\.ts)$/.test(file)) {
      const source = `src/${/^dist\/(.*?)\.(d\.ts|js)$/.exec(file)?.[1]}.ts`;
      if (file.startsWith('dist/') && shipsSources && !files.has(source)) {
        problems.push(`${file} has no ${source} in the tarball`);
        stale ||= !existsSync(join(workspaceDir, source));
      }
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(unpacked, file), 'utf8'))?.[1];
      if (url && !url.startsWith('data:') && !files.has(posix.normalize(posix.join(dir, url)))) {
        problems.push(`${file} names ${url}, not in the tarball`);
      }
    }
  }
  const shown = problems.slice(0, 3).concat(problems.length > 3 ? [`and ${problems.length - 3} more`] : []);
  // tsc never deletes the output of a deleted source, and turbo's cache brings it back; prepack's
  // build on publish would ship it too.
  const dir = relative(root, workspaceDir);
  if (stale) shown.push(`stale build output of a deleted source in ${dir}/dist: \`pnpm release --dry-run\` removes it`);
  return shown;
}

const shortName = (name) => name.replace(/^@[^/]+\//, '');

function writeConsumers(project, packages) {
  for (const dir of ['esm', 'cjs', 'ts']) mkdirSync(join(project, dir));
  const wrapJs = (body) =>
    `const check = (ok, what) => { if (!ok) throw new Error('check failed: ' + what); };\n` +
    `(async () => {${body}\n})().then(() => console.log('ok'), (error) => { console.error(error); process.exitCode = 1; });\n`;
  for (const p of packages) {
    const c = consumers[p.name];
    if (!c) continue;
    const short = shortName(p.name);
    writeFileSync(join(project, 'esm', `${short}.mjs`), `import { ${c.imports.join(', ')} } from '${p.name}';\n${wrapJs(c.js)}`);
    writeFileSync(join(project, 'cjs', `${short}.cjs`), `const { ${c.imports.join(', ')} } = require('${p.name}');\n${wrapJs(c.js)}`);
    const names = [...c.imports, ...(c.types ?? []).map((t) => `type ${t}`)].join(', ');
    const ts = `import { ${names} } from '${p.name}';\n\nexport async function main(): Promise<void> {${c.ts}\n}\n`;
    writeFileSync(join(project, 'ts', `${short}.ts`), ts);
    writeFileSync(join(project, 'ts', `${short}.cts`), ts);
  }
  for (const [mode, options] of Object.entries(modes)) {
    const include = mode === 'nodenext' ? ['ts/*.ts', 'ts/*.cts'] : ['ts/*.ts'];
    const compilerOptions = { ...options, target: 'ES2022', strict: true, noEmit: true, types: ['node'] };
    writeFileSync(join(project, `tsconfig.${mode}.json`), JSON.stringify({ compilerOptions, include }, null, 2));
  }
}

/** tsc's errors by package: in its consumer file or in its own declarations; others count for all. */
export function tscFailures(out, packages) {
  const byPackage = new Map();
  const blame = (name, line) => byPackage.set(name, [...(byPackage.get(name) ?? []), line]);
  for (const line of out.split('\n')) {
    const m = /^(\S.*?)\(\d+,\d+\): error (TS\d+: .*)$/.exec(line) ?? /^(\S.*?): error (TS\d+: .*)$/.exec(line) ?? /^error (TS\d+: .*)$/.exec(line);
    if (!m) continue;
    const file = m[2] ? m[1] : '';
    const owner =
      /node_modules\/(@x\/[^/]+)\//.exec(file)?.[1] ??
      packages.find((p) => file === `ts/${shortName(p.name)}.ts` || file === `ts/${shortName(p.name)}.cts`)?.name;
    const text = `${file ? `${file}: ` : ''}${m[2] ?? m[1]}`;
    if (owner) blame(owner, text);
    else for (const p of packages) blame(p.name, text);
  }
  return byPackage;
}

async function main() {
  const all = workspacePackages();
  const privateNames = new Set(all.filter((p) => p.private).map((p) => p.name));
  const packages = all.filter((p) => !p.private).sort((a, b) => a.name.localeCompare(b.name));
  /** @type {Map<string, Map<string, string[]>>} package -> check -> problems ([] = passed) */
  const results = new Map(packages.map((p) => [p.name, new Map()]));
  const record = (name, check, problems) => results.get(name).set(check, problems);

  const scratch = mkdtempSync(join(tmpdir(), 'x-pack-')); // outside the workspace: no parent node_modules
  try {
    const tarballs = join(scratch, 'tarballs');
    const filters = packages.flatMap((p) => ['--filter', p.name]);
    const packed = await run('pnpm', ['-r', ...filters, '--config.ignore-scripts=true', 'pack', '--pack-destination', tarballs, '--json'], root);
    if (!packed.ok) throw new Error(`pnpm pack failed: ${firstLines(packed.out, 5)}`);
    const jsonStart = packed.out.indexOf('[');
    const packs = new Map(JSON.parse(packed.out.slice(jsonStart, packed.out.lastIndexOf(']') + 1)).map((t) => [t.name, t]));

    // The tarballs' own contents, for the manifest, dependency and source map checks.
    for (const p of packages) {
      const tarball = packs.get(p.name)?.filename;
      if (!tarball) throw new Error(`pnpm pack made no tarball for ${p.name}`);
      const unpacked = join(scratch, 'unpacked', shortName(p.name));
      mkdirSync(unpacked, { recursive: true });
      const untar = await run('tar', ['-xzf', tarball, '-C', unpacked], scratch);
      if (!untar.ok) throw new Error(`tar -x ${tarball}: ${firstLines(untar.out)}`);
      const base = join(unpacked, 'package');
      const files = new Set(readdirSync(base, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
        .map((e) => posix.relative(base, posix.join(e.parentPath ?? e.path, e.name))));
      const manifest = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8'));
      record(p.name, 'manifest', checkManifest(manifest, files, privateNames));
      record(p.name, 'dependencies', checkDependencies(manifest, base, files));
      record(p.name, 'source maps', checkSourceMaps(base, files, p.dir));
    }

    // A blank project, as a user has: the tarballs and @types/node from the registry (or npm's cache).
    const project = join(scratch, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
      ...packages.map((p) => packs.get(p.name).filename), '@types/node@^20.19.0'], project, 300_000);
    if (!install.ok) throw new Error(`npm install of the tarballs failed: ${firstLines(install.out, 5)}`);
    writeConsumers(project, packages);

    const jobs = [];
    for (const [mode] of Object.entries(modes)) {
      jobs.push(async () => {
        const r = await run(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`, '--pretty', 'false'], project);
        const failures = tscFailures(r.out, packages);
        for (const p of packages) {
          const problems = failures.get(p.name) ?? [];
          if (!r.ok && failures.size === 0) problems.push(`tsc exit: ${firstLines(r.out)}`);
          record(p.name, `tsc ${mode}`, problems);
        }
      });
    }
    for (const p of packages) {
      for (const [check, file] of [['esm', `esm/${shortName(p.name)}.mjs`], ['cjs', `cjs/${shortName(p.name)}.cjs`]]) {
        jobs.push(async () => {
          if (!consumers[p.name]) return record(p.name, check, ['no consumer in scripts/pack-consumers.mjs']);
          const r = await run(process.execPath, ['--no-warnings', file], project, 30_000);
          const why = r.error?.killed ? 'did not exit within 30 s' : firstLines(r.out.split('\n').filter((l) => !/^\s+at /.test(l)).join('\n'));
          record(p.name, check, r.ok && r.out.split('\n').includes('ok') ? [] : [why]);
        });
      }
    }
    await pool(jobs);
  } catch (error) {
    console.log(`pack: ${error.message}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  let passed = 0;
  let failed = 0;
  for (const p of packages) {
    const checks = results.get(p.name);
    const bad = checkNames.filter((c) => (checks.get(c) ?? ['not run']).length > 0);
    passed += checkNames.length - bad.length;
    failed += bad.length;
    console.log(`pack: ${p.name}: ${checkNames.length - bad.length} of ${checkNames.length} checks pass${bad.length ? `, FAILED: ${bad.join(', ')}` : ''}`);
    for (const c of bad) console.log(`pack:   ${p.name} ${c}: ${(checks.get(c) ?? ['not run (see above)']).join('; ')}`);
  }
  console.log(`pack: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
