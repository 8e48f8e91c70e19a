// werift: WebRTC in TypeScript. Kept on loopback: a local STUN server instead of its default
// (Google's), 127.0.0.1 added as a host address, no IPv6, max-bundle.
import { Buffer } from 'node:buffer';
import { startBindingServer } from '@x/stun';
import type { PeerChannel, Stack } from './stack.js';
import { connectW3C, type W3CChannel, type W3CPeer } from './w3c.js';

interface WeriftChannel extends W3CChannel {
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  readonly bufferedAmountLow: { subscribe(cb: () => void): unknown };
  onmessage?: (e: { data: Buffer | string }) => void;
  send(data: Buffer): void;
}

function wrap(ch: WeriftChannel): PeerChannel {
  let low: () => void = () => undefined;
  ch.bufferedAmountLow.subscribe(() => low());
  return {
    // werift wants a Buffer; this one is a view of the same bytes, not a copy.
    send: (data) => ch.send(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
    bufferedAmount: () => ch.bufferedAmount,
    setBufferedAmountLowThreshold: (bytes) => (ch.bufferedAmountLowThreshold = bytes),
    onBufferedAmountLow: (cb) => (low = cb),
    onMessage: (cb) => (ch.onmessage = (e) => cb(e.data.length)),
  };
}

/** werift's configuration for loopback only, with the local STUN server on `stunPort`. */
export function weriftLoopbackConfig(stunPort: number): Record<string, unknown> {
  return {
    iceServers: [{ urls: `stun:127.0.0.1:${stunPort}` }],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    iceUseTcp: false,
    iceStunGatherTimeout: 1,
    bundlePolicy: 'max-bundle',
  };
}

export default async function load(): Promise<Stack> {
  const { RTCPeerConnection } = (await import('werift')) as unknown as { RTCPeerConnection: new (c: object) => W3CPeer };
  const stun = await startBindingServer({ address: '127.0.0.1' });
  const config = weriftLoopbackConfig(stun.address.port);
  return {
    name: 'werift',
    connect: (options) => connectW3C<WeriftChannel>(() => new RTCPeerConnection(config), wrap, options, async (pc) => {
      await pc.close();
    }),
    dispose: () => stun.close(),
    w3c: { make: () => new RTCPeerConnection(config), wrap, close: async (pc) => void (await pc.close()) },
  };
}
