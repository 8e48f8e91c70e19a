import type dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { Emitter } from '@x/base';
import { StunError, TurnTcpClient, TurnTlsClient, TurnUdpClient, type TurnClientAdapter } from '@x/stun';
import type { Candidate, LocalCandidate, RelayProtocol } from './candidate.js';
import { parseCandidate } from './candidate-attribute.js';
import { stunAddress } from './connectivity-check.js';
import type { CandidatePair } from './candidate-pair.js';
import { IceError } from './errors.js';
import { hostAddresses, type HostAddressFilter } from './host-addresses.js';
import { IceAgent } from './ice-agent.js';
import type { IceAgentOptions, IceConnectionState, IceGatheringState } from './ice-agent-types.js';
import type { IceParameters } from './ice-parameters.js';
import { parseIceServerUrl, type IceServer } from './ice-server.js';
import { addressFamily, addressKey, type TransportAddress } from './transport-address.js';
import { layerLogger, type Logger } from '@x/base';
import { candidateText } from './ice-log.js';
import { bindUdpSocket } from './udp-socket.js';
import type { IceUdpMux, IceUdpMuxConnection } from './udp-mux.js';
import type { IceTcpMux, IceTcpMuxConnection } from './tcp-mux.js';
import { TcpActiveConnections } from './tcp-active.js';

/** The datagram pipe ICE gives the layer above (DTLS) once a pair is selected. */
export interface DatagramTransport {
  send(data: Uint8Array): void;
  onData(cb: (data: Uint8Array) => void): void;
  close(): void;
}

/** Resolves an mDNS `.local` name to an IP address (undefined when nobody answers). */
export type MdnsResolver = (name: string) => Promise<string | undefined>;

/** Where generated `.local` names are registered for answering (see {@link MdnsResponder}). */
export interface MdnsRegistrar {
  register(address: string): string;
}

/** How `turns:` servers' certificates are checked (node:tls options). */
export interface TurnTlsOptions {
  /** Trusted CA certificates in PEM (e.g. a test server's self-signed certificate). */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Whether to check the server's certificate (default true). */
  readonly rejectUnauthorized?: boolean;
}

/** Options of an {@link IceTransport}. */
export interface IceTransportOptions extends Omit<IceAgentOptions, 'stunServers'>, HostAddressFilter {
  /** STUN servers, and TURN servers over UDP, TCP (`?transport=tcp`) or TLS (`turns:`). */
  readonly iceServers?: readonly IceServer[];
  /** Certificate checks for `turns:` servers (default: the system's CAs). */
  readonly turnTls?: TurnTlsOptions;
  /** `relay`: gather and use relayed candidates only (iceTransportPolicy). Default `all`. */
  readonly iceTransportPolicy?: 'all' | 'relay';
  /** Socket buffer size to ask for (bytes, capped by rmem_max/wmem_max). Default 4 MB. */
  readonly bufferSize?: number;
  /** Resolves remote `.local` candidates; without one they are dropped. */
  readonly mdnsResolver?: MdnsResolver;
  /**
   * Hides host addresses behind generated `<uuid>.local` names registered here (an
   * {@link MdnsResponder}, or `MulticastMdns.responder`): announced host candidates carry the
   * name, and server-reflexive ones `raddr 0.0.0.0 rport 0`, as browsers do.
   */
  readonly mdnsHostnames?: MdnsRegistrar;
  /** Monotonic clock in ms. Default `performance.now`. */
  readonly clock?: () => number;
  /**
   * A shared UDP socket per family ({@link IceUdpMux}) instead of a socket per host address: the
   * host candidates are the mux's addresses and port, and the host-address filter is not used for
   * them. Server-reflexive and relayed candidates work as without it.
   */
  readonly udpMux?: IceUdpMux;
  /**
   * ICE-TCP (RFC 6544), server side: passive TCP host candidates on a shared listening socket per
   * family ({@link IceTcpMux}); peers whose UDP is blocked connect to it.
   */
  readonly tcpMux?: IceTcpMux;
  /**
   * ICE-TCP (RFC 6544), client side: gather an active TCP host candidate (`tcptype active`, port 9)
   * on each filtered host address, which connects to the peer's passive candidates when their
   * pair is checked. Pairs over TCP rank below UDP ones. Default false.
   */
  readonly tcpActive?: boolean;
}

