/**
 * `pnpm --filter @x/robustness capture`: records real packets for the fuzz corpora. Runs two of
 * our peers (data channels and a VP8 track), and ours against libwebrtc (@roamhq/wrtc, data
 * channel), each through a tap relay on 127.0.0.1, plus two of our SCTP transports over an
 * in-memory pipe (SCTP is inside DTLS on the wire, so its plaintext comes from our own side).
 * Datagrams are sorted by layer (RFC 7983 first byte) and written as hex JSON into each
 * package's test/corpus/. Run it inside `unshare -n` (the package script does) so nothing can
 * leave the machine.
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MediaStream, MediaStreamTrack, type RTCDataChannel, type RTCPeerConnection } from '@x/peerconnection';
import { ChunkType, decodePacket, SctpTransport } from '@x/sctp';
import { connected, candidateEndpoint, loopbackFactory, relayedPair, rewriteCandidate, withoutCandidates } from './relayed-pair.js';
import { startTapRelay, type TapRelay } from './tap-relay.js';
import { encodeVp8, isVp8Keyframe } from './vp8-frames.js';

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));

/** Packets of one kind, deduplicated, in capture order. */
class Bucket {
  private readonly seen = new Set<string>();
  readonly items: string[] = [];
  constructor(readonly limit: number) {}
  add(hexOrText: string): void {
    if (this.items.length >= this.limit || this.seen.has(hexOrText)) return;
    this.seen.add(hexOrText);
    this.items.push(hexOrText);
  }
}

const buckets = {
  stun: new Bucket(120),
  dtlsDatagram: new Bucket(60),
  dtlsApplication: new Bucket(12),
  dtlsHandshake: new Bucket(60),
  srtp: new Bucket(80),
  srtcp: new Bucket(40),
  rtp: new Bucket(80),
  sctp: new Bucket(120),
  dcep: new Bucket(20),
  sdp: new Bucket(20),
  candidate: new Bucket(40),
};
const sources = new Set<string>();

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Sorts one datagram by its first byte (RFC 7983) and, for DTLS, by record. */
function classify(d: Uint8Array): void {
  const first = d[0] ?? 255;
  if (first <= 3) buckets.stun.add(hex(d));
  else if (first >= 20 && first <= 63) {
    // Application data is many alike 1.2 kB datagrams: a few suffice.
    if (first === 23) buckets.dtlsApplication.add(hex(d));
    else buckets.dtlsDatagram.add(hex(d));
    // Records: type, version, epoch, sequence (6), length; handshake bodies of epoch 0 are plaintext.
    for (let o = 0; o + 13 <= d.length;) {
      const length = (d[o + 11]! << 8) | d[o + 12]!;
      const epoch = (d[o + 3]! << 8) | d[o + 4]!;
      if (d[o] === 22 && epoch === 0) buckets.dtlsHandshake.add(hex(d.subarray(o + 13, o + 13 + length)));
      o += 13 + length;
    }
  } else if (first >= 128 && first <= 191) {
    const pt = d[1]! & 0xff;
    if (pt >= 192 && pt <= 223) buckets.srtcp.add(hex(d));
    else buckets.srtp.add(hex(d));
  }
}

function addDescription(sdp: string): void {
  buckets.sdp.add(sdp);
  for (const line of sdp.split('\r\n')) if (line.startsWith('a=candidate:')) buckets.candidate.add(line.slice(2));
}

function tapAll(_direction: string, d: Buffer): void {
  classify(new Uint8Array(d));
}

function opened(ch: RTCDataChannel): Promise<void> {
  return ch.readyState === 'open' ? Promise.resolve() : new Promise((resolve) => ch.addEventListener('open', () => resolve(), { once: true }));
}

/** Messages of several sizes and kinds, and the answer echoed back. */
async function chatter(tx: { send(d: string | Uint8Array): void }, rx: { addEventListener(t: string, f: (e: Event) => void): void }, count: number): Promise<void> {
  const sizes = [1, 13, 500, 1100, 1300, 5000, 70000];
  let got = 0;
  const all = new Promise<void>((resolve) => rx.addEventListener('message', () => {
    if (++got === count) resolve();
  }));
  for (let i = 0; i < count; i++) {
    const size = sizes[i % sizes.length]!;
    if (i % 3 === 0) tx.send('x'.repeat(size));
    else tx.send(new Uint8Array(size).fill(i));
  }
  await all;
}

