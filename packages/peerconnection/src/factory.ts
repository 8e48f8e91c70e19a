/**
 * `PeerConnectionFactory`: made once with the dependencies every peer connection shares (the
 * certificate generator, clock, logger, ICE settings such as the host-address filter, codecs),
 * it creates peer connections. `new RTCPeerConnection()` uses {@link defaultFactory}.
 */
import type { Logger } from '@x/base';
import { defaultAudioCapabilities, defaultVideoCapabilities, type MediaCapabilities } from '@x/sdp';
import { IceTcpMux, IceUdpMux, type HostAddressFilter, type IceTcpMuxOptions, type IceUdpMuxOptions, type MdnsRegistrar, type MdnsResolver } from '@x/ice';
import { generateRtcCertificate, type RTCCertificate } from './certificate.js';
import type { RTCConfiguration } from './configuration.js';
import { RTCPeerConnection } from './peer-connection.js';

export type { Logger };

/** ICE settings shared by the factory's connections (as Pion's SettingEngine). */
export interface IceSettings extends HostAddressFilter {
  /** UDP socket buffers to ask for (bytes). Default 4 MB (capped by rmem_max/wmem_max). */
  bufferSize?: number;
  /** Resolves remote `.local` candidates; without one they are dropped. */
  mdnsResolver?: MdnsResolver;
  /** Hides local host addresses behind generated `.local` names registered here (as browsers do). */
  mdnsHostnames?: MdnsRegistrar;
  /** Consent freshness: `disconnected` after this many ms without answers (default 8000). */
  disconnectedTimeout?: number;
  /** Consent freshness: `failed` after this many ms (default 30000). */
  failedTimeout?: number;
  /** Consent freshness: a check every `[min, max]` ms, uniformly random (default [4000, 6000], RFC 7675). */
  consentInterval?: readonly [number, number];
  /**
   * One UDP socket per address family for every connection (a server on one well-known port):
   * an `IceUdpMux` of `@x/ice`, which several factories may share, or where to bind one
   * (`{ address, port }`; the factory binds it once, see {@link PeerConnectionFactory.udpMux}).
   * Host candidates are then the mux's address and port, and the host-address filter is not
   * used for them. Close the mux after the connections.
   */
  udpMux?: IceUdpMux | IceUdpMuxOptions;
  /**
   * ICE-TCP (RFC 6544) for clients whose UDP is blocked: one listening TCP socket per address
   * family for every connection, whose address and port are passive TCP host candidates (RFC 4571
   * framing): an `IceTcpMux` of `@x/ice`, or where to listen (`{ address, port }`, bound once; the
   * port may be the UDP mux's). Pairs over TCP rank below UDP ones. Close the mux after the
   * connections.
   */
  tcpMux?: IceTcpMux | IceTcpMuxOptions;
  /**
   * ICE-TCP, client side: offer an active TCP candidate (`tcptype active`) on each host address,
   * which connects to the peer's passive candidates (a server's `tcpMux`, a browser's) when UDP
   * does not get through. Default false: unlike libwebrtc, which gathers TCP unless told not to.
   */
  tcpActive?: boolean;
  /**
   * ICE-lite (RFC 8445 §2.5), for a server with a public address, as mediasoup runs: descriptions
   * say `a=ice-lite`, the connection only answers checks (the full peer is controlling and
   * nominates), gathers host candidates only (ICE servers are not used) and sends no consent
   * checks of its own: the peer's checks keep the pair alive, and their absence makes it
   * `disconnected`, then `failed`. Half the idle STUN traffic of a full agent. Default false.
   */
  lite?: boolean;
}

/** Everything a peer connection takes from outside. */
export interface PeerConnectionDependencies {
  /** Makes the DTLS certificate when the configuration has none. Default ECDSA P-256. */
  certificateGenerator: () => RTCCertificate;
  /** Monotonic ms clock for ICE, DTLS and SCTP timers. Default `performance.now`. */
  clock: () => number;
  /**
   * Log sink for every layer, each line prefixed with the connection's id (`pc1`, `pc2`, …, its
   * `logId`) and its layer: the peer connection (`[pc2]`), ICE (`[pc2 ice]`, STUN/TURN clients
   * `[pc2 stun]`), DTLS (`[pc2 dtls]`), SCTP (`[pc2 sctp]`), RTP and SRTP (`[pc2 rtp]`).
   * Undefined (the default): each layer writes to stderr when `NODE_DEBUG` names it
   * (`NODE_DEBUG=x-pc,x-ice,x-dtls,x-sctp,x-rtp,x-stun`; `X-ICE 1234: [pc2] …`), silent otherwise.
   */
  logger: Logger | undefined;
  /** ICE host-address filter and timing. */
  ice: IceSettings;
  /** Codecs and header extensions offered and accepted. */
  codecs: { audio: MediaCapabilities; video: MediaCapabilities };
  /** Largest SCTP message this side accepts (a=max-message-size). Default 262144. */
  maxMessageSize: number;
  /**
   * Pace outgoing RTP (`paced-sender.ts`): a frame's packets and a NACK's retransmissions leave
   * spread at 2.5 × the send rate instead of in one burst. Default true; false sends each packet
   * as it is written.
   */
  pacing: boolean;
}

