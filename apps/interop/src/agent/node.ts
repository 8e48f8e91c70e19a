// Child-process entry for the node-hosted peers: `node dist/agent/node.js <wrtc|werift|ours>`.
// Reads requests (protocol.ts) from stdin, one JSON object a line, and writes replies and events to
// stdout the same way. Anything else a library prints goes to stderr, so stdout stays protocol.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { createAgent, type PeerSettings, type Sha256 } from './core.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

type Make = (settings: PeerSettings) => any;
const isLoopback = (address: string) => address === '127.0.0.1';

async function loadStack(name: string): Promise<{ make: Make; dispose: () => Promise<void> }> {
  switch (name) {
    case 'wrtc': {
      const wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as { RTCPeerConnection: new (c: object) => any };
      // No ICE servers: host candidates only; the harness passes on the 127.0.0.1 ones alone.
      return {
        make: (s) => new wrtc.RTCPeerConnection({ iceServers: s.iceServers ?? [], iceTransportPolicy: s.iceTransportPolicy ?? 'all' }),
        dispose: async () => undefined,
      };
    }
    case 'werift': {
      // werift's default STUN server is Google's even with no iceServers: give it one on loopback.
      const { startBindingServer } = await import('@x/stun');
      const stun = await startBindingServer({ address: '127.0.0.1' });
      const { RTCPeerConnection } = (await import('werift')) as unknown as { RTCPeerConnection: new (c: object) => any };
      const config = {
        iceServers: [{ urls: `stun:127.0.0.1:${stun.address.port}` }],
        iceAdditionalHostAddresses: ['127.0.0.1'],
        iceUseIpv6: false,
        iceUseTcp: false,
        iceStunGatherTimeout: 1,
        bundlePolicy: 'max-bundle',
      };
      return {
        make: (s) =>
          new RTCPeerConnection({
            ...config,
            ...(s.iceServers?.length ? { iceServers: s.iceServers } : {}),
            iceTransportPolicy: s.iceTransportPolicy ?? 'all',
          }),
        dispose: () => stun.close(),
      };
    }
    case 'ours': {
      const pc = (await import('@x/peerconnection')) as unknown as {
        PeerConnectionFactory?: new (dependencies: object) => { createPeerConnection(configuration: object): any };
      };
      if (typeof pc.PeerConnectionFactory !== 'function') throw new Error('@x/peerconnection exports no PeerConnectionFactory yet');
      const factory = new pc.PeerConnectionFactory({ ice: { includeLoopback: true, ipv6: false, ipFilter: isLoopback } });
      return {
        make: (s) => factory.createPeerConnection({ iceServers: s.iceServers ?? [], iceTransportPolicy: s.iceTransportPolicy ?? 'all' }),
        dispose: async () => undefined,
      };
    }
    default:
      throw new Error(`unknown stack ${name}`);
  }
}

function nodeSha256(): Sha256 {
  const hash = createHash('sha256');
  return {
    update: (data) => hash.update(data),
    digest: async () => hash.copy().digest('hex'),
  };
}

function emit(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  let stack: Awaited<ReturnType<typeof loadStack>>;
  try {
    stack = await loadStack(name);
  } catch (error) {
    emit({ event: 'unavailable', reason: error instanceof Error ? error.message : String(error) });
    process.exit(0);
  }
  // Library chatter goes to stderr, where the harness keeps it for a failure's reason.
  console.log = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  const exit = () => {
    void stack.dispose().finally(() => process.stdout.write('', () => process.exit(0)));
    // Native stacks may hold the loop open or hang in close: do not wait long.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  const handle = createAgent({ createPeerConnection: stack.make, sha256: nodeSha256, emit, exit });
  emit({ event: 'ready' });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    try {
      handle(JSON.parse(line));
    } catch (error) {
      emit({ event: 'log', text: `bad request: ${String(error)}` });
    }
  });
  // The harness went away: nothing left to do.
  lines.on('close', exit);
}

process.on('uncaughtException', (error) => emit({ event: 'log', text: `uncaught: ${error instanceof Error ? error.stack : String(error)}` }));
process.on('unhandledRejection', (error) => emit({ event: 'log', text: `unhandled: ${error instanceof Error ? error.stack : String(error)}` }));
void main();