/** Timer deadlines at least this far away are coalesced on the grid below (see `drive`). */
const COALESCE_AFTER_MS = 1000;
/** The grid step (ms of the transport's clock): a consent check is at most this late. */
const COALESCE_GRID_MS = 250;

/** Counters of the adapter (the agent has its own in `agent.stats`). */
export interface IceTransportStats {
  /** Datagrams handed to the application. */
  dataReceived: number;
  /** Datagrams sent for the application. */
  dataSent: number;
  /** Application sends dropped: no selected pair, or consent lost. */
  sendDropped: number;
  /** Remote candidates dropped: unresolvable mDNS names, unparsable lines. */
  remoteCandidatesDropped: number;
  /** Socket errors seen. */
  socketErrors: number;
}

/**
 * A STUN or TURN server that did not give a candidate (W3C `RTCPeerConnectionIceErrorEvent`):
 * the STUN error code it answered (e.g. 401), or 701 when it could not be reached.
 */
export interface IceCandidateError {
  /** Local address used towards the server, when known. */
  address: string | null;
  /** Local port used towards the server, when known. */
  port: number | null;
  /** The server's URL as configured. */
  url: string;
  errorCode: number;
  errorText: string;
}

/**
 * Events of an {@link IceTransport} (the `on…` methods subscribe to them). A listener that throws
 * does not interrupt the ICE step that emitted: the rule of `@x/base`'s `Emitter`.
 */
export type IceTransportEvents = {
  /** A local candidate as gathered (as announced: mDNS names when asked); `null` at end-of-candidates. */
  candidate: [candidate: LocalCandidate | null];
  statechange: [state: IceConnectionState];
  gatheringstatechange: [state: IceGatheringState];
  selectedpairchange: [pair: CandidatePair];
  /** A STUN or TURN server gave no candidate (see {@link IceTransport.onCandidateError}). */
  candidateerror: [error: IceCandidateError];
  /** Application datagrams: the one {@link IceTransport.onData} callback. */
  data: [data: Uint8Array];
};

/** A TURN server to allocate on. */
interface TurnServer {
  readonly url: string;
  readonly server: TransportAddress;
  readonly protocol: RelayProtocol;
  /** The host name from the URL, for TLS's certificate check (undefined for an IP). */
  readonly hostname: string | undefined;
  readonly username: string;
  readonly password: string;
}

interface Relay {
  /** The TURN server's URL and how it is reached, for the candidate's `url` and `relayProtocol`. */
  readonly url: string;
  readonly protocol: RelayProtocol;
  readonly client: TurnClientAdapter;
  readonly permitted: Set<string>;
  readonly pending: Map<string, Array<[TransportAddress, Uint8Array]>>;
}

/**
 * An ICE transport over node:dgram: the sans-IO {@link IceAgent} with UDP sockets on the
 * filtered host addresses, STUN/TURN servers, a timer and the clock. Once a pair is selected it is
 * the {@link DatagramTransport} for DTLS: STUN stays inside, everything else goes to `onData`.
 * Events go through `@x/base`'s `Emitter` ({@link IceTransportEvents}); the `on…` methods are
 * shorthands that return the unsubscribe function.
 */
