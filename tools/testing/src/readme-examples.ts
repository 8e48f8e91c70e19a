// A package README's TypeScript examples, type-checked and run as a user would run them (the
// vitest side is readme-test.ts). Convention: every ```ts block of README.md is an example that
// type-checks and runs. On the last non-blank line before its fence, `<!-- example: skip -->` marks
// a fragment not meant to stand alone (neither checked nor run), and `<!-- example: typecheck-only -->`
// a whole program that needs what a test cannot start (a TURN server): checked, not run. The first
// ```ts block is the package's main example and must run.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The marker, on the last non-blank line before a ```ts fence, of a fragment: neither checked nor run. */
export const skipMarker = '<!-- example: skip -->';
/** The marker of a block that is type-checked but not run. */
export const typecheckOnlyMarker = '<!-- example: typecheck-only -->';

/** What the test does with a block: check and run it, only check it, or leave it. */
export type ExampleMode = 'run' | 'typecheck' | 'skip';

/** One ```ts block of a README. */
export interface ReadmeExample {
  /** 1-based number among the README's ```ts blocks. */
  block: number;
  /** 1-based README line of the opening fence; line n of `code` is README line `fence + n`. */
  fence: number;
  code: string;
  /** `skip` with {@link skipMarker}, `typecheck` with {@link typecheckOnlyMarker}, else `run`. */
  mode: ExampleMode;
}

/** The ```ts blocks of a Markdown text, in order. */
export function readmeExamples(markdown: string): ReadmeExample[] {
  const lines = markdown.split(/\r?\n/);
  const out: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+)\s*(ts|typescript)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === open[2]);
    if (end < 0) throw new Error(`README line ${i + 1}: unclosed \`\`\`ts block`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? lines[before]!.trim() : '';
    out.push({
      block: out.length + 1,
      fence: i + 1,
      code: lines.slice(i + 1, end).join('\n'),
      mode: marker === skipMarker ? 'skip' : marker === typecheckOnlyMarker ? 'typecheck' : 'run',
    });
    i = end;
  }
  return out;
}

/** Type errors per block, each as `README.md:line:col TSnnnn message`. */
export type ReadmeDiagnostics = Map<number, string[]>;

/**
 * Writes each given block as `block-<n>.ts` into `dir` (a directory inside the package, so
 * `@x/<name>` resolves to the package itself and its dependencies through the workspace, as for a
 * user who installed it), type-checks them all in one program under the repo's tsconfig.base.json,
 * and emits `block-<n>.js` beside each (with source maps, so stack traces name the .ts line).
 */
export function compileReadme(dir: string, readmeName: string, examples: ReadmeExample[], tsconfigBase: string): ReadmeDiagnostics {
  const read = ts.readConfigFile(tsconfigBase, (f) => ts.sys.readFile(f));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfigBase));
  const options: ts.CompilerOptions = {
    ...parsed.options,
    rootDir: dir,
    outDir: dir,
    noEmit: false,
    noEmitOnError: false,
    declaration: false,
    declarationMap: false,
    sourceMap: true,
  };
  const files = new Map<string, ReadmeExample>();
  for (const ex of examples) {
    const file = join(dir, `block-${ex.block}.ts`);
    // `export {}` keeps a block without imports a module, so blocks do not share globals.
    writeFileSync(file, `${ex.code}\nexport {};\n`);
    files.set(file, ex);
  }
  const program = ts.createProgram([...files.keys()], options);
  const diagnostics: ReadmeDiagnostics = new Map();
  const emitted = program.emit();
  for (const d of [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const ex = d.file ? files.get(d.file.fileName) : undefined;
    if (!d.file || !ex) {
      // Not in a block (a broken package .d.ts, a bad option): every block fails with it.
      const where = d.file ? `${d.file.fileName}: ` : '';
      for (const e of files.values()) (diagnostics.get(e.block) ?? diagnostics.set(e.block, []).get(e.block)!).push(`${where}TS${d.code} ${text}`);
      continue;
    }
    const at = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const list = diagnostics.get(ex.block) ?? diagnostics.set(ex.block, []).get(ex.block)!;
    list.push(`${readmeName}:${ex.fence + at.line + 1}:${at.character + 1} TS${d.code} ${text}`);
  }
  return diagnostics;
}

/** What a block did when run. */
export interface ExampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

// Preloaded into every run: a datagram or connection to an address that is not loopback is an
// error. Adapters may swallow the throw, so the process is also marked failed.
const loopbackGuard = `
import dgram from 'node:dgram';
import net from 'node:net';
const ok = (a) => a === undefined || a === null || a === 'localhost' || a === '::1' || /^127\\./.test(a) || /^::ffff:127\\./.test(a);
const refuse = (a) => {
  const e = new Error('README example: ' + a + ' is not a loopback address');
  process.exitCode = 1;
  process.stderr.write(e.message + '\\n');
  throw e;
};
for (const name of ['send', 'connect']) {
  const orig = dgram.Socket.prototype[name];
  dgram.Socket.prototype[name] = function (...args) {
    for (const a of args.slice(1)) if (typeof a === 'string' && !ok(a)) refuse(a);
    return orig.apply(this, args);
  };
}
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = args[0];
  const host = Array.isArray(o) ? o[0]?.host : typeof o === 'object' && o !== null ? o.host : typeof args[1] === 'string' ? args[1] : undefined;
  if (!(typeof o === 'object' && o !== null && !Array.isArray(o) && o.path) && !ok(host)) refuse(host);
  return connect.apply(this, args);
};
`;

/** Runs `block-<n>.js` in `dir` with node, killed after `timeoutMs`. */
export function runExample(dir: string, block: number, timeoutMs: number): Promise<ExampleRun> {
  const guard = join(dir, 'loopback-guard.mjs');
  if (!existsSync(guard)) writeFileSync(guard, loopbackGuard);
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env['NODE_OPTIONS']; // vitest's loaders are not the user's
    const child = spawn(process.execPath, ['--enable-source-maps', '--import', pathToFileURL(guard).href, `block-${block}.js`], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, output });
    });
  });
}

/** The file `name` in `from` or the nearest directory above it. */
export function findUp(from: string, file: string): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, file))) return join(d, file);
    if (dirname(d) === d) throw new Error(`${file} not found above ${from}`);
  }
}
