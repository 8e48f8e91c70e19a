// Scenarios: each a function over two running peers, the offerer and the answerer, that throws
// with a reason when the peers do not do what the protocol says.
import type { PeerDriver } from './driver.js';
import { decodeCheck } from './media/ffmpeg.js';
import { routedAddress } from './netns.js';
import type { ChannelInfo, ChannelInit, IceServer, MediaInit, MediaReport, ReceiveStats, RemoteCandidate, SendResult, TrackReport } from './protocol.js';

/** What a run gives its scenarios besides the two peers. */
export interface ScenarioEnv {
  /** The run's TURN server (coturn on 127.0.0.1), started on first use. */
  turn(): Promise<IceServer>;
  /** The run's media files (made by ffmpeg on first use) and a fresh directory for this cell's received media. */
  media(): Promise<Pick<MediaInit, 'files' | 'record'>>;
  /** Adds a network with a default route to the run's namespace (see netns.ts); resolves with its undo. */
  routedNetwork(): Promise<() => void>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Which pairs the scenario is about (absent: every pair); the others' cells are not run. */
  appliesTo?(a: string, b: string): boolean;
  /** Resolves with a short note on success; throws with the reason on failure. */
  run(offerer: PeerDriver, answerer: PeerDriver, env: ScenarioEnv): Promise<string>;
}

/**
 * An SDP with every candidate line but UDP ones on 127.0.0.1 (and of type `only`, if given) taken
 * out; with `mdns`, UDP host candidates named by mDNS (`.local`) instead.
 */
export function loopbackOnlySdp(sdp: string, only?: 'host' | 'srflx' | 'relay', mdns = false): string {
  const lines = sdp.split(/\r?\n/).filter((line) => {
    if (!line.startsWith('a=candidate:')) return true;
    const [, , transport, , address, , , type] = line.split(' ');
    if (transport?.toLowerCase() !== 'udp') return false;
    if (mdns) return type === 'host' && /\.local$/i.test(address ?? '');
    return address === '127.0.0.1' && (!only || type === only);
  });
  return lines.join('\r\n');
}

function check(condition: boolean, reason: string): void {
  if (!condition) throw new Error(reason);
}

/** Offer from `offerer` with these channels, answer from `answerer`, wait until every channel is open on both sides. */
export async function connect(
  offerer: PeerDriver,
  answerer: PeerDriver,
  channels: ChannelInit[],
  only?: 'relay',
): Promise<Map<string, ChannelInfo>> {
  const what = `UDP${only ? ` ${only}` : ''} candidate on 127.0.0.1`;
  for (const channel of channels) await offerer.request('createChannel', channel);
  const offer = loopbackOnlySdp(((await offerer.request('createOffer', {})) as { sdp: string }).sdp, only);
  check(offer.includes('a=candidate:'), `${offerer.name}'s offer has no ${what}`);
  const answer = loopbackOnlySdp(((await answerer.request('applyOffer', { sdp: offer })) as { sdp: string }).sdp, only);
  check(answer.includes('a=candidate:'), `${answerer.name}'s answer has no ${what}`);
  await offerer.request('applyAnswer', { sdp: answer });
  const remote = new Map<string, ChannelInfo>();
  await Promise.all(
    channels.map(async ({ label }) => {
      const [, theirs] = await Promise.all([
        offerer.request('waitOpen', { label }, 20_000),
        answerer.request('waitOpen', { label }, 20_000),
      ]);
      remote.set(label, theirs as ChannelInfo);
    }),
  ).catch((error: unknown) => {
    throw new Error(`channels did not open: ${error instanceof Error ? error.message : String(error)}`);
  });
  return remote;
}

const send = (from: PeerDriver, args: { label: string; count: number; size: number; varied?: boolean; first?: number }, timeoutMs = 30_000) =>
  from.request('send', args, timeoutMs) as Promise<SendResult>;
const received = (at: PeerDriver, label: string, messages: number, timeoutMs = 30_000) =>
  at.request('waitReceived', { label, messages }, timeoutMs) as Promise<ReceiveStats>;

