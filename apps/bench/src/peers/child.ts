// Child process entry: `node --expose-gc dist/peers/child.js <figure> <stack> <params JSON>`.
// Loads one stack, runs the figure module's exported `measure(stack, params)`, prints its result
// as one `BENCH-RESULT <json>` line and exits (native stacks may hold the event loop open).
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStack, stackNames, type StackName } from './index.js';
import { withTimeout, type Stack } from './stack.js';

/** What a peer-level figure module exports for its child process. */
export type Measure = (stack: Stack, params: Record<string, unknown>) => Promise<unknown>;

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const [figure, name, paramsJson] = process.argv.slice(2);
  if (!figure || !name || !(stackNames as readonly string[]).includes(name)) throw new Error('usage: child.js <figure> <stack> [params JSON]');
  const module = (await import(pathToFileURL(join(here, '..', 'figures', `${figure}.js`)).href)) as { measure?: Measure };
  if (typeof module.measure !== 'function') throw new Error(`figures/${figure}.js exports no measure()`);
  const stack = await loadStack(name as StackName);
  const result = await module.measure(stack, JSON.parse(paramsJson ?? '{}') as Record<string, unknown>);
  await withTimeout(stack.dispose(), 5000, 'dispose').catch(() => undefined);
  process.stdout.write(`\nBENCH-RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

// Nothing may throw out of a stack's event handler and end the measurement silently.
process.on('uncaughtException', (error) => process.stderr.write(`uncaught: ${error instanceof Error ? error.message : String(error)}\n`));
process.on('unhandledRejection', (error) => process.stderr.write(`unhandled: ${error instanceof Error ? error.message : String(error)}\n`));

main().catch((error: unknown) => {
  process.stdout.write(`\nBENCH-ERROR ${error instanceof Error ? error.message : String(error)}\n`, () => process.exit(1));
});
