// Ours: @x/peerconnection's W3C RTCPeerConnection, made by a PeerConnectionFactory whose ICE
// gathers on 127.0.0.1 only.
//
// Loaded by path when apps/bench does not depend on @x/peerconnection (yet), so the bench builds
// and runs before the package lands; once it is a dependency, the package import is used.
import type { Stack } from './stack.js';
import { connectW3C, wrapW3CChannel, type StandardChannel, type W3CPeer } from './w3c.js';

interface PeerConnectionModule {
  PeerConnectionFactory: new (dependencies: object) => { createPeerConnection(configuration: object): W3CPeer };
}

/** `@x/peerconnection`, from the package or, while it is no dependency, by path. */
export async function importPeerConnection<T = PeerConnectionModule>(): Promise<T> {
  const name = '@x/peerconnection';
  try {
    return (await import(name)) as T;
  } catch {
    // apps/bench/dist/peers/ours.js → packages/peerconnection/dist/index.js
    return (await import(new URL('../../../../packages/peerconnection/dist/index.js', import.meta.url).href)) as T;
  }
}

export default async function load(): Promise<Stack> {
  const { PeerConnectionFactory } = await importPeerConnection<PeerConnectionModule>();
  if (typeof PeerConnectionFactory !== 'function') throw new Error('@x/peerconnection exports no PeerConnectionFactory yet');
  const factory = new PeerConnectionFactory({
    ice: { includeLoopback: true, ipv6: false, ipFilter: (address: string) => address === '127.0.0.1' },
  });
  return {
    name: 'ours',
    connect: (options) =>
      connectW3C<StandardChannel>(() => factory.createPeerConnection(options.internetPacketSize ? { sctpPathMtuDiscovery: false } : {}), wrapW3CChannel, options),
    dispose: async () => undefined,
    // Packets of 1200 bytes as on a real path (see ConnectOptions.internetPacketSize).
    w3c: { make: () => factory.createPeerConnection({ sctpPathMtuDiscovery: false }), wrap: wrapW3CChannel, close: (pc) => void pc.close() },
  };
}
