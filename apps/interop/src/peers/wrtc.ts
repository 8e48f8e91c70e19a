// libwebrtc in node through @roamhq/wrtc.
import { createRequire } from 'node:module';
import type { PeerSpec } from '../driver.js';
import { startNodeAgent } from './node-agent.js';

export const wrtc: PeerSpec = {
  name: 'wrtc',
  async available() {
    try {
      createRequire(import.meta.url).resolve('@roamhq/wrtc');
      return null;
    } catch {
      return '@roamhq/wrtc is not installed';
    }
  },
  start: (context) => startNodeAgent('wrtc', 'wrtc', context),
};
