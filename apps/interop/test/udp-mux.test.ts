// Pion and aiortc clients against our server connections that share one UDP port: three Pion and
// three aiortc agents (separate processes) each offer a data channel, Opus and VP8 to its own
// connection of ONE PeerConnectionFactory with `ice.udpMux` on 127.0.0.1. The server side runs in
// test/udp-mux-server.mjs (over dist/) under `unshare -n` with the agents, so only loopback exists
// and this process can count the server's UDP sockets. Skipped where a peer, ffmpeg, unshare (root)
// or the build is missing, except under CI=true.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegMissing } from '../src/media/ffmpeg.js';
import { aiortc } from '../src/peers/aiortc.js';
import { buildPion, pion } from '../src/peers/pion.js';

const ci = process.env.CI === 'true';
const counts = { pion: 3, aiortc: 3 };
const script = fileURLToPath(new URL('./udp-mux-server.mjs', import.meta.url));
const hasUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
const built = existsSync(new URL('../dist/scenarios.js', import.meta.url));
const why =
  (await pion.available()) ??
  (await aiortc.available()) ??
  ffmpegMissing() ??
  (hasUnshare ? null : 'needs root and unshare -n') ??
  (built ? null : 'apps/interop is not built (dist/)');
if (ci && why) throw new Error(`CI needs Pion, aiortc, ffmpeg, unshare -n (root) and a built dist/ for the UDP mux interop test: ${why}`);

interface Client {
  peer: string;
  connectionState: string;
  echo: { sent: number; sentSha256: string; received: number; receivedSha256: string; invalid: number; reordered: number };
  /** The local port of every transport's selected pair on the server connection (null: none selected). */
  localPorts: Array<number | null>;
  inbound: Array<{ kind: string; packetsReceived: number; codec: string | null }>;
  frames: Record<'audio' | 'video', { frames: number; codec: string | null }>;
}

interface Outcome {
  error?: string;
  logs?: string[];
  muxPort: number;
  clients: Client[];
  udpSockets: number;
  muxSockets: number;
  routes: number;
  stats: Record<string, number>;
  sizeAfterClose: Record<string, number>;
}

/** Runs the server script with its agents in a namespace of their own; resolves with its JSON outcome. */
function runServer(): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up; exec "$0" "$1" "$2"', process.execPath, script, JSON.stringify(counts)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // A hung server (or agent) never outlives the test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 80_000);
    child.on('exit', () => {
      clearTimeout(guard);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as Outcome);
      } catch {
        reject(new Error(`no result from the mux server: ${err.slice(-1000)}`));
      }
    });
  });
}

beforeAll(async () => {
  // The Go build takes a while the first time; not inside the test's time.
  if (!why) await buildPion();
}, 240_000);

describe.skipIf(!!why && !ci)('Pion and aiortc clients and our server connections on one UDP port', () => {
  it(`${counts.pion} Pion and ${counts.aiortc} aiortc clients: each connection on the mux's port, its channel echoed, its Opus and VP8 received; one socket`, async () => {
    const r = await runServer();
    expect(r.error, r.logs?.join('\n')).toBeUndefined();
    expect(r.clients.map((c) => c.peer)).toEqual([...Array<string>(counts.pion).fill('pion'), ...Array<string>(counts.aiortc).fill('aiortc')]);
    for (const c of r.clients) {
      expect(c.connectionState, c.peer).toBe('connected');
      // Every transport of the server connection selected a pair whose local end is the mux.
      expect(c.localPorts.length, c.peer).toBeGreaterThan(0);
      for (const port of c.localPorts) expect(port, c.peer).toBe(r.muxPort);
      // The channel: everything sent came back, intact and in order.
      expect(c.echo.received, c.peer).toBe(c.echo.sent);
      expect(c.echo.receivedSha256, c.peer).toBe(c.echo.sentSha256);
      expect(c.echo.invalid + c.echo.reordered, c.peer).toBe(0);
      // Media from the client: RTP in the codec it sent, and depacketized frames (1 s of each).
      expect(c.inbound.map((s) => [s.kind, s.codec]), c.peer).toEqual([
        ['audio', 'audio/opus'],
        ['video', 'video/VP8'],
      ]);
      for (const s of c.inbound) expect(s.packetsReceived, `${c.peer} ${s.kind}`).toBeGreaterThan(0);
      expect(c.frames.video.codec, c.peer).toBe('video/VP8');
      expect(c.frames.audio.codec, c.peer).toBe('audio/opus');
      expect(c.frames.video.frames, c.peer).toBeGreaterThanOrEqual(30);
      expect(c.frames.audio.frames, c.peer).toBeGreaterThanOrEqual(50);
    }
    // The server process got one UDP socket for all of them: the mux's.
    expect(r.udpSockets).toBe(1);
    expect(r.muxSockets).toBe(1);
    expect(r.routes).toBe(counts.pion + counts.aiortc);
    // Nothing arrived that the mux could not route.
    expect(r.stats['droppedUnknownUfrag']! + r.stats['droppedMalformed']! + r.stats['droppedUnknown']! + r.stats['droppedUnroutable']!).toBe(0);
    expect(r.sizeAfterClose).toEqual({ routes: 0, ufrags: 0, addresses: 0, transactions: 0 });
  }, 90_000);
});