async function ourPeers(): Promise<void> {
  const frames = encodeVp8(1, { gop: 15 });
  const video = new MediaStreamTrack('video');
  let remote: Promise<MediaStreamTrack> | undefined;
  let chat: RTCDataChannel | undefined;
  let far: Promise<RTCDataChannel> | undefined;
  const pair = await relayedPair<TapRelay>({
    startRelay: (a, b) => startTapRelay(a, b, tapAll),
    prepare: (a, b) => {
      chat = a.createDataChannel('chat', { protocol: 'capture', ordered: false, maxRetransmits: 2 });
      a.addTrack(video, new MediaStream([video]));
      remote = new Promise((resolve) => {
        b.ontrack = (e) => resolve(e.track as MediaStreamTrack);
      });
      far = new Promise((resolve) => {
        b.ondatachannel = (e) => resolve(e.channel as RTCDataChannel);
      });
    },
  });
  addDescription(pair.a.localDescription!.sdp);
  addDescription(pair.b.localDescription!.sdp);
  await Promise.all([connected(pair.a), connected(pair.b), opened(chat!)]);
  const track = await remote!;
  track.onRtp = (p) => buckets.rtp.add(hex(p));
  const farChat = await far!;
  await chatter(chat!, farChat, 14);
  const got = new Promise<void>((resolve) => {
    let n = 0;
    track.onFrame = () => {
      if (++n === frames.length) resolve();
    };
  });
  for (let i = 0; i < frames.length; i++) {
    video.writeFrame(frames[i]!, { timestamp: i * 33_333, keyframe: isVp8Keyframe(frames[i]!) });
    await new Promise((resolve) => setTimeout(resolve, 33));
  }
  await got;
  // RTCP reports go out every second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  chat!.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await pair.close();
  sources.add('two @x/peerconnection peers (data channels, VP8)');
}

async function oursAgainstLibwebrtc(): Promise<void> {
  type Wrtc = { RTCPeerConnection: new (c: object) => RTCPeerConnection };
  let wrtc: Wrtc;
  try {
    wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as Wrtc;
  } catch {
    console.warn('@roamhq/wrtc is not installed: libwebrtc packets not captured');
    return;
  }
  const ours = loopbackFactory().createPeerConnection();
  const theirs = new wrtc.RTCPeerConnection({ iceServers: [] });
  const ourCandidates: string[] = [];
  const theirCandidates: string[] = [];
  const gatheredOurs = new Promise<void>((resolve) => {
    ours.onicecandidate = (e) => (e.candidate === null ? resolve() : void ourCandidates.push(e.candidate.candidate));
  });
  const gatheredTheirs = new Promise<void>((resolve) => {
    (theirs as unknown as { onicecandidate: (e: { candidate: { candidate: string } | null }) => void }).onicecandidate = (e) =>
      e.candidate === null ? resolve() : void theirCandidates.push(e.candidate.candidate);
  });
  const chat = ours.createDataChannel('chat', { negotiated: true, id: 0 });
  const farChat = (theirs as unknown as { createDataChannel(l: string, o: object): RTCDataChannel }).createDataChannel('chat', { negotiated: true, id: 0 });
  await ours.setLocalDescription();
  await theirs.setRemoteDescription({ type: 'offer', sdp: withoutCandidates(ours.localDescription!.sdp) });
  const answer = await theirs.createAnswer();
  await theirs.setLocalDescription(answer);
  await ours.setRemoteDescription({ type: 'answer', sdp: withoutCandidates(theirs.localDescription!.sdp) });
  await Promise.all([gatheredOurs, gatheredTheirs]);
  addDescription(ours.localDescription!.sdp);
  addDescription(theirs.localDescription!.sdp);
  const mine = ourCandidates.find((c) => candidateEndpoint(c).address === '127.0.0.1');
  const their = theirCandidates.find((c) => candidateEndpoint(c).address === '127.0.0.1' && c.includes(' udp '));
  if (mine === undefined || their === undefined) throw new Error('no 127.0.0.1 candidate on one side');
  for (const c of theirCandidates) buckets.candidate.add(c);
  const relay = await startTapRelay(candidateEndpoint(mine), candidateEndpoint(their), tapAll);
  try {
    await ours.addIceCandidate({ candidate: rewriteCandidate(their, relay.addressForA.address, relay.addressForA.port), sdpMid: '0' });
    await theirs.addIceCandidate({ candidate: rewriteCandidate(mine, relay.addressForB.address, relay.addressForB.port), sdpMid: '0' });
    await Promise.all([connected(ours), opened(chat)]);
    // libwebrtc's channel has the on<event> attributes.
    if (farChat.readyState !== 'open') await new Promise((resolve) => (farChat.onopen = resolve));
    farChat.onmessage = (e: MessageEvent) => farChat.send(e.data as string);
    // The handshake is what matters here; the echo is a bonus (it has not come back in this setup).
    const echoed = await Promise.race([chatter(chat, chat, 10).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000))]);
    if (!echoed) console.warn('libwebrtc did not echo the data channel messages within 3 s; its handshake packets are captured');
  } finally {
    ours.close();
    theirs.close();
    await relay.close();
  }
  sources.add('@x/peerconnection against libwebrtc (@roamhq/wrtc), data channel');
}

