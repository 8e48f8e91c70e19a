// The JavaScript peer agent: answers the harness's requests (protocol.ts) with any W3C-shaped
// RTCPeerConnection: libwebrtc (@roamhq/wrtc), werift and ours in a node child process
// (agent/node.ts), Chromium's own in a page (peers/chromium.ts serves this file as an ES module).
// So it imports nothing, and everything host-specific comes in through `AgentHost`.

/* eslint-disable @typescript-eslint/no-explicit-any -- every stack has its own classes for the same W3C shapes */

/** An incremental SHA-256 (node: createHash; browser: collect, then crypto.subtle). */
export interface Sha256 {
  update(data: Uint8Array): void;
  digest(): Promise<string>;
}

/** What `configure` sets; a host merges it into its own RTCConfiguration. */
export interface PeerSettings {
  iceServers?: Array<{ urls: string; username?: string; credential?: string }>;
  iceTransportPolicy?: 'all' | 'relay';
}

/** A host's media: its sources for `addMedia`, and what it counts on remote tracks. */
export interface MediaHost {
  /** The local tracks (already producing) for what `addMedia` asks, and the stream they go in. */
  createTracks(init: { audio: boolean; video: string | null; files: { ivf: string; ogg: string; h264: string }; record: string }): Promise<{ tracks: any[]; stream?: any }>;
  /** A remote track arrived (the `track` event). */
  receive(track: any, receiver: any): void;
  /** What arrived so far (`finish`: also write what was kept to files); `pc` for getStats. */
  report(pc: any, finish: boolean): Promise<object>;
  /** Stops the sources. */
  stop(): void;
  /** The codecs for `setCodecPreferences` that ask for H.264 (42e01f, packetization-mode 1), where the stack's receiver has no static `getCapabilities`. */
  h264Codecs?(): any[];
}

export interface AgentHost {
  createPeerConnection(settings: PeerSettings): any;
  /** Absent: this host sends and receives no media. */
  media?: MediaHost;
  sha256(): Sha256;
  /** Sends one reply or event to the harness. */
  emit(message: object): void;
  /** Called once `close` is answered. */
  exit(): void;
}

interface ChannelEntry {
  channel: any;
  echo: boolean;
  stats: Stats;
  openWaiters: Array<() => void>;
  closeWaiters: Array<() => void>;
  receiveWaiters: Array<{ messages: number; resolve: () => void }>;
}

class Stats {
  messages = 0;
  bytes = 0;
  valid = 0;
  invalid = 0;
  duplicates = 0;
  reordered = 0;
  private highest = -1;
  private readonly seen = new Set<number>();
  readonly hash: Sha256;
  constructor(hash: Sha256) {
    this.hash = hash;
  }

  add(data: Uint8Array): void {
    this.messages++;
    this.bytes += data.byteLength;
    this.hash.update(data);
    if (data.byteLength < 4) {
      this.invalid++;
      return;
    }
    const i = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
    let ok = true;
    for (let j = 4; j < data.byteLength; j++) {
      if (data[j] !== (i + j) % 251) {
        ok = false;
        break;
      }
    }
    if (ok) this.valid++;
    else this.invalid++;
    if (this.seen.has(i)) this.duplicates++;
    this.seen.add(i);
    if (i < this.highest) this.reordered++;
    else this.highest = i;
  }

  async report(): Promise<object> {
    const { messages, bytes, valid, invalid, duplicates, reordered } = this;
    return { messages, bytes, sha256: await this.hash.digest(), valid, invalid, duplicates, reordered };
  }
}

/** Test message `i` (see protocol.ts): index big-endian, then (i + j) % 251. */
export function testMessage(i: number, length: number): Uint8Array {
  const data = new Uint8Array(length);
  data[0] = (i >>> 24) & 0xff;
  data[1] = (i >>> 16) & 0xff;
  data[2] = (i >>> 8) & 0xff;
  data[3] = i & 0xff;
  for (let j = 4; j < length; j++) data[j] = (i + j) % 251;
  return data;
}

