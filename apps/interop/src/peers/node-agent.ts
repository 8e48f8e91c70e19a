// The peers that run in a node child process through agent/node.ts: libwebrtc, werift and ours.
import { fileURLToPath } from 'node:url';
import { ProcessDriver, type PeerDriver, type RunContext } from '../driver.js';

// Always the compiled agent (also when this file runs from src/ under vitest): two levels up is the package.
const agent = fileURLToPath(new URL('../../dist/agent/node.js', import.meta.url));

export async function startNodeAgent(name: string, stack: string, context: RunContext): Promise<PeerDriver> {
  const [command, args] = context.wrap(process.execPath, [agent, stack]);
  return ProcessDriver.start(name, command, args);
}
