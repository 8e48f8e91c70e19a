// werift (WebRTC in TypeScript), kept on loopback by agent/node.ts: a local STUN server instead
// of its default (Google's), 127.0.0.1 as an extra host address, no IPv6, max-bundle.
import type { PeerSpec } from '../driver.js';
import { startNodeAgent } from './node-agent.js';

export const werift: PeerSpec = {
  name: 'werift',
  async available() {
    try {
      await import('werift');
      return null;
    } catch {
      return 'werift is not installed';
    }
  },
  start: (context) => startNodeAgent('werift', 'werift', context),
};
