// One end of a long-path transfer, run inside one network namespace of @x/netem's TUN link:
// `ip netns exec <ns> node netns-peer.js <transport> <sender|receiver> <params JSON>`, spawned
// with an IPC channel by figures/long-path.ts, which carries the signaling between the two ends.
// <transport> is a stack (a reliable ordered data channel, ICE on the namespace's address only)
// or `tcp` (node `net`, the kernel's default congestion control and autotuned buffers).
// The sender sends 16 KiB messages (TCP: 16 KiB writes) as fast as its buffer lets it, and every
// `sampleMs` records its congestion state (ours: the SCTP association's; TCP: `ss -tin`); the
// receiver counts bytes in bins of `sampleMs` from the first byte for `durationMs`.
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { loadStack, stackNames, type StackName } from './index.js';
import type { PeerChannel } from './stack.js';
import { wrapW3CChannel, type StandardChannel, type W3CChannel, type W3CPeer } from './w3c.js';
import { importPeerConnection } from './ours.js';

export type Transport = StackName | 'tcp';

export interface NetnsPeerParams {
  /** This end's address on the link; only candidates on it are used. */
  address: string;
  /** The other end's address (TCP connects to it). */
  peerAddress: string;
  /** Message (write) size in bytes. */
  size: number;
  /** Measured window from the first byte, ms. */
  durationMs: number;
  /** Bin width of the receiver's counts and the sender's samples, ms. */
  sampleMs: number;
  /**
   * TCP sender only: this congestion control instead of the kernel's default. Node cannot set
   * TCP_CONGESTION on a socket, nor (in this container) the namespace's default, so a few lines of
   * Python own the sending socket then; the receiver and the sampling stay the same.
   */
  congestionControl?: string;
}

/** One sample of the sender's congestion state. */
export interface CongestionSample {
  /** ms since the sender's first message. */
  ms: number;
  cwnd: number;
  ssthresh?: number;
  /** Bytes in flight (TCP: unacked segments × MSS). */
  flight?: number;
  /** The window the receiver offers (ours: the peer's a_rwnd less flight; TCP: `rcv_space` is the receiver's, so the sender's snd_wnd). */
  rwnd?: number;
  srttMs?: number;
  /** Retransmissions so far (ours: DATA chunks; TCP: segments). */
  retransmits?: number;
  /** Retransmission timeouts so far (ours: T3-rtx expiries; TCP: `ss`'s backoff count is not kept, so absent). */
  timeouts?: number;
  /** Fast retransmits so far (ours only). */
  fastRetransmits?: number;
}

export type NetnsPeerMessage =
  | { t: 'offer' | 'answer'; sdp: string }
  | { t: 'candidate'; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }
  /** TCP: the receiver listens. */
  | { t: 'listening' }
  /** This end's channel (TCP: connection) is open. */
  | { t: 'open' }
  /** Receiver → figure: the window is over. `bins[i]` is bytes received in bin i after the first byte. */
  | { t: 'result'; bytes: number; bins: number[]; connectMs: number }
  /** Figure → sender: stop and report. */
  | { t: 'stop' }
  /** Sender → figure. */
  | { t: 'trace'; samples: CongestionSample[]; note?: string }
  | { t: 'exit' }
  | { t: 'error'; message: string };

const send = (m: NetnsPeerMessage) => process.send!(m);

// Every message from the figure, kept: a handler attached later (after a stack has loaded) still
// gets what came before it, e.g. an offer that arrived while this end was importing its stack.
const history: NetnsPeerMessage[] = [];
const handlers: ((m: NetnsPeerMessage) => void)[] = [];
process.on('message', (m: NetnsPeerMessage) => {
  history.push(m);
  for (const h of handlers) h(m);
});
function onMessage(handler: (m: NetnsPeerMessage) => void): void {
  handlers.push(handler);
  for (const m of history) handler(m);
}

/** A candidate line on `address` over UDP. */
function onAddress(candidate: string, address: string): boolean {
  const f = candidate.replace(/^a=/, '').trim().split(/\s+/);
  return f.length >= 8 && f[2]!.toLowerCase() === 'udp' && f[4] === address;
}

/** The SDP with only the candidate lines on `address`. */
function sdpOn(sdp: string, address: string): string {
  return sdp.split(/\r\n|\n/).filter((l) => !l.startsWith('a=candidate:') || onAddress(l.slice(2), address)).join('\r\n');
}

interface Connected {
  channel: PeerChannel;
  /** The sender's congestion state now, where the stack lets us read it. */
  congestion?: () => Omit<CongestionSample, 'ms'> | undefined;
}

interface AssociationLike {
  congestion?: { cwnd: number; ssthresh: number; flightSize: number; peerRwnd: number; srtt: number | undefined };
  stats: { retransmissions: number; t3Expiries: number; fastRetransmits: number };
}

