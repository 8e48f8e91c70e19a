/**
 * Two of our peers whose only path to each other crosses a UDP relay: each gathers on 127.0.0.1,
 * the candidates are held back until both sides have gathered, then each side is told the relay's
 * address instead of the other's. Nothing is sent anywhere but 127.0.0.1.
 */
import { startUdpRelayPair, type DirectionalModel, type ImpairmentModel, type UdpRelay } from '@x/netem';
import { PeerConnectionFactory, type PeerConnectionDependencies, type RTCPeerConnection, type RTCConfiguration, type RTCDataChannel } from '@x/peerconnection';

/** A factory whose connections gather on 127.0.0.1 only. */
export function loopbackFactory(ice: Partial<PeerConnectionDependencies['ice']> = {}, more: Partial<PeerConnectionDependencies> = {}): PeerConnectionFactory {
  return new PeerConnectionFactory({
    ...more,
    ice: { includeLoopback: true, ipv6: false, ipFilter: (address: string) => address === '127.0.0.1', ...ice },
  });
}

/** A candidate line's address and port (fields 5 and 6 of RFC 8839's grammar). */
export function candidateEndpoint(line: string): { address: string; port: number } {
  const fields = line.replace(/^a=/, '').split(' ');
  return { address: fields[4]!, port: Number(fields[5]) };
}

/** The line with its connection address and port replaced. */
export function rewriteCandidate(line: string, address: string, port: number): string {
  const fields = line.split(' ');
  fields[4] = address;
  fields[5] = String(port);
  return fields.join(' ');
}

/** SDP without candidate lines, so the only way to the peer is what we add afterwards. */
export function withoutCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
    .join('\r\n');
}

/** Collects one connection's host candidates until gathering completes. */
export function gathered(pc: RTCPeerConnection): Promise<string[]> {
  const lines: string[] = [];
  return new Promise((resolve) => {
    pc.addEventListener('icecandidate', (e: Event) => {
      const candidate = (e as unknown as { candidate: { candidate: string } | null }).candidate;
      if (candidate === null) resolve(lines);
      else if (candidate.candidate !== '') lines.push(candidate.candidate);
    });
  });
}

/** Resolves when the connection is connected; rejects when it fails or closes. */
export function connected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.connectionState === 'connected') return resolve();
    const check = (): void => {
      if (pc.connectionState === 'connected') {
        pc.removeEventListener('connectionstatechange', check);
        resolve();
      } else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        pc.removeEventListener('connectionstatechange', check);
        reject(new Error(`connection ${pc.connectionState}`));
      }
    };
    pc.addEventListener('connectionstatechange', check);
  });
}

/** Resolves at the next time the connection enters `state`, with the time it took. */
export function reaches(pc: RTCPeerConnection, state: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => {
    const check = (): void => {
      if (pc.connectionState === state) {
        pc.removeEventListener('connectionstatechange', check);
        resolve(performance.now() - start);
      }
    };
    pc.addEventListener('connectionstatechange', check);
  });
}

/** Offer/answer between two connections, descriptions as they are (candidates trickle separately). */
export async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
}

/** Resolves once the data channel is open. */
export function opened(ch: RTCDataChannel): Promise<void> {
  return ch.readyState === 'open' ? Promise.resolve() : new Promise((resolve) => ch.addEventListener('open', () => resolve(), { once: true }));
}

/** Offer/answer between two connections with every candidate line taken out of the SDP. */
export async function negotiateWithoutCandidates(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription({ type: 'offer', sdp: withoutCandidates(a.localDescription!.sdp) });
  await b.setLocalDescription();
  await a.setRemoteDescription({ type: 'answer', sdp: withoutCandidates(b.localDescription!.sdp) });
}

/** A connected pair and the relay between them. */
export interface RelayedPair<R extends Relay = UdpRelay> {
  readonly a: RTCPeerConnection;
  readonly b: RTCPeerConnection;
  readonly relay: R;
  /** Closes both connections and the relay. */
  close(): Promise<void>;
}

/** What the pair needs of a relay: an address for each side, and close. */
export interface Relay {
  readonly addressForA: { readonly address: string; readonly port: number };
  readonly addressForB: { readonly address: string; readonly port: number };
  close(): Promise<void>;
}

/** Options of {@link relayedPair}. */
export interface RelayedPairOptions<R extends Relay = UdpRelay> {
  /** The netem model, when `startRelay` is not given. */
  readonly model?: ImpairmentModel | DirectionalModel;
  /** Starts another relay between the two host candidates (default: @x/netem's with `model`). */
  readonly startRelay?: (a: { address: string; port: number }, b: { address: string; port: number }) => Promise<R>;
  readonly factory?: PeerConnectionFactory;
  readonly configuration?: RTCConfiguration;
  /** Called before negotiation: add channels or tracks here. */
  readonly prepare?: (a: RTCPeerConnection, b: RTCPeerConnection) => void;
}

/**
 * Negotiates `a` (offerer) and `b`, starts a relay between their first host candidates and gives
 * each side only the relay's address; resolves once the relay exists and candidates are added
 * (not necessarily connected yet).
 */
export async function relayedPair<R extends Relay = UdpRelay>(options: RelayedPairOptions<R>): Promise<RelayedPair<R>> {
  const factory = options.factory ?? loopbackFactory();
  const a = factory.createPeerConnection(options.configuration ?? {});
  const b = factory.createPeerConnection(options.configuration ?? {});
  const candidatesA = gathered(a);
  const candidatesB = gathered(b);
  options.prepare?.(a, b);
  await negotiateWithoutCandidates(a, b);
  const [lineA, lineB] = [(await candidatesA)[0], (await candidatesB)[0]];
  if (lineA === undefined || lineB === undefined) throw new Error('a peer gathered no candidate on 127.0.0.1');
  const relay = options.startRelay !== undefined
    ? await options.startRelay(candidateEndpoint(lineA), candidateEndpoint(lineB))
    : ((await startUdpRelayPair({ a: candidateEndpoint(lineA), b: candidateEndpoint(lineB), model: options.model ?? {} })) as unknown as R);
  // A hears of B as the relay's socket A, and B of A as socket B.
  await a.addIceCandidate({ candidate: rewriteCandidate(lineB, relay.addressForA.address, relay.addressForA.port), sdpMid: '0' });
  await b.addIceCandidate({ candidate: rewriteCandidate(lineA, relay.addressForB.address, relay.addressForB.port), sdpMid: '0' });
  return {
    a,
    b,
    relay,
    async close() {
      a.close();
      b.close();
      await relay.close();
    },
  };
}