/** All `sent` arrived intact, once each, in order when `ordered`. */
function checkDelivery(who: string, sent: SendResult, got: ReceiveStats, ordered: boolean): void {
  check(got.messages === sent.messages, `${who} got ${got.messages} of ${sent.messages} messages`);
  check(got.invalid === 0, `${who} got ${got.invalid} corrupt messages`);
  check(got.duplicates === 0, `${who} got ${got.duplicates} duplicates`);
  check(got.bytes === sent.bytes, `${who} got ${got.bytes} of ${sent.bytes} bytes`);
  if (ordered) {
    check(got.reordered === 0, `${who} got ${got.reordered} messages out of order on an ordered channel`);
    check(got.sha256 === sent.sha256, `${who}: SHA-256 differs`);
  }
}

function checkChannel(info: ChannelInfo | undefined, ordered: boolean, maxRetransmits: number | null): void {
  check(info !== undefined, 'no channel info');
  check(info!.ordered === ordered, `the answerer sees ordered=${String(info!.ordered)}, not ${String(ordered)}`);
  // libwebrtc in node (@roamhq/wrtc) reports an unset maxRetransmits as 65535: as many as it likes, reliable.
  const seen = maxRetransmits === null && info!.maxRetransmits === 65535 ? null : info!.maxRetransmits;
  check(seen === maxRetransmits, `the answerer sees maxRetransmits=${String(info!.maxRetransmits)}, not ${String(maxRetransmits)}`);
}

export const reliableOrderedEcho: Scenario = {
  name: 'dc-reliable-echo',
  description: 'reliable ordered channel: 200 messages of 4–16000 bytes echoed back, compared by SHA-256',
  async run(offerer, answerer) {
    await answerer.request('echo', { label: 'echo' });
    const remote = await connect(offerer, answerer, [{ label: 'echo', ordered: true }]);
    checkChannel(remote.get('echo'), true, null);
    const sent = await send(offerer, { label: 'echo', count: 200, size: 16_000, varied: true });
    checkDelivery(answerer.name, sent, await received(answerer, 'echo', 200), true);
    checkDelivery(`${offerer.name} (echo)`, sent, await received(offerer, 'echo', 200), true);
    return `${sent.bytes} bytes each way`;
  },
};

export const unordered: Scenario = {
  name: 'dc-unordered',
  description: 'reliable unordered channel: 500 messages of 1200 bytes each way, all arrive intact once',
  async run(offerer, answerer) {
    const remote = await connect(offerer, answerer, [{ label: 'unordered', ordered: false }]);
    checkChannel(remote.get('unordered'), false, null);
    const [a, b] = await Promise.all([
      send(offerer, { label: 'unordered', count: 500, size: 1200 }),
      send(answerer, { label: 'unordered', count: 500, size: 1200 }),
    ]);
    checkDelivery(answerer.name, a, await received(answerer, 'unordered', 500), false);
    checkDelivery(offerer.name, b, await received(offerer, 'unordered', 500), false);
    return '500 messages each way';
  },
};

export const partiallyReliable: Scenario = {
  name: 'dc-partial',
  description: 'unordered channel with maxRetransmits 0: the answerer sees it so; what arrives is intact and once',
  async run(offerer, answerer) {
    const remote = await connect(offerer, answerer, [{ label: 'partial', ordered: false, maxRetransmits: 0 }]);
    checkChannel(remote.get('partial'), false, 0);
    const sent = await send(offerer, { label: 'partial', count: 300, size: 1000 });
    // Loss is allowed here, so not all may come: take what is there after a while.
    const got = await received(answerer, 'partial', 300, 5000).catch(() => answerer.request('stats', { label: 'partial' }) as Promise<ReceiveStats>);
    check(got.messages > 0, `${answerer.name} got none of ${sent.messages} messages`);
    check(got.invalid === 0, `${answerer.name} got ${got.invalid} corrupt messages`);
    check(got.duplicates === 0, `${answerer.name} got ${got.duplicates} duplicates`);
    return `${got.messages}/${sent.messages} arrived`;
  },
};

export const transfer16MiB: Scenario = {
  name: 'dc-16mib',
  description: '16 MiB in 16 KiB messages on a reliable ordered channel, compared by SHA-256',
  async run(offerer, answerer) {
    await connect(offerer, answerer, [{ label: 'bulk', ordered: true }]);
    const count = 1024;
    const started = Date.now();
    const [sent, got] = await Promise.all([
      send(offerer, { label: 'bulk', count, size: 16_384 }, 120_000),
      received(answerer, 'bulk', count, 120_000),
    ]);
    checkDelivery(answerer.name, sent, got, true);
    const seconds = (Date.now() - started) / 1000;
    return `${(sent.bytes / 1048576 / seconds).toFixed(1)} MiB/s`;
  },
};