/**
 * Ours: a factory gathering on `address` only, path MTU discovery on (as on any real path: the
 * link's MTU is 1500). The SCTP association is not reachable through the W3C API, so its
 * congestion state is read by noting every @x/sctp Association that handles a packet in this
 * process (the same module instance @x/peerconnection uses); read only, for the trace.
 */
async function oursPeer(address: string): Promise<{ pc: W3CPeer; congestion: () => Omit<CongestionSample, 'ms'> | undefined }> {
  const { PeerConnectionFactory } = await importPeerConnection<{ PeerConnectionFactory: new (d: object) => { createPeerConnection(c: object): W3CPeer } }>();
  const associations = new Set<AssociationLike>();
  try {
    const sctp = (await import('@x/sctp')) as unknown as { Association: { prototype: { handlePacket: (...a: unknown[]) => unknown } } };
    const proto = sctp.Association.prototype;
    const original = proto.handlePacket;
    proto.handlePacket = function (this: AssociationLike, ...args: unknown[]) {
      associations.add(this);
      return original.apply(this, args);
    };
  } catch {
    // No trace then; the throughput is still measured.
  }
  const factory = new PeerConnectionFactory({ ice: { includeLoopback: false, ipv6: false, ipFilter: (a: string) => a === address } });
  const congestion = () => {
    for (const a of associations) {
      const c = a.congestion;
      if (c) return { cwnd: c.cwnd, ssthresh: c.ssthresh, flight: c.flightSize, rwnd: c.peerRwnd, srttMs: c.srtt, retransmits: a.stats.retransmissions, timeouts: a.stats.t3Expiries, fastRetransmits: a.stats.fastRetransmits };
    }
    return undefined;
  };
  return { pc: factory.createPeerConnection({}), congestion };
}

