// Helper process of the media-forwarding figure, ours (`sfu-helper.js forwarder|subscribers`).
// forwarder: answers the publisher, and writes every RTP packet of its remote track (onRtp) to one
// local track added to N subscriber connections it offers to (writeRtp sends through each sender,
// with that sender's SSRC, payload type and extensions); times its own CPU (process.cpuUsage).
// subscribers: N connections in this one process, each counting the RTP packets it receives.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { importPeerConnection } from '../peers/ours.js';
import { answerWhenGathered, offerWhenGathered, type SignalingPeer } from '../video/video-peer.js';
import { serveHelper } from './helper-process.js';

interface Track {
  onRtp: ((packet: Uint8Array) => void) | undefined;
  writeRtp(packet: Uint8Array): void;
}

interface Peer extends SignalingPeer {
  readonly connectionState: string;
  addTrack(track: Track, stream: unknown): unknown;
  ontrack: ((event: { track: Track }) => void) | null;
  close(): void;
  getStats(): Promise<Map<string, Record<string, unknown>>>;
}

interface Module {
  PeerConnectionFactory: new (dependencies: object) => { createPeerConnection(configuration: object): Peer };
  MediaStreamTrack: new (kind: 'video') => Track;
  MediaStream: new (tracks: Track[]) => unknown;
}

/** What the forwarder reports for the measured window. */
export interface ForwarderWindow {
  /** CPU (user + system) of the forwarder process in the window, µs. */
  cpuMicros: number;
  /** RTP packets that arrived from the publisher in the window. */
  packetsIn: number;
}

const role = process.argv[2] as 'forwarder' | 'subscribers';
const module = await importPeerConnection<Module>();
const factory = new module.PeerConnectionFactory({
  ice: { includeLoopback: true, ipv6: false, ipFilter: (address: string) => address === '127.0.0.1' },
});
// BENCH_PROFILE_DIR=<dir>: the forwarder writes a V8 CPU profile of the measured window there
// (for profile-layers.js); the profiler's own cost then counts in the window's CPU.
const profileDir = role === 'forwarder' ? process.env.BENCH_PROFILE_DIR : undefined;
const profiler = profileDir ? new Session() : undefined;
profiler?.connect();
const peers: Peer[] = [];
const counts: number[] = [];
let countsAtStart: number[] = [];
let packetsIn = 0;
let inAtStart = 0;
let cpuAtStart = process.cpuUsage();
const local = new module.MediaStreamTrack('video');
const stream = new module.MediaStream([local]);

async function connected(): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!peers.every((pc) => pc.connectionState === 'connected')) {
    if (performance.now() > deadline) throw new Error(`ours ${role}: not every connection connected in 30 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

serveHelper({
  publisher: (offer: string) => {
    const pc = factory.createPeerConnection({});
    peers.push(pc);
    pc.ontrack = ({ track }) => {
      track.onRtp = (packet) => {
        packetsIn++;
        local.writeRtp(packet);
      };
    };
    return answerWhenGathered(pc, offer);
  },
  subscribers: (n: number) =>
    Promise.all(
      Array.from({ length: n }, () => {
        const pc = factory.createPeerConnection({});
        peers.push(pc);
        pc.addTrack(local, stream);
        return offerWhenGathered(pc);
      }),
    ),
  answers: async (answers: string[]) => {
    const subscribers = peers.slice(1);
    if (answers.length !== subscribers.length) throw new Error(`${answers.length} answers for ${subscribers.length} subscribers`);
    await Promise.all(subscribers.map((pc, i) => pc.setRemoteDescription({ type: 'answer', sdp: answers[i]! })));
  },
  answer: (offers: string[]) =>
    Promise.all(
      offers.map((offer, i) => {
        const pc = factory.createPeerConnection({});
        peers.push(pc);
        counts[i] = 0;
        pc.ontrack = ({ track }) => {
          track.onRtp = () => void counts[i]!++;
        };
        return answerWhenGathered(pc, offer);
      }),
    ),
  connected,
  start: async () => {
    if (profiler) {
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    cpuAtStart = process.cpuUsage();
    inAtStart = packetsIn;
    countsAtStart = [...counts];
  },
  /** The SRTP profile the first connection negotiated (both forwarders are checked to use the same). */
  cipher: async () => [...(await peers[0]!.getStats()).values()].find((s) => s['type'] === 'transport')?.['srtpCipher'],
  stop: async (): Promise<ForwarderWindow | number[]> => {
    if (role === 'subscribers') return counts.map((c, i) => c - countsAtStart[i]!);
    const used = process.cpuUsage(cpuAtStart);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(join(profileDir!, `forwarder-${peers.length - 1}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    }
    return { cpuMicros: used.user + used.system, packetsIn: packetsIn - inAtStart };
  },
});
