// Child process entry: `node --expose-gc dist/peers/child.js <figure> <stack> <params JSON>`.
// Loads one stack, runs the figure module's exported `measure(stack, params)`, prints its result
// as one `BENCH-RESULT <json>` line and exits (native stacks may hold the event loop open).
// `<figure>` may be a comma-separated list (--quick shares one child per stack among figures):
// then params and result are objects keyed by figure, and a figure that fails gives no key.
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStack, stackNames, type StackName } from './index.js';
import { withTimeout, type Stack } from './stack.js';

/** What a peer-level figure module exports for its child process. */
export type Measure = (stack: Stack, params: Record<string, unknown>) => Promise<unknown>;

const here = dirname(fileURLToPath(import.meta.url));

async function measureOf(figure: string): Promise<Measure> {
  const module = (await import(pathToFileURL(join(here, '..', 'figures', `${figure}.js`)).href)) as { measure?: Measure };
  if (typeof module.measure !== 'function') throw new Error(`figures/${figure}.js exports no measure()`);
  return module.measure;
}

async function main(): Promise<void> {
  const [figureList, name, paramsJson] = process.argv.slice(2);
  if (!figureList || !name || !(stackNames as readonly string[]).includes(name)) throw new Error('usage: child.js <figure[,figure…]> <stack> [params JSON]');
  const figures = figureList.split(',');
  const params = JSON.parse(paramsJson ?? '{}') as Record<string, unknown>;
  let result: unknown;
  if (figures.length === 1) {
    const measure = await measureOf(figures[0]!);
    // A figure that brings its own processes or transport (video peers, plain TCP) skips loading the stack.
    const stack = params.withoutStack === true ? unloadedStack(name) : await loadStack(name as StackName);
    result = await measure(stack, params);
    await withTimeout(stack.dispose(), 5000, 'dispose').catch(() => undefined);
  } else {
    const stack = await loadStack(name as StackName);
    const results: Record<string, unknown> = {};
    for (const figure of figures) {
      const start = performance.now();
      try {
        results[figure] = await (await measureOf(figure))(stack, params[figure] as Record<string, unknown>);
        if (process.env.BENCH_VERBOSE) process.stderr.write(`bench: ${figure} ${name}: ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
      } catch (error) {
        process.stderr.write(`${figure}: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    result = results;
    await withTimeout(stack.dispose(), 5000, 'dispose').catch(() => undefined);
  }
  process.stdout.write(`\nBENCH-RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

function unloadedStack(name: string): Stack {
  return {
    name,
    connect: () => Promise.reject(new Error('stack not loaded (withoutStack)')),
    dispose: async () => undefined,
  };
}

// Nothing may throw out of a stack's event handler and end the measurement silently.
process.on('uncaughtException', (error) => process.stderr.write(`uncaught: ${error instanceof Error ? error.message : String(error)}\n`));
process.on('unhandledRejection', (error) => process.stderr.write(`unhandled: ${error instanceof Error ? error.message : String(error)}\n`));

main().catch((error: unknown) => {
  process.stdout.write(`\nBENCH-ERROR ${error instanceof Error ? error.message : String(error)}\n`, () => process.exit(1));
});