/** The mux bound for each `{ address, port }` given: one per options object, however many connections use it. */
const boundMuxes = new WeakMap<IceUdpMuxOptions, IceUdpMux>();
const boundTcpMuxes = new WeakMap<IceTcpMuxOptions, IceTcpMux>();

function withMux(ice: IceSettings, logger: Logger | undefined): IceSettings {
  const out = { ...ice };
  const m = ice.udpMux;
  if (m !== undefined && !(m instanceof IceUdpMux)) {
    let mux = boundMuxes.get(m);
    if (mux === undefined) {
      mux = new IceUdpMux(m.logger === undefined && logger !== undefined ? { ...m, logger } : m);
      boundMuxes.set(m, mux);
    }
    out.udpMux = mux;
  }
  const t = ice.tcpMux;
  if (t !== undefined && !(t instanceof IceTcpMux)) {
    let mux = boundTcpMuxes.get(t);
    if (mux === undefined) {
      mux = new IceTcpMux(t.logger === undefined && logger !== undefined ? { ...t, logger } : t);
      boundTcpMuxes.set(t, mux);
    }
    out.tcpMux = mux;
  }
  return out;
}

function withDefaults(d: Partial<PeerConnectionDependencies>): PeerConnectionDependencies {
  return {
    certificateGenerator: d.certificateGenerator ?? (() => generateRtcCertificate({ name: 'ECDSA', namedCurve: 'P-256' })),
    clock: d.clock ?? (() => performance.now()),
    logger: d.logger,
    ice: withMux(d.ice ?? {}, d.logger),
    codecs: d.codecs ?? { audio: defaultAudioCapabilities(), video: defaultVideoCapabilities() },
    maxMessageSize: d.maxMessageSize ?? 262144,
    pacing: d.pacing ?? true,
  };
}

/** Creates peer connections that share one set of dependencies. */
export class PeerConnectionFactory {
  /** The dependencies given to every connection (each may override some). */
  readonly dependencies: PeerConnectionDependencies;

  constructor(dependencies: Partial<PeerConnectionDependencies> = {}) {
    this.dependencies = withDefaults(dependencies);
  }

  /**
   * The UDP mux every connection of this factory uses (`ice.udpMux`: the one given, or the one
   * bound for the `{ address, port }` given; its `ready` settles once bound), if any.
   */
  get udpMux(): IceUdpMux | undefined {
    const m = this.dependencies.ice.udpMux;
    return m instanceof IceUdpMux ? m : undefined;
  }

  /**
   * The ICE-TCP mux every connection of this factory uses for passive TCP candidates (`ice.tcpMux`:
   * the one given, or the one bound for the `{ address, port }` given), if any.
   */
  get tcpMux(): IceTcpMux | undefined {
    const m = this.dependencies.ice.tcpMux;
    return m instanceof IceTcpMux ? m : undefined;
  }

  /** A new RTCPeerConnection; `dependencies` override the factory's for this one connection. */
  createPeerConnection(configuration: RTCConfiguration | null = {}, dependencies: Partial<PeerConnectionDependencies> = {}): RTCPeerConnection {
    return new RTCPeerConnection(configuration, { ...this.dependencies, ...dependencies });
  }
}

let defaultInstance: PeerConnectionFactory | undefined;

/**
 * The factory behind `new RTCPeerConnection()`: host candidates on every non-loopback interface
 * (on loopback when the host has nothing else), logging through `NODE_DEBUG`.
 */
export function defaultFactory(): PeerConnectionFactory {
  defaultInstance ??= new PeerConnectionFactory();
  return defaultInstance;
}

/** @internal Fills defaults for the RTCPeerConnection constructor. */
export function resolveDependencies(d: Partial<PeerConnectionDependencies> | undefined): PeerConnectionDependencies {
  return d === undefined ? defaultFactory().dependencies : withDefaults(d);
}