export const closeOne: Scenario = {
  name: 'dc-close-one',
  description: 'two channels; the offerer closes one, both sides see it closed, the other goes on both ways',
  async run(offerer, answerer) {
    await connect(offerer, answerer, [
      { label: 'keep', ordered: true },
      { label: 'drop', ordered: true },
    ]);
    await Promise.all([
      send(offerer, { label: 'keep', count: 50, size: 500 }),
      send(offerer, { label: 'drop', count: 50, size: 500 }),
      send(answerer, { label: 'keep', count: 50, size: 500 }),
    ]);
    await Promise.all([received(answerer, 'drop', 50), received(answerer, 'keep', 50), received(offerer, 'keep', 50)]);
    await offerer.request('closeChannel', { label: 'drop' });
    await Promise.all([offerer.request('waitClosed', { label: 'drop' }), answerer.request('waitClosed', { label: 'drop' })]).catch((error: unknown) => {
      throw new Error(`closed channel not seen closed: ${error instanceof Error ? error.message : String(error)}`);
    });
    await Promise.all([
      send(offerer, { label: 'keep', count: 50, size: 500, first: 50 }),
      send(answerer, { label: 'keep', count: 50, size: 500, first: 50 }),
    ]);
    const [a, b] = await Promise.all([received(answerer, 'keep', 100), received(offerer, 'keep', 100)]);
    for (const [who, got] of [[answerer.name, a], [offerer.name, b]] as const) {
      check(got.valid === 100 && got.reordered === 0 && got.duplicates === 0, `${who}: "keep" after the close: ${JSON.stringify(got)}`);
    }
    return '"drop" closed on both sides, "keep" went on';
  },
};

export const iceRelay: Scenario = {
  name: 'ice-relay',
  description:
    'relay only through coturn on 127.0.0.1 (iceTransportPolicy relay, only relay candidates exchanged): 100 messages echoed, compared by SHA-256',
  async run(offerer, answerer, env) {
    const server = await env.turn();
    for (const peer of [offerer, answerer]) await peer.request('configure', { iceServers: [server], iceTransportPolicy: 'relay' });
    await answerer.request('echo', { label: 'echo' });
    await connect(offerer, answerer, [{ label: 'echo', ordered: true }], 'relay');
    const sent = await send(offerer, { label: 'echo', count: 100, size: 1200, varied: true });
    checkDelivery(answerer.name, sent, await received(answerer, 'echo', 100), true);
    checkDelivery(`${offerer.name} (echo)`, sent, await received(offerer, 'echo', 100), true);
    return `${sent.bytes} bytes each way through TURN`;
  },
};

/** Passes `from`'s trickled loopback UDP candidates to `to` once `to` has a remote description (`ready()`). */
function trickleCandidates(from: PeerDriver, to: PeerDriver): { ready(): void; count(): number; failures: string[] } {
  const queue: Array<{ candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }> = [];
  const failures: string[] = [];
  let open = false;
  let count = 0;
  const pass = (c: (typeof queue)[number]) => {
    count++;
    to.request('addCandidate', c).catch((error: unknown) => failures.push(error instanceof Error ? error.message : String(error)));
  };
  from.onEvent((e) => {
    if (e.event !== 'candidate') return;
    const [, , transport, , address] = e.candidate.replace(/^a=/, '').split(' ');
    if (transport?.toLowerCase() !== 'udp' || address !== '127.0.0.1') return;
    const c = { candidate: e.candidate.replace(/^a=/, ''), sdpMid: e.sdpMid, sdpMLineIndex: e.sdpMLineIndex };
    if (open) pass(c);
    else queue.push(c);
  });
  return {
    ready() {
      open = true;
      for (const c of queue.splice(0)) pass(c);
    },
    count: () => count,
    failures,
  };
}