export class IceTransport extends Emitter<IceTransportEvents> implements DatagramTransport {
  /** The sans-IO core. */
  readonly agent: IceAgent;
  /** Adapter counters. */
  readonly stats: IceTransportStats = { dataReceived: 0, dataSent: 0, sendDropped: 0, remoteCandidatesDropped: 0, socketErrors: 0 };
  private readonly options: IceTransportOptions;
  private readonly clock: () => number;
  private readonly sockets = new Map<number, dgram.Socket>();
  private readonly relays = new Map<number, Relay>();
  /** Relays an ICE restart replaced: kept while the selected pair may still use one, then closed. */
  private readonly retiredRelays = new Map<number, Relay>();
  /** TURN servers from the configuration, allocated again on an ICE restart. */
  private turnServers: TurnServer[] = [];
  private nextSocketId = 1;
  private gatherStarted = false;
  private readonly mdnsNames = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;
  private dataCb: ((data: Uint8Array) => void) | undefined;
  /** The configured URL of each STUN server, by resolved address, for icecandidateerror. */
  private readonly stunServerUrls = new Map<string, string>();
  private readonly log: Logger;
  /** This transport's place in `options.udpMux`, once gathering starts. */
  private mux: IceUdpMuxConnection | undefined;
  /** This transport's place in `options.tcpMux`, once gathering starts. */
  private tcpMux: IceTcpMuxConnection | undefined;
  /** Outgoing connections of the active TCP candidates (`options.tcpActive`). */
  private tcpActive: TcpActiveConnections | undefined;

  constructor(options: IceTransportOptions) {
    super();
    this.options = options;
    this.clock = options.clock ?? (() => performance.now());
    this.log = layerLogger(options.logger, 'x-ice');
    this.agent = new IceAgent({ ...options, stunServers: [] });
  }

  /** Local ICE parameters for the SDP. */
  get localParameters(): IceParameters {
    return this.agent.localParameters;
  }
  /** Connection state. */
  get state(): IceConnectionState {
    return this.agent.connectionState;
  }
  /** Gathering state. */
  get gatheringState(): IceGatheringState {
    return this.agent.gatheringState;
  }
  /** The selected pair, if any. */
  get selectedPair(): CandidatePair | undefined {
    return this.agent.selectedPair;
  }

  /** Each local candidate as gathered; `null` once gathering is complete (end-of-candidates). Returns an unsubscribe function, as the other `on…` methods. */
  onLocalCandidate(cb: (c: LocalCandidate | null) => void): () => void {
    return this.subscribe('candidate', cb);
  }
  /** Connection state changes. */
  onStateChange(cb: (s: IceConnectionState) => void): () => void {
    return this.subscribe('statechange', cb);
  }
  /** Gathering state changes. */
  onGatheringStateChange(cb: (s: IceGatheringState) => void): () => void {
    return this.subscribe('gatheringstatechange', cb);
  }
  /** The selected pair changed. */
  onSelectedPairChange(cb: (p: CandidatePair) => void): () => void {
    return this.subscribe('selectedpairchange', cb);
  }
  /**
   * A STUN or TURN server refused (its STUN error code) or could not be reached or resolved (701)
   * while gathering. For STUN, `address`/`port` are the host candidate's the request left from.
   */
  onCandidateError(cb: (e: IceCandidateError) => void): () => void {
    return this.subscribe('candidateerror', cb);
  }
  /**
   * Application datagrams from the peer (anything not STUN). One callback, a later call replaces it;
   * it is the `data` event's listener, so a throw is reported by the Emitter's rule like any other.
   */
  onData(cb: (data: Uint8Array) => void): void {
    if (this.dataCb !== undefined) this.off('data', this.dataCb);
    this.dataCb = cb;
    this.on('data', cb);
  }

  private subscribe<K extends keyof IceTransportEvents>(event: K, cb: (...args: IceTransportEvents[K]) => void): () => void {
    this.on(event, cb);
    return () => void this.off(event, cb);
  }

  /** Resolves once the connection state is one of `states`. */
  waitFor(...states: IceConnectionState[]): Promise<IceConnectionState> {
    if (states.includes(this.state)) return Promise.resolve(this.state);
    return new Promise((resolve) => {
      const off = this.onStateChange((s) => {
        if (!states.includes(s)) return;
        off();
        resolve(s);
      });
    });
  }

