// One vitest test per ```ts block of a package README, so an example that no longer compiles or
// no longer runs fails the package's own suite, naming the README, the block and the line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileReadme, findUp, readmeExamples, runExample, skipMarker, typecheckOnlyMarker, type ReadmeDiagnostics } from './readme-examples.js';

export * from './readme-examples.js';

/** Options of {@link testReadme}. */
export interface TestReadmeOptions {
  /** How long one example may run before it is killed and fails (default 15 s). */
  timeoutMs?: number;
}

/**
 * Registers one vitest test per ```ts block of the package's README.md: it type-checks (all blocks
 * in one program, once) and runs with node to exit code 0 within the timeout, sending only to
 * loopback. Blocks marked {@link typecheckOnlyMarker} are only type-checked; fragments marked
 * {@link skipMarker} are reported as skipped tests.
 *
 * @param packageDir the package directory, e.g. `new URL('..', import.meta.url)` from `test/`.
 */
export function testReadme(packageDir: URL, options: TestReadmeOptions = {}): void {
  const root = fileURLToPath(packageDir);
  const readme = join(root, 'README.md');
  const examples = readmeExamples(readFileSync(readme, 'utf8'));
  const tsconfigBase = findUp(root, 'tsconfig.base.json');
  const name = relative(dirname(tsconfigBase), readme);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const checked = examples.filter((e) => e.mode !== 'skip');
  let dir = '';
  let diagnostics: ReadmeDiagnostics = new Map();

  describe(`${name} examples`, () => {
    beforeAll(() => {
      dir = mkdtempSync(join(root, '.readme-examples-'));
      diagnostics = compileReadme(dir, name, checked, tsconfigBase);
    }, 120_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('has a main example that runs (the first ```ts block has no marker)', () => {
      expect(examples.length, `${name} has no \`\`\`ts block`).toBeGreaterThan(0);
      expect(examples[0]!.mode, `${name}:${examples[0]!.fence}: the main example carries a marker`).toBe('run');
    });

    for (const ex of examples) {
      const title = `block ${ex.block} (${name}:${ex.fence})`;
      if (ex.mode === 'skip') {
        it.skip(`${title}: a fragment (${skipMarker})`, () => {});
        continue;
      }
      const typeCheck = (): void => {
        const errors = diagnostics.get(ex.block) ?? [];
        if (errors.length > 0) throw new Error(`${title} does not type-check:\n${errors.join('\n')}`);
      };
      if (ex.mode === 'typecheck') {
        it(`${title} type-checks (${typecheckOnlyMarker})`, typeCheck);
        continue;
      }
      it(`${title} type-checks and runs`, async () => {
        typeCheck();
        const run = await runExample(dir, ex.block, timeoutMs);
        // Stack traces name block-<n>.ts:<line>; say the README line instead.
        const output = run.output.replace(/(?:file:\/\/)?[^\s()]*block-(\d+)\.ts:(\d+)/g, (_, b: string, l: string) => {
          const e = examples[Number(b) - 1];
          return e ? `${name}:${e.fence + Number(l)}` : _;
        });
        const why = run.timedOut ? `did not exit within ${timeoutMs} ms (a server or peer left open?)` : `exited with ${run.code ?? run.signal}`;
        if (run.timedOut || run.code !== 0) throw new Error(`${title} ${why}:\n${output}`);
      }, timeoutMs + 10_000);
    }
  });
}