async function w3cConnect(transport: 'ours' | 'libwebrtc' | 'werift', role: 'sender' | 'receiver', address: string): Promise<Connected> {
  let pc: W3CPeer;
  let wrap: (ch: never) => PeerChannel;
  let congestion: Connected['congestion'];
  if (transport === 'ours') {
    const ours = await oursPeer(address);
    pc = ours.pc;
    congestion = ours.congestion;
    wrap = (ch) => wrapW3CChannel(ch as StandardChannel);
  } else {
    // libwebrtc (no ICE servers: host candidates of every interface) and werift (its STUN server on
    // the namespace's own 127.0.0.1): their loaders' peers, whose candidates are filtered here.
    const maker = (await loadStack(transport)).w3c!;
    pc = maker.make();
    wrap = maker.wrap as (ch: never) => PeerChannel;
  }
  let hasRemote = false;
  const early: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }[] = [];
  const add = (c: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }) => void pc.addIceCandidate(c).catch(() => undefined);
  pc.onicecandidate = (e: { candidate?: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null }) => {
    const c = e.candidate;
    if (!c || !c.candidate || !onAddress(c.candidate, address)) return;
    send({ t: 'candidate', candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
  };
  onMessage((m: NetnsPeerMessage) => {
    void (async () => {
      if (m.t === 'candidate') {
        if (hasRemote) add(m);
        else early.push(m);
      } else if (m.t === 'offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        hasRemote = true;
        early.splice(0).forEach(add);
        await pc.setLocalDescription(await pc.createAnswer());
        send({ t: 'answer', sdp: sdpOn(pc.localDescription!.sdp, address) });
      } else if (m.t === 'answer') {
        await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        hasRemote = true;
        early.splice(0).forEach(add);
      }
    })().catch((error: unknown) => send({ t: 'error', message: error instanceof Error ? error.message : String(error) }));
  });
  const opened = (ch: W3CChannel) => (ch.readyState === 'open' ? Promise.resolve(ch) : new Promise<W3CChannel>((r) => (ch.onopen = () => r(ch))));
  if (role === 'sender') {
    const channel = pc.createDataChannel('bench', { ordered: true });
    await pc.setLocalDescription(await pc.createOffer());
    send({ t: 'offer', sdp: sdpOn(pc.localDescription!.sdp, address) });
    return { channel: wrap((await opened(channel)) as never), congestion };
  }
  const channel = await new Promise<W3CChannel>((resolve) => (pc.ondatachannel = (e: { channel: W3CChannel }) => resolve(opened(e.channel))));
  return { channel: wrap(channel as never) };
}

type Ndc = typeof import('node-datachannel');

/** libdatachannel through node-datachannel, bound to `address`; its own signaling API. */
async function ndcConnect(role: 'sender' | 'receiver', address: string): Promise<Connected> {
  const ndc = (await import('node-datachannel')).default as unknown as Ndc;
  const pc = new ndc.PeerConnection(role, { iceServers: [], bindAddress: address });
  let hasRemote = false;
  const early: [string, string][] = [];
  const add = (c: string, mid: string) => {
    try {
      pc.addRemoteCandidate(c, mid);
    } catch (error) {
      process.stderr.write(`libdatachannel: addRemoteCandidate: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  pc.onLocalDescription((sdp, type) => send({ t: type === 'offer' ? 'offer' : 'answer', sdp: sdpOn(sdp, address) }));
  pc.onLocalCandidate((candidate, mid) => {
    if (onAddress(candidate, address)) send({ t: 'candidate', candidate, sdpMid: mid, sdpMLineIndex: 0 });
  });
  onMessage((m: NetnsPeerMessage) => {
    try {
      if (m.t === 'candidate') {
        if (hasRemote) add(m.candidate, m.sdpMid ?? '0');
        else early.push([m.candidate, m.sdpMid ?? '0']);
      } else if (m.t === 'offer' || m.t === 'answer') {
        // The offerer takes the DTLS client role, as in peers/libdatachannel.ts (no 1 s wait for a dropped hello).
        pc.setRemoteDescription(m.t === 'offer' ? m.sdp.replace('a=setup:actpass', 'a=setup:active') : m.sdp, m.t);
        hasRemote = true;
        for (const [c, mid] of early.splice(0)) add(c, mid);
      }
    } catch (error) {
      send({ t: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
  type Channel = ReturnType<typeof pc.createDataChannel>;
  const opened = (ch: Channel) => (ch.isOpen() ? Promise.resolve(ch) : new Promise<Channel>((r) => ch.onOpen(() => r(ch))));
  const ch = role === 'sender' ? await opened(pc.createDataChannel('bench')) : await new Promise<Channel>((r) => pc.onDataChannel((c) => r(opened(c))));
  return {
    channel: {
      send: (data) => void ch.sendMessageBinary(data),
      bufferedAmount: () => ch.bufferedAmount(),
      setBufferedAmountLowThreshold: (bytes) => ch.setBufferedAmountLowThreshold(bytes),
      onBufferedAmountLow: (cb) => ch.onBufferedAmountLow(cb),
      onMessage: (cb) => ch.onMessage((m) => cb(typeof m === 'string' ? m.length : m.byteLength)),
    },
  };
}

/** Counts bytes in bins from the first byte; reports `durationMs` after it. */
function receiver(params: NetnsPeerParams, connectMs: number): (bytes: number) => void {
  const bins: number[] = [];
  let first: number | undefined;
  let total = 0;
  let over = false;
  return (bytes) => {
    if (over) return;
    const now = performance.now();
    if (first === undefined) {
      first = now;
      setTimeout(() => {
        over = true;
        send({ t: 'result', bytes: total, bins, connectMs });
      }, params.durationMs);
    }
    const at = now - first;
    if (at >= params.durationMs) return;
    const bin = Math.floor(at / params.sampleMs);
    while (bins.length <= bin) bins.push(0);
    bins[bin]! += bytes;
    total += bytes;
  };
}

/** TCP's state from `ss -tin` for the connection to `peer` (cwnd in segments × mss). */
function ssSample(peer: string): Promise<Omit<CongestionSample, 'ms'> | undefined> {
  return new Promise((resolve) => {
    execFile('ss', ['-tinH', 'dst', peer], { timeout: 2000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      const num = (re: RegExp) => {
        const m = re.exec(stdout);
        return m ? Number(m[1]) : undefined;
      };
      const mss = num(/\bmss:(\d+)/) ?? 1448;
      const cwnd = num(/\bcwnd:(\d+)/);
      if (cwnd === undefined) return resolve(undefined);
      const ssthresh = num(/\bssthresh:(\d+)/);
      const unacked = num(/\bunacked:(\d+)/);
      resolve({
        cwnd: cwnd * mss,
        ssthresh: ssthresh === undefined ? undefined : ssthresh * mss,
        flight: unacked === undefined ? 0 : unacked * mss,
        rwnd: num(/\bsnd_wnd:(\d+)/),
        srttMs: num(/\brtt:([\d.]+)\//),
        retransmits: num(/\bretrans:\d+\/(\d+)/) ?? 0,
      });
    });
  });
}

/** Samples the sender's state every `sampleMs` until stop. */
function sampler(sample: () => Promise<Omit<CongestionSample, 'ms'> | undefined> | Omit<CongestionSample, 'ms'> | undefined, sampleMs: number): { stop(): CongestionSample[] } {
  const samples: CongestionSample[] = [];
  const start = performance.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const ms = Math.round(performance.now() - start);
    void Promise.resolve(sample()).then((s) => {
      busy = false;
      if (s) samples.push({ ms, ...s });
    });
  }, sampleMs);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

function onStop(): Promise<void> {
  return new Promise((resolve) => onMessage((m: NetnsPeerMessage) => m.t === 'stop' && resolve()));
}

async function tcp(role: 'sender' | 'receiver', params: NetnsPeerParams, started: number): Promise<void> {
  const port = 5201;
  if (role === 'receiver') {
    const server = net.createServer((socket) => {
      send({ t: 'open' });
      const count = receiver(params, performance.now() - started);
      socket.on('data', (d: Buffer) => count(d.length));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(port, params.address, resolve));
    send({ t: 'listening' });
    return;
  }
  await new Promise<void>((resolve) => onMessage((m: NetnsPeerMessage) => m.t === 'listening' && resolve()));
  if (params.congestionControl) return pythonSender(params);
  const socket = net.connect({ port, host: params.peerAddress, localAddress: params.address });
  socket.on('error', (e) => send({ t: 'error', message: `tcp: ${e.message}` }));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  send({ t: 'open' });
  const chunk = Buffer.alloc(params.size, 0x5a);
  let running = true;
  const pump = () => {
    while (running && socket.write(chunk));
  };
  socket.on('drain', pump);
  const trace = sampler(() => ssSample(params.peerAddress), params.sampleMs);
  pump();
  await onStop();
  running = false;
  send({ t: 'trace', samples: trace.stop() });
  socket.destroy();
}

/** Python's bulk sender with `params.congestionControl` set on its socket (TCP_CONGESTION). */
const PYTHON_SENDER = `
import socket, sys
host, port, cc, size, local = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
s.bind((local, 0))
s.connect((host, port))
print("open", flush=True)
chunk = b"Z" * size
while True:
    s.sendall(chunk)
`;

async function pythonSender(params: NetnsPeerParams): Promise<void> {
  const child = spawn('python3', ['-c', PYTHON_SENDER, params.peerAddress, '5201', params.congestionControl!, String(params.size), params.address], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('exit', (code) => code !== null && send({ t: 'error', message: `python sender exited ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}` }));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  send({ t: 'open' });
  const trace = sampler(() => ssSample(params.peerAddress), params.sampleMs);
  await onStop();
  child.removeAllListeners('exit');
  child.kill('SIGKILL');
  send({ t: 'trace', samples: trace.stop() });
}

async function dataChannel(transport: StackName, role: 'sender' | 'receiver', params: NetnsPeerParams, started: number): Promise<void> {
  const { channel, congestion } = transport === 'libdatachannel' ? await ndcConnect(role, params.address) : await w3cConnect(transport, role, params.address);
  send({ t: 'open' });
  if (role === 'receiver') {
    channel.onMessage(receiver(params, performance.now() - started));
    return;
  }
  // As datachannel-throughput's bulk(): refill to 4 MiB whenever bufferedAmount falls to 1 MiB.
  const message = new Uint8Array(params.size).fill(0x5a);
  const high = 4 * 1024 * 1024;
  let running = true;
  const pump = () => {
    for (let budget = high - channel.bufferedAmount(); running && budget > 0; budget -= params.size) channel.send(message);
  };
  channel.setBufferedAmountLowThreshold(1024 * 1024);
  channel.onBufferedAmountLow(pump);
  const poll = setInterval(pump, 20);
  const trace = congestion ? sampler(congestion, params.sampleMs) : undefined;
  pump();
  await onStop();
  running = false;
  clearInterval(poll);
  send({ t: 'trace', samples: trace?.stop() ?? [], note: trace ? undefined : 'no congestion state from this stack' });
}

async function main(): Promise<void> {
  const [transport, role, json] = process.argv.slice(2);
  if (!transport || !([...stackNames, 'tcp'] as string[]).includes(transport) || (role !== 'sender' && role !== 'receiver')) {
    throw new Error('usage: netns-peer.js <stack|tcp> <sender|receiver> <params JSON>');
  }
  const params = JSON.parse(json ?? '{}') as NetnsPeerParams;
  onMessage((m: NetnsPeerMessage) => m.t === 'exit' && process.exit(0));
  const started = performance.now();
  if (transport === 'tcp') await tcp(role, params, started);
  else await dataChannel(transport as StackName, role, params, started);
}

process.on('uncaughtException', (error) => process.stderr.write(`uncaught: ${error instanceof Error ? error.message : String(error)}\n`));
process.on('unhandledRejection', (error) => process.stderr.write(`unhandled: ${error instanceof Error ? error.message : String(error)}\n`));
main().catch((error: unknown) => send({ t: 'error', message: error instanceof Error ? error.message : String(error) }));