function toBytes(data: any): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`unexpected message type ${Object.prototype.toString.call(data)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The remote candidates in getStats (`remote-candidate`). */
async function remoteCandidates(pc: any): Promise<object[]> {
  const stats: Map<string, any> = await pc.getStats();
  return [...stats.values()].filter((s) => s.type === 'remote-candidate').map((c) => ({ address: c.address ?? c.ip, port: c.port, type: c.candidateType }));
}

/** Makes an agent; feed it each request object the harness sends. */
export function createAgent(host: AgentHost): (request: any) => void {
  let pc: any;
  let settings: PeerSettings = {};
  const channels = new Map<string, ChannelEntry>();
  const echoLabels = new Set<string>();
  let gathered: Promise<void> = Promise.resolve();
  let gatheringDone: () => void = () => undefined;
  /** Before each setLocalDescription: the next null candidate ends this round of gathering. */
  const rearm = () => {
    gathered = new Promise<void>((resolve) => (gatheringDone = resolve));
  };

  const info = (ch: any) => ({
    label: ch.label,
    readyState: ch.readyState,
    ordered: ch.ordered,
    maxRetransmits: ch.maxRetransmits ?? null,
  });

  const peer = (): any => {
    if (pc) return pc;
    pc = host.createPeerConnection(settings);
    pc.onicecandidate = (e: any) => {
      if (!e || !e.candidate || !e.candidate.candidate) return gatheringDone();
      const c = e.candidate;
      host.emit({ event: 'candidate', candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
    };
    // Both states: where a connection stops (ICE checks or DTLS) is the first thing a failure asks.
    const watchState = () => host.emit({ event: 'state', state: `${String(pc.connectionState)}/ice ${String(pc.iceConnectionState)}` });
    pc.onconnectionstatechange = watchState;
    pc.oniceconnectionstatechange = watchState;
    pc.ondatachannel = (e: any) => adopt(e.channel);
    pc.ontrack = (e: any) => {
      try {
        host.media?.receive(e.track, e.receiver);
      } catch (error) {
        host.emit({ event: 'log', text: `track: ${String(error)}` });
      }
    };
    return pc;
  };

  const waitGathering = async (restart = false) => {
    // The null candidate ends gathering; the state covers a stack that signals it only there.
    // After an ICE restart the state may still say 'complete' from the last round for a moment.
    for (let waited = 0; waited < 10_000; waited += 10) {
      if (pc.iceGatheringState === 'complete' && (!restart || waited >= 500)) return;
      const finished = await Promise.race([gathered.then(() => true), sleep(10).then(() => false)]);
      if (finished) return;
    }
  };

  const adopt = (channel: any): ChannelEntry => {
    const entry: ChannelEntry = {
      channel,
      echo: echoLabels.has(channel.label),
      stats: new Stats(host.sha256()),
      openWaiters: [],
      closeWaiters: [],
      receiveWaiters: [],
    };
    channels.set(channel.label, entry);
    try {
      channel.binaryType = 'arraybuffer';
    } catch {
      // werift has no binaryType and always gives a Buffer.
    }
    const opened = () => {
      host.emit({ event: 'channel', ...info(channel) });
      for (const w of entry.openWaiters.splice(0)) w();
    };
    channel.onopen = opened;
    channel.onclose = () => {
      host.emit({ event: 'channel-close', label: channel.label });
      for (const w of entry.closeWaiters.splice(0)) w();
    };
    channel.onmessage = (e: any) => {
      let data: Uint8Array;
      try {
        data = toBytes(e.data);
      } catch (error) {
        host.emit({ event: 'log', text: String(error) });
        return;
      }
      entry.stats.add(data);
      if (entry.echo) {
        try {
          channel.send(data);
        } catch (error) {
          host.emit({ event: 'log', text: `echo failed: ${String(error)}` });
        }
      }
      entry.receiveWaiters = entry.receiveWaiters.filter((w) => {
        if (entry.stats.messages < w.messages) return true;
        w.resolve();
        return false;
      });
    };
    if (channel.readyState === 'open') queueMicrotask(opened);
    return entry;
  };

  const entry = (label: string): ChannelEntry => {
    const found = channels.get(label);
    if (!found) throw new Error(`no channel "${label}"`);
    return found;
  };

  const waitFor = async (label: string, state: 'open' | 'closed'): Promise<object> => {
    // A remote channel may not exist yet: wait for it to appear.
    while (!channels.has(label)) await sleep(10);
    const e = entry(label);
    if (e.channel.readyState !== state) {
      await new Promise<void>((resolve) => (state === 'open' ? e.openWaiters : e.closeWaiters).push(resolve));
    }
    return info(e.channel);
  };

  const send = async (r: any): Promise<object> => {
    const ch = entry(r.label).channel;
    const hash = host.sha256();
    let bytes = 0;
    const first = r.first ?? 0;
    for (let i = first; i < first + r.count; i++) {
      // Back-pressure by polling bufferedAmount: every stack has it, not every one fires bufferedamountlow.
      while (ch.bufferedAmount > 1024 * 1024) await sleep(2);
      const length = r.varied ? 4 + ((i * 7919) % (r.size - 3)) : r.size;
      const data = testMessage(i, length);
      hash.update(data);
      bytes += length;
      ch.send(data);
    }
    return { messages: r.count, bytes, sha256: await hash.digest() };
  };

  /** Tracks from `addMedia` not yet added: before the offer is made, or once the remote offer is set (reusing its transceivers). */
  let pendingMedia: { tracks: any[]; stream?: any; video: string | null } | undefined;
  const addPendingMedia = () => {
    if (!pendingMedia) return;
    const { tracks, stream, video } = pendingMedia;
    pendingMedia = undefined;
    for (const track of tracks) {
      const sender = stream ? peer().addTrack(track, stream) : peer().addTrack(track);
      if (track.kind === 'video' && video === 'H264') preferH264(sender);
    }
  };
  /**
   * Holds the sender's transceiver to H.264 packetization-mode 1, constrained baseline (42e01f), as
   * browsers negotiate it, with its RTX; a stack without that codec throws here (its limitation).
   */
  const preferH264 = (sender: any) => {
    const transceiver = peer().getTransceivers().find((t: any) => t.sender === sender);
    const own = host.media?.h264Codecs?.();
    if (own) return transceiver.setCodecPreferences(own);
    const capabilities = transceiver?.receiver.constructor.getCapabilities?.('video');
    if (!transceiver?.setCodecPreferences || !capabilities) throw new Error('no setCodecPreferences / getCapabilities to ask for H.264');
    const fmtp = (c: any) => String(c.sdpFmtpLine ?? '').toLowerCase();
    const h264 = capabilities.codecs.filter(
      (c: any) => c.mimeType.toLowerCase() === 'video/h264' && fmtp(c).includes('packetization-mode=1') && fmtp(c).includes('profile-level-id=42e01f'),
    );
    if (h264.length === 0) throw new Error('no H.264 (packetization-mode=1, profile-level-id=42e01f) in RTCRtpReceiver.getCapabilities(\'video\')');
    const rtx = capabilities.codecs.filter((c: any) => c.mimeType.toLowerCase() === 'video/rtx');
    transceiver.setCodecPreferences([...h264, ...rtx]);
  };

  const handle = async (r: any): Promise<unknown> => {
    switch (r.cmd) {
      case 'configure':
        if (pc) throw new Error('configure comes before the peer connection is made');
        settings = { iceServers: r.iceServers, iceTransportPolicy: r.iceTransportPolicy };
        return {};
      case 'createChannel': {
        const init: Record<string, unknown> = { ordered: r.ordered ?? true };
        if (r.maxRetransmits !== undefined) init.maxRetransmits = r.maxRetransmits;
        adopt(peer().createDataChannel(r.label, init));
        return {};
      }
      case 'createOffer': {
        const p = peer();
        addPendingMedia();
        const offer = await p.createOffer();
        rearm();
        await p.setLocalDescription(offer);
        if (!r.trickle) await waitGathering();
        return { sdp: p.localDescription.sdp };
      }
      case 'addCandidate':
        await peer().addIceCandidate({ candidate: r.candidate, sdpMid: r.sdpMid ?? '0', sdpMLineIndex: r.sdpMLineIndex ?? 0 });
        return {};
      case 'restartIce': {
        const p = peer();
        p.restartIce?.();
        const offer = await p.createOffer({ iceRestart: true });
        rearm();
        await p.setLocalDescription(offer);
        await waitGathering(true);
        return { sdp: p.localDescription.sdp };
      }
      case 'applyOffer': {
        const p = peer();
        const renegotiation = Boolean(p.remoteDescription);
        await p.setRemoteDescription({ type: 'offer', sdp: r.sdp });
        addPendingMedia();
        const answer = await p.createAnswer();
        rearm();
        await p.setLocalDescription(answer);
        if (!r.trickle) await waitGathering(renegotiation);
        return { sdp: p.localDescription.sdp };
      }
      case 'applyAnswer':
        await peer().setRemoteDescription({ type: 'answer', sdp: r.sdp });
        return {};
      case 'waitOpen':
        return waitFor(r.label, 'open');
      case 'waitClosed':
        return waitFor(r.label, 'closed');
      case 'echo': {
        echoLabels.add(r.label);
        const e = channels.get(r.label);
        if (e) e.echo = true;
        return {};
      }
      case 'send':
        return send(r);
      case 'waitReceived': {
        const e = entry(r.label);
        if (e.stats.messages < r.messages) await new Promise<void>((resolve) => e.receiveWaiters.push({ messages: r.messages, resolve }));
        return e.stats.report();
      }
      case 'stats':
        return entry(r.label).stats.report();
      case 'closeChannel':
        entry(r.label).channel.close();
        return {};
      case 'remoteCandidates':
        return remoteCandidates(peer());
      case 'addMedia':
        if (!host.media) throw new Error('this agent sends no media');
        pendingMedia = { ...(await host.media.createTracks({ audio: r.audio, video: r.video, files: r.files, record: r.record })), video: r.video };
        return {};
      case 'mediaStats':
        if (!host.media) throw new Error('this agent has no media');
        return host.media.report(pc, Boolean(r.finish));
      case 'close':
        host.media?.stop();
        if (pc) await pc.close();
        return {};
      default:
        throw new Error(`unknown command ${String(r.cmd)}`);
    }
  };

  return (request: any) => {
    handle(request).then(
      (result) => {
        host.emit({ id: request.id, ok: true, result });
        if (request.cmd === 'close') host.exit();
      },
      (error: unknown) => host.emit({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  };
}
