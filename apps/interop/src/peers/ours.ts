// Ours: @x/peerconnection's RTCPeerConnection from a PeerConnectionFactory that gathers on
// 127.0.0.1 only. Until the package exports a working factory, the agent reports 'unavailable'
// and every cell with ours fails with that reason.
import type { PeerSpec } from '../driver.js';
import { startNodeAgent } from './node-agent.js';

export const ours: PeerSpec = {
  name: 'ours',
  async available() {
    try {
      const pc = (await import('@x/peerconnection')) as { PeerConnectionFactory?: unknown };
      return typeof pc.PeerConnectionFactory === 'function' ? null : '@x/peerconnection exports no PeerConnectionFactory yet';
    } catch (error) {
      return `@x/peerconnection does not load: ${error instanceof Error ? error.message : String(error)}`;
    }
  },
  start: (context) => startNodeAgent('ours', 'ours', context),
};
