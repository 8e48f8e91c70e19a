// The peer-driver protocol: the harness drives every peer (a child process, or a Chromium page) with
// requests and reads back replies and events, one JSON object a line. The same shapes are spoken
// by the JavaScript agent (agent/core.ts, for libwebrtc, werift, Chromium and ours), the Go agent
// (peers/pion/main.go) and the Python agent (peers/aiortc/agent.py).
//
// Test data is self-describing, so any receiver can check it without knowing the sender: message i
// starts with i as a 4-byte big-endian integer, and its byte j (j >= 4) is (i + j) % 251.

/** A data channel as `createChannel` makes it, and as `channel` events describe it. */
export interface ChannelInit {
  label: string;
  ordered?: boolean;
  /** Partial reliability: how often a message may be retransmitted (0: never). */
  maxRetransmits?: number;
}

/** What the harness asks a peer; each request carries an `id` the reply echoes. */
/** An ICE server as RTCConfiguration has it (one URL). */
export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

export type Request =
  /** Settings for the peer connection, before any request that makes it. */
  | {
      cmd: 'configure';
      iceServers?: IceServer[];
      iceTransportPolicy?: 'all' | 'relay';
      /** A browser hides its host addresses behind mDNS `.local` names, as it does for a page without camera permission (Chromium restarts without the flag that reveals them); other peers ignore it. */
      hideAddresses?: boolean;
    }
  /** A channel on the peer connection (before createOffer, or once connected: DCEP then opens it). */
  | ({ cmd: 'createChannel' } & ChannelInit)
  /** Create an offer, set it as local description, wait for gathering (not when `trickle`): reply `{ sdp }`. */
  | { cmd: 'createOffer'; trickle?: boolean }
  /** A remote candidate (trickle ICE), as its `a=candidate:` attribute without the `a=`. */
  | { cmd: 'addCandidate'; candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }
  /** ICE restart: a new offer with fresh ICE credentials, set as local description after gathering: reply `{ sdp }`. */
  | { cmd: 'restartIce' }
  /** Set the remote offer, create and set the answer, wait for gathering: reply `{ sdp }`. */
  | { cmd: 'applyOffer'; sdp: string; trickle?: boolean }
  /** Set the remote answer. */
  | { cmd: 'applyAnswer'; sdp: string }
  /** Resolve once channel `label` (local or remote) is open: reply a `ChannelInfo`. */
  | { cmd: 'waitOpen'; label: string }
  /** Resolve once channel `label` is closed: reply a `ChannelInfo`. */
  | { cmd: 'waitClosed'; label: string }
  /** Send every message that arrives on channel `label` back on it (set before it opens). */
  | { cmd: 'echo'; label: string }
  /** Send `count` test messages on `label`, `size` bytes each (or 4…`size` if `varied`): reply `SendResult`. */
  | { cmd: 'send'; label: string; count: number; size: number; varied?: boolean; first?: number }
  /** Resolve with `ReceiveStats` once `messages` have arrived on `label`. */
  | { cmd: 'waitReceived'; label: string; messages: number }
  /** What has arrived on `label` so far: reply `ReceiveStats`. */
  | { cmd: 'stats'; label: string }
  | { cmd: 'closeChannel'; label: string }
  /**
   * Media: before `createOffer` or `applyOffer`, the tracks this peer sends (its own source: a fake
   * camera, a synthetic source, or the run's files), added with `addTrack` before the offer is made
   * or once the remote offer is set; and from then on it counts what arrives on remote tracks.
   */
  | ({ cmd: 'addMedia' } & MediaInit)
  /** The remote ICE candidates the peer holds (signaled ones resolved, learned ones): reply `RemoteCandidate[]`. */
  | { cmd: 'remoteCandidates' }
  /** What the peer's remote tracks got so far: reply `MediaReport` (`finish`: also write the files). */
  | { cmd: 'mediaStats'; finish?: boolean }
  /** Close the peer connection; a child process exits after replying. */
  | { cmd: 'close' };

export type Command = Request['cmd'];

/** What `addMedia` asks. */
export interface MediaInit {
  /** Send Opus audio. */
  audio: boolean;
  /** Send video in this codec, or none. */
  video: 'VP8' | 'H264' | null;
  /**
   * The run's media for peers that send from files (ours, Pion, aiortc, werift): VP8 in IVF, Opus in
   * Ogg, H.264 (constrained baseline, Annex B, an access unit delimiter before each access unit).
   */
  files: { ivf: string; ogg: string; h264: string };
  /** A directory (this cell's) where a peer that keeps what it received writes it (ours: IVF and Ogg). */
  record: string;
}

/** A remote candidate as the peer's stats give it. */
export interface RemoteCandidate {
  address: string;
  port: number;
  /** host, srflx, prflx or relay. */
  type: string;
}

/** What arrived on one remote track. */
export interface TrackReport {
  kind: 'audio' | 'video';
  /** The codec as the receiver names it (e.g. `video/VP8`), when it says. */
  codec: string | null;
  /** RTP packets received. */
  packets: number;
  /** Frames received (video frames, audio packets), before any decoder. */
  frames: number;
  /**
   * Frames the peer's own decoder produced (video frames; audio in 20 ms units), or null when the
   * peer has no decoder (ours, Pion, werift: then the frame count stands, and ours writes `file`).
   */
  decoded: number | null;
  /** The file the peer wrote what it received to (IVF, Ogg), for ffmpeg to decode. */
  file?: string;
}

export interface MediaReport {
  received: TrackReport[];
}

export interface ChannelInfo {
  label: string;
  readyState: string;
  ordered: boolean;
  maxRetransmits: number | null;
}

export interface SendResult {
  messages: number;
  bytes: number;
  /** SHA-256 (hex) over every byte sent, in order. */
  sha256: string;
}

export interface ReceiveStats {
  messages: number;
  bytes: number;
  /** SHA-256 (hex) over every byte received, in arrival order. */
  sha256: string;
  /** Messages whose content matches their index. */
  valid: number;
  invalid: number;
  /** Messages whose index was seen before. */
  duplicates: number;
  /** Messages that arrived after one with a higher index. */
  reordered: number;
}

/** A reply to the request with the same `id`. */
export type Reply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

/** What a peer reports unasked. */
export type PeerEvent =
  | ({ event: 'channel' } & ChannelInfo)
  | { event: 'channel-close'; label: string }
  | { event: 'state'; state: string }
  /** A local candidate as it is gathered (trickle ICE); a peer that does not trickle sends none. */
  | { event: 'candidate'; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }
  | { event: 'log'; text: string }
  /** The agent is up and takes requests. */
  | { event: 'ready' }
  /** The agent cannot run its stack here (missing library, not implemented yet). */
  | { event: 'unavailable'; reason: string };

/** Length of test message `i` for `send` with these parameters (the same rule in every agent). */
export function messageSize(i: number, size: number, varied: boolean): number {
  return varied ? 4 + ((i * 7919) % (size - 3)) : size;
}