  /**
   * Gathers: binds a socket on each filtered host address, asks STUN servers for
   * server-reflexive candidates and TURN servers for relayed ones. Resolves when sockets and
   * allocations are done; gathering completes when the STUN answers are in (see onLocalCandidate).
   */
  async gather(): Promise<void> {
    if (this.closed) throw new IceError('invalid-state', 'closed');
    if (this.gatherStarted) throw new IceError('invalid-state', 'gather() runs once; restart() reuses the sockets');
    this.gatherStarted = true;
    const relayOnly = this.options.iceTransportPolicy === 'relay';
    const stun: TransportAddress[] = [];
    const turn: TurnServer[] = [];
    for (const s of this.options.iceServers ?? []) {
      for (const url of typeof s.urls === 'string' ? [s.urls] : s.urls) {
        const u = parseIceServerUrl(url);
        // Not supported: STUN over TCP/TLS, and TURN over DTLS (`turns:…?transport=udp`).
        const supported = u.scheme === 'stun' ? u.transport === 'udp' : u.scheme === 'turn' || u.transport === 'tcp';
        if (!supported) continue;
        const ip = addressFamily(u.host) !== 0;
        let address = u.host;
        if (!ip) {
          try {
            address = (await lookup(u.host)).address;
          } catch (e) {
            // W3C: a server whose name does not resolve is an icecandidateerror (701), not a throw.
            this.log.warn(`${url}: ${u.host} does not resolve, no candidate from it`, e);
            this.candidateError({ address: null, port: null, url, errorCode: 701, errorText: `${u.host}: ${e instanceof Error ? e.message : String(e)}` });
            continue;
          }
        }
        if (u.scheme === 'stun') {
          stun.push({ address, port: u.port });
          this.stunServerUrls.set(addressKey({ address, port: u.port }), url);
        }
        else {
          turn.push({
            url,
            server: { address, port: u.port },
            protocol: u.scheme === 'turns' ? 'tls' : u.transport,
            hostname: ip ? undefined : u.host,
            username: s.username ?? '',
            password: s.credential ?? '',
          });
        }
      }
    }
    this.turnServers = turn;
    this.agent.setStunServers(relayOnly ? [] : stun);
    const skipped: string[] = [];
    const hosts = hostAddresses(this.options, skipped);
    const mux = relayOnly ? undefined : this.options.udpMux;
    if (mux !== undefined) await this.joinMux(mux);
    if (!relayOnly && this.options.tcpMux !== undefined) await this.joinTcpMux(this.options.tcpMux);
    else if (hosts.length === 0 && !relayOnly) this.log.warn(`no usable interface, no host candidate: ${skipped.join('; ') || 'the host lists no interface'}`);
    else if (skipped.length > 0) this.log.debug(`host addresses ${hosts.map((h) => h.address).join(', ')}; skipped ${skipped.join('; ')}`);
    // With the relay policy no host socket is needed: the TURN clients have their own.
    const bound = await Promise.all(
      (relayOnly || mux !== undefined ? [] : hosts).map(async (h) => {
        try {
          return { h, socket: await bindUdpSocket(h.address, 0, this.options.bufferSize) };
        } catch (e) {
          this.stats.socketErrors++;
          this.log.warn(`cannot bind a UDP socket on ${h.address}, no host candidate there`, e);
          return undefined;
        }
      }),
    );
    if (this.closed) {
      for (const b of bound) b?.socket.close();
      return;
    }
    for (const b of bound) {
      if (!b) continue;
      const id = this.nextSocketId++;
      this.attachSocket(id, b.socket);
      const a = b.socket.address();
      this.agent.addHostCandidate(id, { address: a.address, port: a.port }, b.h.interfaceIndex, this.clock());
    }
    if (!relayOnly && this.options.tcpActive === true) this.addTcpActive(hosts);
    this.drive();
    await Promise.all(turn.map((t) => this.allocateRelay(t, hosts)));
    this.agent.endOfLocalCandidates(this.clock());
    this.drive();
  }