export const trickle: Scenario = {
  name: 'dc-trickle',
  description:
    'trickle ICE: offer and answer go out before gathering ends, candidates follow one by one (addCandidate); then 50 messages echoed in order',
  async run(offerer, answerer) {
    const toAnswerer = trickleCandidates(offerer, answerer);
    const toOfferer = trickleCandidates(answerer, offerer);
    await answerer.request('echo', { label: 'echo' });
    await offerer.request('createChannel', { label: 'echo', ordered: true });
    const offer = loopbackOnlySdp(((await offerer.request('createOffer', { trickle: true })) as { sdp: string }).sdp);
    const answer = loopbackOnlySdp(((await answerer.request('applyOffer', { sdp: offer, trickle: true })) as { sdp: string }).sdp);
    toAnswerer.ready();
    await offerer.request('applyAnswer', { sdp: answer });
    toOfferer.ready();
    await Promise.all([offerer.request('waitOpen', { label: 'echo' }, 20_000), answerer.request('waitOpen', { label: 'echo' }, 20_000)]).catch(
      (error: unknown) => {
        const refused = [...toAnswerer.failures, ...toOfferer.failures];
        throw new Error(`channel did not open: ${error instanceof Error ? error.message : String(error)}${refused.length ? `; addCandidate failed: ${refused[0]}` : ''}`);
      },
    );
    const sent = await send(offerer, { label: 'echo', count: 50, size: 1000 });
    checkDelivery(`${offerer.name} (echo)`, sent, await received(offerer, 'echo', 50), true);
    const trickled = (n: number, peer: PeerDriver) => (n ? `${n} from ${peer.name}` : `none from ${peer.name} (all in its SDP)`);
    return `trickled ${trickled(toAnswerer.count(), offerer)}, ${trickled(toOfferer.count(), answerer)}`;
  },
};

const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];

