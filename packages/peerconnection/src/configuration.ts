/** `RTCConfiguration` (W3C WebRTC §4.2.1): its types, validation and what may change later. */
import { parseIceServerUrl } from '@x/ice';
import type { RTCCertificate } from './certificate.js';
import { domException } from './errors.js';

/** A STUN or TURN server. */
export interface RTCIceServer {
  /** One URL or several (`stun:host:port`, `turn:host?transport=udp`). */
  urls: string | string[];
  /** TURN user name. */
  username?: string;
  /** TURN password. */
  credential?: string;
}

/** Which candidates ICE may use. */
export type RTCIceTransportPolicy = 'all' | 'relay';
/** How media sections are bundled. */
export type RTCBundlePolicy = 'balanced' | 'max-compat' | 'max-bundle';
/** RTCP multiplexing: only `require` is allowed by the spec now. */
export type RTCRtcpMuxPolicy = 'require';

/** What `new RTCPeerConnection(configuration)` takes. */
export interface RTCConfiguration {
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  bundlePolicy?: RTCBundlePolicy;
  rtcpMuxPolicy?: RTCRtcpMuxPolicy;
  certificates?: RTCCertificate[];
  iceCandidatePoolSize?: number;
  /**
   * Not in the W3C dictionary: SCTP Path MTU Discovery (RFC 8899) for data channels. When true,
   * on a loopback pair SCTP probes up to 1984 bytes (a DTLS datagram libwebrtc still reads) and
   * fills what the peer confirms; elsewhere packets stay at 1200 bytes (see `TransportController`).
   * Default false: probes above what a peer's DTLS layer reads hurt it (libwebrtc fails its DTLS
   * transport above 2048 bytes; aiortc truncates records above ~1500 bytes and a 1.6 MB echo went
   * from 11 s to 46 s), and a peer connection cannot know what it talks to.
   */
  sctpPathMtuDiscovery?: boolean;
  /**
   * Not in the W3C dictionary: SCTP zero checksum (RFC 9653, over DTLS). Default false: INIT
   * announces Zero Checksum Acceptable only when true, since pion/sctp before its zero-checksum
   * support (Debian's Pion v3.1.56) rejects an INIT carrying the parameter and no data channel
   * opens. Packets skip the CRC32c only once both ends announced it (Chromium can).
   */
  sctpZeroChecksum?: boolean;
}

/** A configuration with every default filled in. */
export interface ResolvedConfiguration {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  bundlePolicy: RTCBundlePolicy;
  rtcpMuxPolicy: RTCRtcpMuxPolicy;
  certificates: RTCCertificate[];
  iceCandidatePoolSize: number;
  sctpPathMtuDiscovery: boolean;
  sctpZeroChecksum: boolean;
}

function enumValue<T extends string>(value: unknown, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(`'${String(value)}' is not a valid value for enumeration ${name}`);
  }
  return value as T;
}

/**
 * Validates a configuration as the constructor and setConfiguration do: bad enum values are
 * TypeError (so is a null `iceServers` or `certificates`), an empty `urls` or a URL that is not
 * stun/stuns/turn/turns is SyntaxError, a TURN server without username and credential or with a
 * username over 509 bytes is InvalidAccessError, an expired certificate is InvalidAccessError.
 * `urls` is kept as a list.
 * `null` and `undefined` are the empty configuration, as WebIDL converts them to a dictionary.
 */