/** Two of our SCTP transports over an in-memory pipe: plaintext SCTP packets, DCEP included. */
async function sctpPlaintext(): Promise<void> {
  let deliverTo: [((d: Uint8Array) => void) | undefined, ((d: Uint8Array) => void) | undefined] = [undefined, undefined];
  const pipe = (side: 0 | 1) => ({
    send: (d: Uint8Array) => {
      const copy = Uint8Array.from(d);
      buckets.sctp.add(hex(copy));
      // DATA chunks carrying DCEP (PPID 50, RFC 8832).
      for (const chunk of decodePacket(copy).chunks) {
        if (chunk.type !== ChunkType.DATA || !('userData' in chunk)) continue;
        if (chunk.payloadProtocolIdentifier === 50) buckets.dcep.add(hex(chunk.userData));
      }
      setImmediate(() => deliverTo[side === 0 ? 1 : 0]?.(copy));
    },
    onData: (cb: (d: Uint8Array) => void) => {
      deliverTo = side === 0 ? [cb, deliverTo[1]] : [deliverTo[0], cb];
    },
    close: () => undefined,
  });
  const a = new SctpTransport(pipe(0), { role: 'client' });
  const b = new SctpTransport(pipe(1), { role: 'server' });
  a.connect();
  b.connect();
  await Promise.all([a.established(), b.established()]);
  const received: unknown[] = [];
  b.on('datachannel', (ch) => ch.on('message', (m: unknown) => received.push(m)));
  const channels = [
    a.createDataChannel('reliable', { protocol: 'p' }),
    a.createDataChannel('unordered', { ordered: false, maxRetransmits: 0, priority: 512 }),
    a.createDataChannel('timed', { maxPacketLifeTime: 100 }),
  ];
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (const ch of channels) {
    ch.send('hello');
    ch.send(new Uint8Array(3000).fill(7));
    ch.send(new Uint8Array(0));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  channels[0]!.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  a.close();
  b.close();
  sources.add('two @x/sctp transports over an in-memory pipe');
}

function write(pkg: string, name: string, what: string, items: string[]): number {
  const dir = `${packagesDir}${pkg}/test/corpus`;
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify({ what, capturedBy: 'apps/robustness capture', sources: [...sources], items }, null, 1)}\n`;
  writeFileSync(`${dir}/${name}.json`, text);
  return text.length;
}

async function main(): Promise<void> {
  await ourPeers();
  console.log('our peers captured');
  await oursAgainstLibwebrtc();
  console.log('libwebrtc captured');
  await sctpPlaintext();
  let total = 0;
  total += write('stun', 'stun-messages', 'STUN datagrams (ICE checks and answers) as hex', buckets.stun.items);
  total += write('ice', 'stun-messages', 'STUN datagrams (ICE checks and answers) as hex', buckets.stun.items);
  total += write('ice', 'candidates', 'ICE candidate attributes (without a=) as text', buckets.candidate.items);
  total += write('dtls', 'datagrams', 'DTLS datagrams (one or more records) as hex', [...buckets.dtlsDatagram.items, ...buckets.dtlsApplication.items]);
  total += write('dtls', 'handshake-fragments', 'plaintext DTLS handshake record bodies (epoch 0) as hex', buckets.dtlsHandshake.items);
  total += write('srtp', 'srtp', 'SRTP packets as hex', buckets.srtp.items);
  total += write('srtp', 'srtcp', 'SRTCP packets as hex', buckets.srtcp.items);
  total += write('rtp', 'rtp', 'plaintext RTP packets (VP8) as received by our peer, hex', buckets.rtp.items);
  total += write('rtp', 'rtcp-headers', 'SRTCP packets as hex: the first 8 bytes are plaintext RTCP header and SSRC', buckets.srtcp.items);
  total += write('sctp', 'packets', 'plaintext SCTP packets as hex', buckets.sctp.items);
  total += write('sctp', 'dcep', 'DCEP messages (PPID 50) as hex', buckets.dcep.items);
  total += write('sdp', 'descriptions', 'session descriptions as text', buckets.sdp.items);
  console.log(JSON.stringify(Object.fromEntries(Object.entries(buckets).map(([k, b]) => [k, b.items.length]))));
  console.log(`wrote ${(total / 1024).toFixed(0)} KiB of corpora`);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
