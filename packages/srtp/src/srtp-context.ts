import { AeadAesGcmTransform } from './aead-aes-gcm-transform.js';
import { AesCmHmacSha1Transform } from './aes-cm-hmac-sha1-transform.js';
import type { SrtpCryptoProvider } from './crypto-provider.js';
import { deriveSessionKeys } from './key-derivation.js';
import { nodeCryptoProvider } from './node-crypto-provider.js';
import { estimateRolloverCounter, packetIndex } from './packet-index.js';
import { srtpProfileParameters, type SrtpProfileParameters, type SrtpProtectionProfile } from './protection-profile.js';
import { DEFAULT_REPLAY_WINDOW_SIZE, ReplayWindow } from './replay-window.js';
import { checkRtcpHeader, readSsrc, rtpHeaderLength, rtpSequenceNumber } from './rtp-header.js';
import { SrtpError } from './srtp-error.js';
import type { SrtpTransform } from './srtp-transform.js';

/** Options of an {@link SrtpContext}. */
export interface SrtpContextOptions {
  /** Replay window size in packets for SRTP and SRTCP (default 128, as libsrtp; at least 64). */
  replayWindowSize?: number;
  /** Crypto primitives (default: node:crypto, the faster here). */
  crypto?: SrtpCryptoProvider;
}

/** Per-SSRC state of one SRTP stream (RFC 3711 §3.2.1). */
interface RtpStreamState {
  /** Rollover counter. */
  roc: number;
  /** Highest sequence number seen, s_l. */
  highestSequence: number;
  /** Receive side only. */
  readonly window: ReplayWindow | undefined;
}

/** Per-SSRC state of one SRTCP stream. */
interface RtcpStreamState {
  /** Last SRTCP index sent. */
  index: number;
  /** Receive side only. */
  readonly window: ReplayWindow | undefined;
}

const MAX_ROC = 0xffffffff;
const MAX_SRTCP_INDEX = 0x7fffffff;

/**
 * The cryptographic context of one direction under one master key and salt (RFC 3711 §3.2):
 * session keys derived once (kdr 0, no MKI), and per-SSRC rollover counters, SRTCP indices and
 * replay windows. Use one context to protect what you send and another (keyed with the peer's
 * master key) to unprotect what you receive.
 *
 * Every method takes an optional `out` buffer. Without it a new array is returned; with it the
 * result is written there and a view of it returned, which allocates nothing per packet. `out` must
 * hold the input plus {@link SrtpContext.maxOverhead}. Unprotecting may run in place (`out` is the
 * input); so may protecting, when the input is a view at the start of `out`.
 */
export class SrtpContext {
  /** The profile's parameters. */
  readonly profile: SrtpProfileParameters;
  /** Most bytes protection adds to a packet (SRTCP: index word and tag). */
  readonly maxOverhead: number;
  private readonly transform: SrtpTransform;
  private readonly windowSize: number;
  private readonly sendRtp = new Map<number, RtpStreamState>();
  private readonly receiveRtp = new Map<number, RtpStreamState>();
  private readonly sendRtcp = new Map<number, RtcpStreamState>();
  private readonly receiveRtcp = new Map<number, RtcpStreamState>();

  /**
   * @param profile the negotiated protection profile.
   * @param masterKey the SRTP master key (16 or 32 bytes by profile).
   * @param masterSalt the SRTP master salt (14 bytes AES-CM, 12 bytes GCM).
   * @throws {@link SrtpError} `unknown-profile`, `bad-key-length`, `bad-parameter` (window size).
   */
  constructor(profile: SrtpProtectionProfile, masterKey: Uint8Array, masterSalt: Uint8Array, options: SrtpContextOptions = {}) {
    this.profile = srtpProfileParameters(profile);
    const crypto = options.crypto ?? nodeCryptoProvider;
    this.windowSize = options.replayWindowSize ?? DEFAULT_REPLAY_WINDOW_SIZE;
    new ReplayWindow(this.windowSize); // validates the size once, up front
    const rtp = deriveSessionKeys(crypto, this.profile, masterKey, masterSalt, false);
    const rtcp = deriveSessionKeys(crypto, this.profile, masterKey, masterSalt, true);
    this.transform = this.profile.kind === 'aead-aes-gcm'
      ? new AeadAesGcmTransform(rtp, rtcp, crypto)
      : new AesCmHmacSha1Transform(this.profile, rtp, rtcp, crypto);
    this.maxOverhead = Math.max(this.transform.srtpTagLength, 4, this.transform.srtcpTrailerLength);
  }

