// Child-process entry for the node-hosted peers: `node dist/agent/node.js <wrtc|werift|ours>`.
// Reads requests (protocol.ts) from stdin, one JSON object a line, and writes replies and events to
// stdout the same way. Anything else a library prints goes to stderr, so stdout stays protocol.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { createAgent, type MediaHost, type PeerSettings, type Sha256 } from './core.js';
import { oursMedia } from './media-ours.js';
import { weriftMedia } from './media-werift.js';
import { wrtcMedia } from './media-wrtc.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

type Make = (settings: PeerSettings) => any;
const isLoopback = (address: string) => address === '127.0.0.1';

const log = (text: string) => emit({ event: 'log', text });

async function loadStack(name: string): Promise<{ make: Make; dispose: () => Promise<void>; media: MediaHost }> {
  switch (name) {
    case 'wrtc': {
      const wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as { RTCPeerConnection: new (c: object) => any; nonstandard: unknown };
      // No ICE servers: host candidates only; the harness passes on the 127.0.0.1 ones alone.
      return {
        make: (s) => new wrtc.RTCPeerConnection({ iceServers: s.iceServers ?? [], iceTransportPolicy: s.iceTransportPolicy ?? 'all' }),
        dispose: async () => undefined,
        media: wrtcMedia(wrtc, log),
      };
    }
    case 'werift': {
      // werift's default STUN server is Google's even with no iceServers: give it one on loopback.
      const { startBindingServer } = await import('@x/stun');
      const stun = await startBindingServer({ address: '127.0.0.1' });
      const werift = (await import('werift')) as unknown as {
        RTCPeerConnection: new (c: object) => any;
        defaultCodecs: () => { audio?: any[]; video?: any[] };
        useVP8: () => any;
        useH264: () => any;
      };
      const { RTCPeerConnection } = werift;
      const config = {
        iceServers: [{ urls: `stun:127.0.0.1:${stun.address.port}` }],
        iceAdditionalHostAddresses: ['127.0.0.1'],
        iceUseIpv6: false,
        iceUseTcp: false,
        iceStunGatherTimeout: 1,
        bundlePolicy: 'max-bundle',
        // werift offers VP8 alone by default; H.264 (42e01f, packetization-mode 1) is opt-in, after VP8.
        codecs: { ...werift.defaultCodecs(), video: [werift.useVP8(), werift.useH264()] },
      };
      return {
        make: (s) =>
          new RTCPeerConnection({
            ...config,
            ...(s.iceServers?.length ? { iceServers: s.iceServers } : {}),
            iceTransportPolicy: s.iceTransportPolicy ?? 'all',
          }),
        dispose: () => stun.close(),
        media: weriftMedia(werift, log),
      };
    }
    case 'ours': {
      const pc = (await import('@x/peerconnection')) as unknown as {
        PeerConnectionFactory?: new (dependencies: object) => { createPeerConnection(configuration: object): any };
        MediaStreamTrack: new (kind: 'audio' | 'video') => any;
        MediaStream: new (tracks: any[]) => any;
      };
      if (typeof pc.PeerConnectionFactory !== 'function') throw new Error('@x/peerconnection exports no PeerConnectionFactory yet');
      // A browser's `.local` candidates are resolved by mDNS (RFC 6762) in the run's namespace; the
      // multicast socket opens on the first such name only.
      const { MulticastMdns } = await import('@x/ice');
      let mdns: ReturnType<typeof MulticastMdns.open> | undefined;
      // Chromium answers a name it has only just registered after ~0.8 s (its probing, RFC 6762
      // §8.1), later on a loaded machine: a resolve asks again at 1, 3 and 7 s (§5.2) within 15 s.
      const mdnsResolver = async (name: string) => {
        mdns ??= MulticastMdns.open({ timeout: 15_000 });
        return (await mdns).resolve(name);
      };
      const factory = new pc.PeerConnectionFactory({ ice: { includeLoopback: true, ipv6: false, ipFilter: isLoopback, mdnsResolver } });
      return {
        make: (s) => factory.createPeerConnection({ iceServers: s.iceServers ?? [], iceTransportPolicy: s.iceTransportPolicy ?? 'all' }),
        dispose: async () => (await mdns?.catch(() => undefined))?.close(),
        media: oursMedia(pc, log),
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
  const handle = createAgent({ createPeerConnection: stack.make, media: stack.media, sha256: nodeSha256, emit, exit });
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