export const iceRestart: Scenario = {
  name: 'ice-restart',
  description: 'the offerer restarts ICE (new credentials both ways) mid-call; the echo channel goes on, in order, before and after',
  async run(offerer, answerer) {
    await answerer.request('echo', { label: 'echo' });
    await offerer.request('createChannel', { label: 'echo', ordered: true });
    const offer = loopbackOnlySdp(((await offerer.request('createOffer', {})) as { sdp: string }).sdp);
    const answer = loopbackOnlySdp(((await answerer.request('applyOffer', { sdp: offer })) as { sdp: string }).sdp);
    await offerer.request('applyAnswer', { sdp: answer });
    await Promise.all([offerer.request('waitOpen', { label: 'echo' }, 20_000), answerer.request('waitOpen', { label: 'echo' }, 20_000)]);
    await send(offerer, { label: 'echo', count: 50, size: 1000 });
    await received(offerer, 'echo', 50);
    const reoffer = loopbackOnlySdp(((await offerer.request('restartIce', {})) as { sdp: string }).sdp);
    check(ufrag(reoffer) !== undefined && ufrag(reoffer) !== ufrag(offer), `${offerer.name}'s restart offer keeps its ICE ufrag`);
    check(reoffer.includes('a=candidate:'), `${offerer.name}'s restart offer has no UDP candidate on 127.0.0.1`);
    const reanswer = loopbackOnlySdp(((await answerer.request('applyOffer', { sdp: reoffer })) as { sdp: string }).sdp);
    check(ufrag(reanswer) !== undefined && ufrag(reanswer) !== ufrag(answer), `${answerer.name}'s answer to the restart keeps its ICE ufrag`);
    check(reanswer.includes('a=candidate:'), `${answerer.name}'s restart answer has no UDP candidate on 127.0.0.1`);
    await offerer.request('applyAnswer', { sdp: reanswer });
    await send(offerer, { label: 'echo', count: 50, size: 1000, first: 50 });
    const back = await received(offerer, 'echo', 100);
    check(back.valid === 100 && back.reordered === 0 && back.duplicates === 0, `${offerer.name}: echo across the restart: ${JSON.stringify(back)}`);
    return 'new ufrags both ways, 100 messages echoed across the restart';
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Host candidates of an SDP that are not mDNS names: addresses a browser that hides them should not show. */
const revealed = (sdp: string) =>
  sdp.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:') && line.split(' ')[7] === 'host' && !/\.local$/i.test(line.split(' ')[4] ?? ''));

export const iceMdns: Scenario = {
  name: 'ice-mdns',
  description:
    "Chromium without the flag that reveals addresses, in the namespace with a routed veth (see netns.ts): its host candidates are only `.local` names; the other side resolves them by mDNS (RFC 6762) there and connects; 100 messages echoed",
  appliesTo: (a, b) => a === 'chromium' || b === 'chromium',
  async run(offerer, answerer, env) {
    const undo = await env.routedNetwork();
    try {
      for (const peer of [offerer, answerer]) await peer.request('configure', { hideAddresses: true });
      await answerer.request('echo', { label: 'echo' });
      await offerer.request('createChannel', { label: 'echo', ordered: true });
      // The browser's candidates: only mDNS names, passed on as they are; the other side's: 127.0.0.1.
      const pass = (peer: PeerDriver, sdp: string) => {
        if (peer.name !== 'chromium') return loopbackOnlySdp(sdp);
        check(revealed(sdp).length === 0, `chromium shows host addresses: ${revealed(sdp)[0] ?? ''}`);
        return loopbackOnlySdp(sdp, 'host', true);
      };
      const offer = pass(offerer, ((await offerer.request('createOffer', {})) as { sdp: string }).sdp);
      check(offer.includes('a=candidate:'), `${offerer.name}'s offer has no ${offerer.name === 'chromium' ? '.local' : '127.0.0.1'} candidate`);
      const answer = pass(answerer, ((await answerer.request('applyOffer', { sdp: offer })) as { sdp: string }).sdp);
      check(answer.includes('a=candidate:'), `${answerer.name}'s answer has no ${answerer.name === 'chromium' ? '.local' : '127.0.0.1'} candidate`);
      await offerer.request('applyAnswer', { sdp: answer });
      await Promise.all([offerer.request('waitOpen', { label: 'echo' }, 20_000), answerer.request('waitOpen', { label: 'echo' }, 20_000)]).catch(
        (error: unknown) => {
          throw new Error(`channel did not open: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
      const sent = await send(offerer, { label: 'echo', count: 100, size: 1200, varied: true });
      checkDelivery(`${offerer.name} (echo)`, sent, await received(offerer, 'echo', 100), true);
      const name = /a=candidate:\S+ \d+ udp \d+ (\S+\.local)/i.exec(offerer.name === 'chromium' ? offer : answer)?.[1];
      // Chromium's checks alone would connect (the other side learns it as peer-reflexive): the
      // other side must hold the host candidate the name stands for, which only mDNS could give it.
      // Ours lists it by the address it resolved to; Pion by the name, and adds it only once resolved.
      const other = offerer.name === 'chromium' ? answerer : offerer;
      // The name resolves beside the connection (the browser's checks may connect first): wait for it a while.
      const isResolved = (c: RemoteCandidate) => c.type === 'host' && (c.address === routedAddress || c.address === name);
      let remote: RemoteCandidate[] | Error = [];
      for (let waited = 0; waited <= 16_000; waited += 250) {
        remote = (await other.request('remoteCandidates', {}).catch((error: unknown) => error)) as RemoteCandidate[] | Error;
        if (remote instanceof Error || remote.some(isResolved)) break;
        await sleep(250);
      }
      if (remote instanceof Error) return `${name ?? '?'}: connected, ${sent.bytes} bytes echoed (${remote.message}, so not shown resolved)`;
      const resolved = remote.find(isResolved);
      check(
        resolved !== undefined,
        `${other.name} has no host candidate ${routedAddress} for ${name ?? 'the .local name'} (its remote candidates: ${remote.map((c) => `${c.type} ${c.address}`).join(', ') || 'none'})`,
      );
      return `${other.name} resolved ${name ?? '?'} (${resolved!.address}); ${sent.bytes} bytes echoed`;
    } finally {
      undo();
    }
  },
};

/** Frames each side must get of each kind: 1.5 s of 30 fps video, 1.5 s of 20 ms audio frames. */
const enough = { video: 45, audio: 75 } as const;

/** How many frames `report` counts for `kind`: decoded ones where the peer decodes, else received ones. */
function counted(report: MediaReport, kind: 'audio' | 'video'): TrackReport | undefined {
  return report.received.find((t) => t.kind === kind);
}
const frames = (t: TrackReport | undefined) => (t ? (t.decoded ?? t.frames) : 0);

function describeTrack(t: TrackReport | undefined): string {
  if (!t) return 'no track';
  return `${t.codec ?? 'codec ?'}: ${t.packets} packets, ${t.frames} frames${t.decoded === null ? '' : `, ${t.decoded} decoded`}`;
}

/** Checks one side's received media of `kind`: enough frames, the codec asked for, and a file ffmpeg decodes cleanly. */
function checkReceived(who: string, report: MediaReport, kind: 'audio' | 'video', codec: string): string {
  const track = counted(report, kind);
  check(track !== undefined, `${who} got no ${kind} track`);
  check(frames(track) >= enough[kind], `${who} ${kind}: ${describeTrack(track)}, under ${enough[kind]}`);
  if (track!.codec) check(track!.codec.toLowerCase() === codec.toLowerCase(), `${who} ${kind} arrived as ${track!.codec}, not ${codec}`);
  let note = `${frames(track)}${track!.decoded === null ? '' : ' decoded'}`;
  if (track!.file) {
    const decoded = decodeCheck(track!.file);
    check(decoded.errors === '', `ffmpeg on the ${kind} ${who} wrote: ${decoded.errors.slice(0, 200)}`);
    check(decoded.frames >= enough[kind], `ffmpeg decoded ${decoded.frames} ${decoded.codec} frames of the ${kind} ${who} wrote, under ${enough[kind]}`);
    note = `${decoded.frames} ffmpeg-decoded`;
  }
  return note;
}

/** Media both ways: each side sends `video` (and Opus when `audio`), and each must get enough of it, decoded where it can be. */
async function runMedia(offerer: PeerDriver, answerer: PeerDriver, env: ScenarioEnv, video: 'VP8' | 'H264', audio: boolean): Promise<string> {
  const { files, record } = await env.media();
  for (const peer of [offerer, answerer]) await peer.request('addMedia', { audio, video, files, record });
  await connect(offerer, answerer, [{ label: 'control', ordered: true }]);
  const stats = (peer: PeerDriver, finish = false) => peer.request('mediaStats', { finish }) as Promise<MediaReport>;
  const done = (r: MediaReport) => frames(counted(r, 'video')) >= enough.video && (!audio || frames(counted(r, 'audio')) >= enough.audio);
  // Media flows from the moment ICE and DTLS are up: wait until both sides have enough.
  let reports: MediaReport[] = [];
  for (let waited = 0; waited < 30_000; waited += 500) {
    reports = await Promise.all([stats(offerer), stats(answerer)]);
    if (reports.every(done)) break;
    await sleep(500);
  }
  const [atOfferer, atAnswerer] = await Promise.all([stats(offerer, true), stats(answerer, true)]);
  const notes = [];
  for (const [who, report] of [
    [`${offerer.name} (offerer)`, atOfferer!],
    [`${answerer.name} (answerer)`, atAnswerer!],
  ] as const) {
    const got = checkReceived(who, report, 'video', `video/${video}`);
    notes.push(`${who.split(' ')[0]} got ${video} ${got}${audio ? `, Opus ${checkReceived(who, report, 'audio', 'audio/opus')}` : ''}`);
  }
  return notes.join('; ');
}

export const mediaOpusVp8: Scenario = {
  name: 'media-opus-vp8',
  description:
    "Opus audio and VP8 video both ways, each peer's own source; each side decodes what it gets (Chromium and wrtc: their decoders, aiortc: its decoder, ours: IVF/Ogg decoded by ffmpeg, Pion and werift: frames counted)",
  run: (offerer, answerer, env) => runMedia(offerer, answerer, env, 'VP8', true),
};

export const mediaH264: Scenario = {
  name: 'media-h264',
  description:
    'H.264 video both ways (packetization-mode 1, constrained baseline 42e01f, set by setCodecPreferences), each peer its own source (ours: libx264 Annex B access units); Chromium counts decoded frames, ours writes an Annex B .h264 that ffmpeg must decode',
  run: (offerer, answerer, env) => runMedia(offerer, answerer, env, 'H264', false),
};

/** Every scenario, in the matrix's column order. */
export const scenarios: readonly Scenario[] = [
  reliableOrderedEcho,
  unordered,
  partiallyReliable,
  transfer16MiB,
  closeOne,
  trickle,
  iceRelay,
  iceRestart,
  iceMdns,
  mediaOpusVp8,
  mediaH264,
];