  /**
   * RTP → SRTP. The header (CSRCs, extension) stays clear and authenticated; the payload is
   * encrypted; the tag is appended. The ROC follows the sequence numbers (wraps past 65535).
   * @throws {@link SrtpError} `too-short`, `malformed`, `buffer-too-small`, `key-exhausted`.
   */
  protectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    const headerLength = rtpHeaderLength(packet, 0);
    const seq = rtpSequenceNumber(packet);
    const ssrc = readSsrc(packet, 8);
    let state = this.sendRtp.get(ssrc);
    let roc = 0;
    if (state) {
      roc = estimateRolloverCounter(state.roc, state.highestSequence, seq);
      if (roc > MAX_ROC) throw new SrtpError('key-exhausted', 'SRTP packet index space exhausted; rekey');
    }
    const buf = this.output(packet, packet.length + Math.max(4, this.transform.srtpTagLength), out);
    const length = this.transform.protectRtp(buf, packet.length, headerLength, ssrc, roc, seq);
    if (!state) {
      state = { roc, highestSequence: seq, window: undefined };
      this.sendRtp.set(ssrc, state);
    } else if (packetIndex(roc, seq) > packetIndex(state.roc, state.highestSequence)) {
      state.roc = roc;
      state.highestSequence = seq;
    }
    return buf.subarray(0, length);
  }

  /**
   * SRTP → RTP: estimates the index, refuses replays, verifies the tag, decrypts; only then
   * advances the stream's ROC and replay window.
   * @throws {@link SrtpError} `too-short`, `malformed`, `replayed`, `too-old`, `auth-failed`, `buffer-too-small`.
   */
  unprotectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    const tagLength = this.transform.srtpTagLength;
    const headerLength = rtpHeaderLength(packet, tagLength);
    const seq = rtpSequenceNumber(packet);
    const ssrc = readSsrc(packet, 8);
    const state = this.receiveRtp.get(ssrc);
    let roc = 0;
    let index = seq;
    if (state) {
      roc = estimateRolloverCounter(state.roc, state.highestSequence, seq);
      index = packetIndex(roc, seq);
      const refused = state.window!.check(index);
      if (refused) throw new SrtpError(refused, `SRTP packet index ${index} ${refused} (SSRC ${ssrc})`);
    }
    const buf = this.output(packet, packet.length, out);
    const length = this.transform.unprotectRtp(buf, packet.length, headerLength, ssrc, roc, seq);
    if (length < 0) throw new SrtpError('auth-failed', `SRTP authentication failed (SSRC ${ssrc})`);
    if (!state) {
      const window = new ReplayWindow(this.windowSize);
      window.accept(index);
      this.receiveRtp.set(ssrc, { roc, highestSequence: seq, window });
    } else {
      if (index > state.window!.highestIndex) {
        state.roc = roc;
        state.highestSequence = seq;
      }
      state.window!.accept(index);
    }
    return buf.subarray(0, length);
  }

  /**
   * RTCP → SRTCP: encrypts everything after the first 8 bytes, appends E-flag + 31-bit SRTCP
   * index (1, 2, … per SSRC, as libsrtp) and the tag.
   * @throws {@link SrtpError} `too-short`, `malformed`, `buffer-too-small`, `key-exhausted`.
   */
  protectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    checkRtcpHeader(packet, 0);
    const ssrc = readSsrc(packet, 4);
    let state = this.sendRtcp.get(ssrc);
    if (!state) {
      state = { index: 0, window: undefined };
      this.sendRtcp.set(ssrc, state);
    }
    if (state.index >= MAX_SRTCP_INDEX) throw new SrtpError('key-exhausted', 'SRTCP index space exhausted; rekey');
    const index = state.index + 1;
    const buf = this.output(packet, packet.length + this.transform.srtcpTrailerLength, out);
    const length = this.transform.protectRtcp(buf, packet.length, ssrc, index);
    state.index = index;
    return buf.subarray(0, length);
  }

  /**
   * SRTCP → RTCP: reads the E-flag and index, refuses replays, verifies, decrypts (when E is
   * set; a packet sent with E clear is only authenticated).
   * @throws {@link SrtpError} `too-short`, `malformed`, `replayed`, `too-old`, `auth-failed`, `buffer-too-small`.
   */
  unprotectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    const trailer = this.transform.srtcpTrailerLength;
    checkRtcpHeader(packet, trailer);
    const ssrc = readSsrc(packet, 4);
    const at = packet.length - this.transform.srtcpIndexOffsetFromEnd;
    const word = ((packet[at]! << 24) | (packet[at + 1]! << 16) | (packet[at + 2]! << 8) | packet[at + 3]!) >>> 0;
    const encrypted = word >= 0x80000000;
    const index = word & 0x7fffffff;
    const state = this.receiveRtcp.get(ssrc);
    if (state) {
      const refused = state.window!.check(index);
      if (refused) throw new SrtpError(refused, `SRTCP index ${index} ${refused} (SSRC ${ssrc})`);
    }
    const buf = this.output(packet, packet.length, out);
    const length = this.transform.unprotectRtcp(buf, packet.length, ssrc, index, encrypted);
    if (length < 0) throw new SrtpError('auth-failed', `SRTCP authentication failed (SSRC ${ssrc})`);
    if (state) {
      state.window!.accept(index);
    } else {
      const window = new ReplayWindow(this.windowSize);
      window.accept(index);
      this.receiveRtcp.set(ssrc, { index, window });
    }
    return buf.subarray(0, length);
  }

  /** The rollover counter of a stream this context protected or unprotected, if any. */
  rolloverCounter(ssrc: number, direction: 'send' | 'receive'): number | undefined {
    return (direction === 'send' ? this.sendRtp : this.receiveRtp).get(ssrc >>> 0)?.roc;
  }

  /**
   * Sets where an outgoing stream stands (ROC and highest sequence number sent), e.g. to resume
   * a stream after rekeying, or the SRTCP index last sent.
   */
  setSendState(ssrc: number, state: { roc?: number; highestSequence?: number; srtcpIndex?: number }): void {
    ssrc >>>= 0;
    if (state.roc !== undefined || state.highestSequence !== undefined) {
      const s = this.sendRtp.get(ssrc) ?? { roc: 0, highestSequence: 0, window: undefined };
      s.roc = state.roc ?? s.roc;
      s.highestSequence = state.highestSequence ?? s.highestSequence;
      this.sendRtp.set(ssrc, s);
    }
    if (state.srtcpIndex !== undefined) {
      const s = this.sendRtcp.get(ssrc) ?? { index: 0, window: undefined };
      s.index = state.srtcpIndex;
      this.sendRtcp.set(ssrc, s);
    }
  }

  /** Copies `packet` into `out` (or a new array) with room for `capacity` bytes. */
  private output(packet: Uint8Array, capacity: number, out: Uint8Array | undefined): Uint8Array {
    if (!out) {
      const buf = new Uint8Array(capacity);
      buf.set(packet);
      return buf;
    }
    if (out.length < capacity) throw new SrtpError('buffer-too-small', `output buffer needs ${capacity} bytes, has ${out.length}`);
    if (out.buffer !== packet.buffer || out.byteOffset !== packet.byteOffset) out.set(packet);
    return out;
  }
}