export function resolveConfiguration(given: RTCConfiguration | null = {}, now = Date.now()): ResolvedConfiguration {
  const c = given ?? {};
  if (typeof c !== 'object') throw new TypeError('configuration must be a dictionary');
  // WebIDL: a sequence member may be absent but not null.
  if (c.iceServers === null) throw new TypeError('iceServers must be a sequence, not null');
  if (c.certificates === null) throw new TypeError('certificates must be a sequence, not null');
  const iceServers: RTCIceServer[] = [];
  for (const server of c.iceServers ?? []) {
    if (server === null || typeof server !== 'object' || server.urls === undefined) throw new TypeError('RTCIceServer needs urls');
    // Kept as a list whatever was given, as getConfiguration reports it (WPT RTCConfiguration-iceServers).
    const urls = (typeof server.urls === 'string' ? [server.urls] : [...server.urls]).map(String);
    if (urls.length === 0) throw domException('SyntaxError', 'RTCIceServer.urls is empty');
    for (const url of urls) {
      let parsed;
      try {
        parsed = parseIceServerUrl(url);
      } catch {
        throw domException('SyntaxError', `'${url}' is not a STUN or TURN URL`);
      }
      if (parsed.scheme.startsWith('turn')) {
        if (server.username === undefined || server.credential === undefined) {
          throw domException('InvalidAccessError', `TURN server ${url} needs a username and a credential`);
        }
        // RFC 8489 §14.3: a USERNAME is at most 509 bytes.
        if (Buffer.byteLength(String(server.username)) > 509) throw domException('InvalidAccessError', `TURN username for ${url} is longer than 509 bytes`);
      }
    }
    const copy: RTCIceServer = { urls };
    if (server.username !== undefined) copy.username = String(server.username);
    if (server.credential !== undefined) copy.credential = String(server.credential);
    iceServers.push(copy);
  }
  for (const key of ['sctpPathMtuDiscovery', 'sctpZeroChecksum'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean') throw new TypeError(`${key} must be a boolean`);
  }
  const pool = c.iceCandidatePoolSize ?? 0;
  if (typeof pool !== 'number' || !Number.isFinite(pool) || pool < 0 || pool > 255) {
    throw new TypeError(`iceCandidatePoolSize ${String(pool)} is outside 0..255`);
  }
  const certificates = [...(c.certificates ?? [])];
  for (const cert of certificates) {
    if (cert.expires <= now) throw domException('InvalidAccessError', 'a certificate has expired');
  }
  return {
    iceServers,
    iceTransportPolicy: enumValue(c.iceTransportPolicy, ['all', 'relay'], 'RTCIceTransportPolicy', 'all'),
    bundlePolicy: enumValue(c.bundlePolicy, ['balanced', 'max-compat', 'max-bundle'], 'RTCBundlePolicy', 'balanced'),
    rtcpMuxPolicy: enumValue(c.rtcpMuxPolicy, ['require'], 'RTCRtcpMuxPolicy', 'require'),
    certificates,
    iceCandidatePoolSize: Math.trunc(pool),
    sctpPathMtuDiscovery: c.sctpPathMtuDiscovery ?? false,
    sctpZeroChecksum: c.sctpZeroChecksum ?? false,
  };
}

/**
 * The checks of setConfiguration (W3C §4.4.1.6 "set a configuration"): certificates, bundlePolicy
 * and rtcpMuxPolicy cannot change, nor iceCandidatePoolSize once a local description is set.
 */
export function checkConfigurationChange(current: ResolvedConfiguration, next: ResolvedConfiguration, hasLocalDescription: boolean): void {
  const sameCerts = next.certificates.length === 0 && current.certificates.length === 0
    || (next.certificates.length === current.certificates.length && next.certificates.every((c, i) => c === current.certificates[i]));
  if (!sameCerts) throw domException('InvalidModificationError', 'certificates cannot be changed');
  if (next.bundlePolicy !== current.bundlePolicy) throw domException('InvalidModificationError', 'bundlePolicy cannot be changed');
  if (next.rtcpMuxPolicy !== current.rtcpMuxPolicy) throw domException('InvalidModificationError', 'rtcpMuxPolicy cannot be changed');
  if (hasLocalDescription && next.iceCandidatePoolSize !== current.iceCandidatePoolSize) {
    throw domException('InvalidModificationError', 'iceCandidatePoolSize cannot be changed after setLocalDescription');
  }
}

/** A copy for getConfiguration, so the caller cannot change ours. */
export function copyConfiguration(c: ResolvedConfiguration): ResolvedConfiguration {
  return {
    iceServers: c.iceServers.map((s) => ({ ...s, urls: typeof s.urls === 'string' ? s.urls : [...s.urls] })),
    iceTransportPolicy: c.iceTransportPolicy,
    bundlePolicy: c.bundlePolicy,
    rtcpMuxPolicy: c.rtcpMuxPolicy,
    certificates: [...c.certificates],
    iceCandidatePoolSize: c.iceCandidatePoolSize,
    sctpPathMtuDiscovery: c.sctpPathMtuDiscovery,
    sctpZeroChecksum: c.sctpZeroChecksum,
  };
}