  /** Host candidates on the shared sockets of `mux`; the local ufrag routes here. */
  private async joinMux(mux: IceUdpMux): Promise<void> {
    const conn = mux.connect({ receive: (data, id, source) => this.receive(data, id, source), selectedRemote: () => this.agent.selectedPair?.remote });
    this.mux = conn;
    if (!conn.addUfrag(this.localParameters.usernameFragment)) this.log.warn(`UDP mux: ufrag ${this.localParameters.usernameFragment} is another transport's, checks for it do not reach this one`);
    try {
      await mux.ready;
    } catch (e) {
      this.stats.socketErrors++;
      this.log.warn('UDP mux not bound, no host candidate', e);
      return;
    }
    if (this.closed) return;
    for (const local of mux.localAddresses) {
      const id = this.nextSocketId++;
      conn.useSocket(id, local);
      this.agent.addHostCandidate(id, local, 0, this.clock());
    }
  }

  /** Passive TCP host candidates on the listening sockets of `mux`; the local ufrag routes connections here. */
  private async joinTcpMux(mux: IceTcpMux): Promise<void> {
    const conn = mux.connect({ receive: (data, id, source) => this.receive(data, id, source), closed: (id, source) => this.tcpClosed(id, source) });
    this.tcpMux = conn;
    if (!conn.addUfrag(this.localParameters.usernameFragment)) this.log.warn(`TCP mux: ufrag ${this.localParameters.usernameFragment} is another transport's, connections for it do not reach this one`);
    try {
      await mux.ready;
    } catch (e) {
      this.stats.socketErrors++;
      this.log.warn('TCP mux not listening, no passive TCP candidate', e);
      return;
    }
    if (this.closed) return;
    for (const local of mux.localAddresses) {
      const id = this.nextSocketId++;
      conn.useSocket(id, local);
      this.agent.addTcpCandidate(id, local, 'passive', 0, this.clock());
    }
  }

  /** Active TCP host candidates, one per host address: connections open when checks need them. */
  private addTcpActive(hosts: ReturnType<typeof hostAddresses>): void {
    const active = (this.tcpActive ??= new TcpActiveConnections({ receive: (data, id, source) => this.receive(data, id, source), closed: (id, remote) => this.tcpClosed(id, remote) }));
    for (const h of hosts) {
      const id = this.nextSocketId++;
      active.addLocal(id, h.address);
      this.agent.addTcpCandidate(id, { address: h.address, port: 0 }, 'active', h.interfaceIndex, this.clock());
    }
  }

  /** A TCP connection of a candidate closed: its pairs fail (RFC 6544 §7.1). */
  private tcpClosed(socketId: number, remote: TransportAddress): void {
    if (this.closed) return;
    this.log.debug(`TCP connection of socket ${socketId} with ${remote.address}:${remote.port} closed`);
    this.agent.tcpPathClosed(socketId, remote, this.clock());
    this.drive();
  }

