// libwebrtc through @roamhq/wrtc: the W3C API over Google's native stack.
import { createRequire } from 'node:module';
import type { Stack } from './stack.js';
import { connectW3C, wrapW3CChannel, type StandardChannel, type W3CPeer } from './w3c.js';

export default async function load(): Promise<Stack> {
  const wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as { RTCPeerConnection: new (c: object) => W3CPeer };
  // No ICE servers: host candidates only, and of those the figures pass 127.0.0.1 alone.
  const make = () => new wrtc.RTCPeerConnection({ iceServers: [] });
  return {
    name: 'libwebrtc',
    connect: (options) => connectW3C<StandardChannel>(make, wrapW3CChannel, options),
    dispose: async () => undefined,
    w3c: { make, wrap: wrapW3CChannel, close: (pc) => void pc.close() },
  };
}
