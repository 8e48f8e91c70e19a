import type { SrtpCryptoProvider } from './crypto-provider.js';
import type { SrtpKeyingMaterial } from './keying-material.js';
import type { SrtpProtectionProfile } from './protection-profile.js';
import { srtpProfileParameters } from './protection-profile.js';
import { ReplayWindow } from './replay-window.js';
import { SrtpContext } from './srtp-context.js';
import { SrtpError, type SrtpErrorCode } from './srtp-error.js';

/** How to build an {@link SrtpSession}. */
export interface SrtpSessionOptions {
  /** The protection profile DTLS negotiated (`use_srtp`). */
  profile: SrtpProtectionProfile;
  /** The four secrets from the DTLS-SRTP exporter (see {@link splitKeyingMaterial}). */
  keys: SrtpKeyingMaterial;
  /** Our DTLS role: the client protects with the client keys and unprotects with the server's. */
  role: 'client' | 'server';
  /** Replay window size in packets (default 128, libsrtp's default). */
  replayWindowSize?: number;
  /** Crypto primitives (default: node:crypto). */
  crypto?: SrtpCryptoProvider;
}

/** Counters of an {@link SrtpSession}. */
export interface SrtpSessionStats {
  /** RTP packets protected. */
  rtpProtected: number;
  /** SRTP packets unprotected. */
  rtpUnprotected: number;
  /** RTCP packets protected. */
  rtcpProtected: number;
  /** SRTCP packets unprotected. */
  rtcpUnprotected: number;
  /** Packets refused, by reason. */
  dropped: Record<SrtpErrorCode, number>;
}

function emptyDrops(): Record<SrtpErrorCode, number> {
  return {
    'too-short': 0, malformed: 0, 'auth-failed': 0, replayed: 0, 'too-old': 0,
    'unknown-profile': 0, 'bad-key-length': 0, 'buffer-too-small': 0, 'key-exhausted': 0, 'bad-parameter': 0,
  };
}

/**
 * Both directions of DTLS-SRTP media on one transport: protects what we send with our write
 * keys, unprotects what the peer sends with theirs, and counts what it refuses.
 *
 * ```ts
 * const keys = splitKeyingMaterial('SRTP_AES128_CM_HMAC_SHA1_80', exported60Bytes);
 * const srtp = new SrtpSession({ profile: 'SRTP_AES128_CM_HMAC_SHA1_80', keys, role: 'client' });
 * socket.send(srtp.protectRtp(rtpPacket));
 * const rtp = srtp.tryUnprotectRtp(datagram); // undefined (and counted) if refused
 * ```
 */
export class SrtpSession {
  /** The negotiated profile. */
  readonly profile: SrtpProtectionProfile;
  /** Counters; `dropped` counts every refusal, whether thrown or returned as undefined. */
  readonly stats: SrtpSessionStats = {
    rtpProtected: 0, rtpUnprotected: 0, rtcpProtected: 0, rtcpUnprotected: 0, dropped: emptyDrops(),
  };
  private readonly options: SrtpSessionOptions;
  private localContext: SrtpContext | undefined;
  private remoteContext: SrtpContext | undefined;

  /**
   * Checks the profile and key lengths now; the contexts (session keys, ciphers) are made on
   * first use, so a connection that keys DTLS-SRTP but carries data channels only holds none.
   * @throws {@link SrtpError} `unknown-profile`, `bad-key-length`, `bad-parameter` (window size).
   */
  constructor(options: SrtpSessionOptions) {
    const { profile, keys } = options;
    const p = srtpProfileParameters(profile);
    for (const [key, salt] of [[keys.clientWriteKey, keys.clientWriteSalt], [keys.serverWriteKey, keys.serverWriteSalt]] as const) {
      if (key.length !== p.keyLength || salt.length !== p.saltLength) {
        throw new SrtpError('bad-key-length', `${profile} needs a ${p.keyLength}-byte master key and a ${p.saltLength}-byte salt, got ${key.length} and ${salt.length}`);
      }
    }
    if (options.replayWindowSize !== undefined) new ReplayWindow(options.replayWindowSize); // validates it up front
    this.profile = profile;
    // Copies: the caller may reuse its buffers before the first packet.
    const copy = { clientWriteKey: keys.clientWriteKey.slice(), clientWriteSalt: keys.clientWriteSalt.slice(), serverWriteKey: keys.serverWriteKey.slice(), serverWriteSalt: keys.serverWriteSalt.slice() };
    this.options = { ...options, keys: copy };
  }

  /** Context protecting what we send (made on first use). */
  get local(): SrtpContext {
    return (this.localContext ??= this.context(this.options.role === 'client'));
  }

  /** Context unprotecting what the peer sends (made on first use). */
  get remote(): SrtpContext {
    return (this.remoteContext ??= this.context(this.options.role !== 'client'));
  }

  private context(clientKeys: boolean): SrtpContext {
    const { profile, keys, replayWindowSize, crypto } = this.options;
    const contextOptions = {
      ...(replayWindowSize !== undefined ? { replayWindowSize } : {}),
      ...(crypto !== undefined ? { crypto } : {}),
    };
    return clientKeys
      ? new SrtpContext(profile, keys.clientWriteKey, keys.clientWriteSalt, contextOptions)
      : new SrtpContext(profile, keys.serverWriteKey, keys.serverWriteSalt, contextOptions);
  }

  /** RTP → SRTP (see {@link SrtpContext.protectRtp}). Throws {@link SrtpError}; refusals are counted. */
  protectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    try {
      const result = this.local.protectRtp(packet, out);
      this.stats.rtpProtected++;
      return result;
    } catch (e) {
      throw this.count(e);
    }
  }

  /** RTCP → SRTCP (see {@link SrtpContext.protectRtcp}). */
  protectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    try {
      const result = this.local.protectRtcp(packet, out);
      this.stats.rtcpProtected++;
      return result;
    } catch (e) {
      throw this.count(e);
    }
  }

  /** SRTP → RTP (see {@link SrtpContext.unprotectRtp}). Throws {@link SrtpError}; refusals are counted. */
  unprotectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    try {
      const result = this.remote.unprotectRtp(packet, out);
      this.stats.rtpUnprotected++;
      return result;
    } catch (e) {
      throw this.count(e);
    }
  }

  /** SRTCP → RTCP (see {@link SrtpContext.unprotectRtcp}). */
  unprotectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    try {
      const result = this.remote.unprotectRtcp(packet, out);
      this.stats.rtcpUnprotected++;
      return result;
    } catch (e) {
      throw this.count(e);
    }
  }

  /** SRTP → RTP, or `undefined` for a packet refused (counted in `stats.dropped`). Never throws. */
  tryUnprotectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | undefined {
    try {
      return this.unprotectRtp(packet, out);
    } catch {
      return undefined;
    }
  }

  /** SRTCP → RTCP, or `undefined` for a packet refused (counted in `stats.dropped`). Never throws. */
  tryUnprotectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | undefined {
    try {
      return this.unprotectRtcp(packet, out);
    } catch {
      return undefined;
    }
  }

  /** Total packets refused. */
  get droppedTotal(): number {
    let n = 0;
    for (const v of Object.values(this.stats.dropped)) n += v;
    return n;
  }

  private count(e: unknown): unknown {
    if (e instanceof SrtpError) {
      this.stats.dropped[e.code]++;
      return e;
    }
    // Anything else is a bug of ours: still a typed error to the caller, and counted.
    this.stats.dropped.malformed++;
    return new SrtpError('malformed', `unexpected failure: ${(e as Error)?.message ?? String(e)}`);
  }
}