  private attachSocket(id: number, socket: dgram.Socket): void {
    this.sockets.set(id, socket);
    // rinfo already has `address` and `port`: no extra object per datagram.
    socket.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.receive(msg, id, rinfo));
    socket.on('error', () => {
      this.stats.socketErrors++;
    });
  }

  private async allocateRelay(turn: TurnServer, hosts: ReturnType<typeof hostAddresses>): Promise<void> {
    const { server, protocol, username, password } = turn;
    const family = addressFamily(server.address);
    const localHost = hosts.find((h) => h.family === family);
    let client: TurnClientAdapter | undefined;
    try {
      const common = { server: stunAddress(server), username, password, ...(this.options.logger !== undefined ? { logger: this.options.logger } : {}) };
      const tlsOptions = this.options.turnTls;
      client =
        protocol === 'udp'
          ? await TurnUdpClient.connect({ ...common, ...(localHost ? { local: { address: localHost.address } } : {}) })
          : protocol === 'tcp'
            ? await TurnTcpClient.connect({ ...common, ...(localHost ? { localAddress: localHost.address } : {}) })
            : await TurnTlsClient.connect({
                ...common,
                ...(localHost ? { localAddress: localHost.address } : {}),
                ...(turn.hostname ? { servername: turn.hostname } : {}),
                ...(tlsOptions?.ca !== undefined ? { ca: tlsOptions.ca } : {}),
                ...(tlsOptions?.rejectUnauthorized !== undefined ? { rejectUnauthorized: tlsOptions.rejectUnauthorized } : {}),
              });
      const allocation = await client.allocate();
      if (this.closed) {
        await client.close();
        return;
      }
      const id = this.nextSocketId++;
      const relay: Relay = { url: turn.url, protocol, client, permitted: new Set(), pending: new Map() };
      this.relays.set(id, relay);
      client.onData((data, peer) => this.receive(data, id, { address: peer.address, port: peer.port }));
      client.onError(() => {
        this.stats.socketErrors++;
      });
      this.agent.addRelayCandidate(id, allocation.relayed, allocation.mapped ?? allocation.relayed, server.address, this.clock(), protocol);
      this.drive();
    } catch (e) {
      this.stats.socketErrors++;
      await client?.close().catch(() => undefined);
      if (this.closed) return;
      const refused = e instanceof StunError && e.errorCode !== undefined;
      this.log.warn(`${turn.url}: no relay candidate: ${refused ? `refused with ${e.errorCode}` : 'unreachable'}`, e instanceof Error ? e.message : e);
      this.candidateError({
        address: localHost?.address ?? null, port: null, url: turn.url,
        errorCode: refused ? e.errorCode! : 701, errorText: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** Sets the peer's ufrag/password (and ICE-lite). */
  setRemoteParameters(p: IceParameters): void {
    this.agent.setRemoteParameters(p, this.clock());
    this.drive();
  }

  /**
   * Adds a remote candidate: an object or an SDP `candidate:` line. `.local` names go through the
   * mDNS resolver first. Bad lines and unresolvable names are dropped and counted, not thrown.
   */
  async addRemoteCandidate(candidate: Candidate | string): Promise<void> {
    let c: Candidate;
    try {
      c = typeof candidate === 'string' ? parseCandidate(candidate) : candidate;
    } catch (e) {
      this.stats.remoteCandidatesDropped++;
      this.log.debug(`remote candidate dropped: bad line ${JSON.stringify(candidate)}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (addressFamily(c.address) === 0) {
      const resolved = c.address.toLowerCase().endsWith('.local') && this.options.mdnsResolver
        ? await this.options.mdnsResolver(c.address).catch(() => undefined)
        : undefined;
      if (!resolved || addressFamily(resolved) === 0) {
        this.stats.remoteCandidatesDropped++;
        const why = !c.address.toLowerCase().endsWith('.local') ? 'not an IP address' : this.options.mdnsResolver ? 'the mDNS name did not resolve' : '.local (mDNS) name and no mdnsResolver';
        this.log.warn(`remote candidate ${candidateText(c)} dropped: ${why}`);
        return;
      }
      c = { ...c, address: resolved };
    }
    if (this.closed) return;
    for (const relay of this.relays.values()) if (!relay.permitted.has(c.address)) this.permit(relay, c);
    this.agent.addRemoteCandidate(c, this.clock());
    this.drive();
  }

  /** The peer signalled end-of-candidates. */
  endOfRemoteCandidates(): void {
    this.agent.endOfRemoteCandidates(this.clock());
    this.drive();
  }

  /**
   * ICE restart (RFC 8445 §9): new local credentials (`credentials`, e.g. those a new local
   * description carries, or fresh random ones), the remote ones forgotten until
   * {@link setRemoteParameters} gives the peer's new ones, and local candidates announced again on
   * the same sockets. The current pair carries data until checks select a new one.
   */
  restart(credentials?: { usernameFragment: string; password: string }): void {
    if (this.closed) throw new IceError('invalid-state', 'closed');
    // Fresh TURN allocations, as libwebrtc gathers anew on a restart: the old ones may have died
    // with their server (a restarted TURN server keeps no allocation), and nothing says so until a
    // refresh fails minutes later. The old relays serve the selected pair until a new one is chosen.
    const replaced = this.gatherStarted ? [...this.relays.keys()] : [];
    for (const id of replaced) {
      this.retiredRelays.set(id, this.relays.get(id)!);
      this.relays.delete(id);
    }
    this.agent.restart(credentials, this.clock(), replaced);
    // The old ufrag keeps routing until a pair of the new one is selected.
    this.mux?.restartUfrag(this.localParameters.usernameFragment);
    this.tcpMux?.restartUfrag(this.localParameters.usernameFragment);
    this.drive();
    if (replaced.length === 0) return;
    const hosts = hostAddresses(this.options);
    void Promise.all(this.turnServers.map((t) => this.allocateRelay(t, hosts))).then(() => {
      if (this.closed) return;
      this.agent.endOfLocalCandidates(this.clock());
      this.drive();
    });
  }

  /** Closes the relays a restart replaced once the selected pair no longer uses one of them. */
  private closeRetiredRelays(selected: CandidatePair): void {
    for (const [id, relay] of this.retiredRelays) {
      if (selected.local.socketId === id) continue;
      this.retiredRelays.delete(id);
      void relay.client.close().catch(() => undefined);
    }
  }

  /** Sends a datagram on the selected pair; dropped and counted when there is none or consent is lost. */
  send(data: Uint8Array): void {
    const pair = this.agent.selectedPair;
    if (!pair || !this.agent.canSend) {
      this.stats.sendDropped++;
      return;
    }
    this.stats.dataSent++;
    this.sendFrom(pair.local.socketId, pair.remote, data);
  }

  /** Closes sockets, TURN allocations and the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent.close();
    this.flushEvents();
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    this.mux?.close();
    this.tcpMux?.close();
    this.tcpActive?.close();
    for (const r of [...this.relays.values(), ...this.retiredRelays.values()]) void r.client.close().catch(() => undefined);
    this.relays.clear();
    this.retiredRelays.clear();
  }

  private receive(data: Uint8Array, socketId: number, source: TransportAddress): void {
    if (this.closed) return;
    const app = this.agent.handleDatagram(data, socketId, source, this.clock());
    if (app) {
      // Application data leaves the agent's state as it was: skip the drive.
      this.stats.dataReceived++;
      this.emit('data', app);
      return;
    }
    this.drive();
  }

  /** One send callback for every datagram: no closure per packet. */
  private readonly onSent = (err: Error | null): void => {
    if (err) this.stats.socketErrors++;
  };

  /** `stun`: the agent's datagram (a check teaches a mux where its answers come from). */
  private sendFrom(socketId: number, to: TransportAddress, data: Uint8Array, stun = false): void {
    const socket = this.sockets.get(socketId);
    if (socket) {
      socket.send(data, to.port, to.address, this.onSent);
      return;
    }
    if (this.mux?.send(socketId, to, data, stun)) return;
    if (this.tcpMux?.send(socketId, to, data) || this.tcpActive?.send(socketId, to, data)) return;
    const relay = this.relays.get(socketId) ?? this.retiredRelays.get(socketId);
    if (!relay) return;
    if (relay.permitted.has(to.address)) relay.client.send(stunAddress(to), data);
    else this.permit(relay, to, data);
  }

  /**
   * Installs a TURN permission for a peer address, queueing what is sent meanwhile. Done early
   * for remote candidates so the peer's checks through the relay get in (RFC 8445 §5.1.1.2).
   */
  private permit(relay: Relay, to: TransportAddress, data?: Uint8Array): void {
    const key = to.address;
    const queue = relay.pending.get(key);
    if (queue) {
      if (data && queue.length < 64) queue.push([to, data]);
      return;
    }
    relay.pending.set(key, data ? [[to, data]] : []);
    relay.client.createPermission(stunAddress(to)).then(
      () => {
        relay.permitted.add(key);
        for (const [peer, d] of relay.pending.get(key) ?? []) relay.client.send(stunAddress(peer), d);
        relay.pending.delete(key);
      },
      () => {
        relay.pending.delete(key);
        this.stats.socketErrors++;
      },
    );
  }

  /** A selected relayed pair gets a TURN channel: 4 bytes of overhead instead of 36 (RFC 8656 §12). */
  private bindRelayChannel(pair: CandidatePair): void {
    const relay = this.relays.get(pair.local.socketId);
    if (!relay) return;
    relay.client.bindChannel(stunAddress(pair.remote)).then(
      () => {
        relay.permitted.add(pair.remote.address);
      },
      () => {
        this.stats.socketErrors++;
      },
    );
  }

  /** The candidate as signalled: with mDNS names in place of host addresses when asked. */
  private announced(gathered: LocalCandidate): LocalCandidate {
    const c = this.withServer(gathered);
    const registrar = this.options.mdnsHostnames;
    if (!registrar) return c;
    if (c.type === 'host') {
      let name = this.mdnsNames.get(c.address);
      if (!name) {
        name = registrar.register(c.address);
        this.mdnsNames.set(c.address, name);
      }
      return { ...c, address: name };
    }
    if (c.relatedAddress !== undefined && c.type === 'srflx') return { ...c, relatedAddress: addressFamily(c.address) === 6 ? '::' : '0.0.0.0', relatedPort: 0 };
    return c;
  }

  /** A srflx or relay candidate with the URL of its server, and a relay one with how it reaches it (W3C `RTCIceCandidate`). */
  private withServer(c: LocalCandidate): LocalCandidate {
    if (c.type === 'relay') {
      const relay = this.relays.get(c.socketId) ?? this.retiredRelays.get(c.socketId);
      return relay ? { ...c, url: relay.url, relayProtocol: relay.protocol } : c;
    }
    const url = c.type === 'srflx' && c.server ? this.stunServerUrls.get(addressKey(c.server)) : undefined;
    return url === undefined ? c : { ...c, url };
  }

  private candidateError(error: IceCandidateError): void {
    this.emit('candidateerror', error);
  }

  private flushEvents(): void {
    // Listeners' exceptions stay out of this loop (the Emitter's rule): every event is delivered.
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) {
      if (e.type === 'local-candidate') this.emit('candidate', this.announced(e.candidate));
      else if (e.type === 'gathering-state') {
        this.emit('gatheringstatechange', e.state);
        if (e.state === 'complete') this.emit('candidate', null);
      } else if (e.type === 'connection-state') this.emit('statechange', e.state);
      else if (e.type === 'server-error') {
        const url = this.stunServerUrls.get(addressKey(e.server)) ?? `stun:${e.server.address}:${e.server.port}`;
        // W3C: an address not exposed in a candidate (hidden behind an mDNS name) is null.
        const hidden = this.mdnsNames.has(e.base.address);
        this.candidateError({ address: hidden ? null : e.base.address, port: e.base.port, url, errorCode: e.errorCode, errorText: e.errorText });
      } else if (e.type === 'selected-pair') {
        this.bindRelayChannel(e.pair);
        if (this.retiredRelays.size !== 0) this.closeRetiredRelays(e.pair);
        this.mux?.retainUfrag(this.agent.localParameters.usernameFragment);
        this.tcpMux?.retainUfrag(this.agent.localParameters.usernameFragment);
        this.emit('selectedpairchange', e.pair);
      }
    }
  }

  private drive(): void {
    if (this.closed) return;
    const now = this.clock();
    for (let t = this.agent.pollTransmit(); t; t = this.agent.pollTransmit()) this.sendFrom(t.socketId, t.destination, t.data, true);
    this.flushEvents();
    const next = this.agent.pollTimeout();
    if (next === undefined) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    // A deadline seconds away (consent check, consent timeouts) moves up to the next step of a
    // grid shared by every transport of the process, so a server's thousands of connections
    // wake it a few times a second instead of once per connection per check.
    const at = next - now >= COALESCE_AFTER_MS ? Math.ceil(next / COALESCE_GRID_MS) * COALESCE_GRID_MS : next;
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      if (this.closed) return;
      this.agent.handleTimeout(this.clock());
      this.drive();
    }, Math.max(0, Math.ceil(at - now)));
  }
}
