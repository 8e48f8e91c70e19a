// Every peer the matrix knows, ours first.
import type { PeerSpec } from '../driver.js';
import { aiortc } from './aiortc.js';
import { chromium } from './chromium.js';
import { ours } from './ours.js';
import { pion } from './pion.js';
import { werift } from './werift.js';
import { wrtc } from './wrtc.js';

export const peers: readonly PeerSpec[] = [ours, chromium, wrtc, pion, aiortc, werift];

export function peerByName(name: string): PeerSpec {
  const found = peers.find((p) => p.name === name);
  if (!found) throw new Error(`unknown peer "${name}"; known: ${peers.map((p) => p.name).join(', ')}`);
  return found;
}
