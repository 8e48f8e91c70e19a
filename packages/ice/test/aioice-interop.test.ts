import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLinesPeer, runInterop } from './json-peer.js';

const PYTHON = '/usr/bin/python3';
const available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import aioice'], { timeout: 10_000 }).status === 0;
if (!available && process.env.CI === 'true') throw new Error('aioice (Debian python3-aioice) is required under CI');

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

describe.skipIf(!available)('interop with aioice 0.8 (Python, Debian python3-aioice)', () => {
  for (const ourRole of ['controlling', 'controlled'] as const) {
    it(`connects with us ${ourRole} and moves data both ways`, async () => {
      const peer = new JsonLinesPeer(PYTHON, [join(__dirname, 'aioice_peer.py'), ourRole === 'controlling' ? 'controlled' : 'controlling']);
      cleanup.push(() => peer.kill());
      const { ice, peerControlling } = await runInterop(peer, ourRole, cleanup);
      expect(peerControlling).toBe(ourRole !== 'controlling');
      // aioice nominates (controlling) or we do; either way both ends agree on one pair.
      expect(ice.selectedPair!.nominated).toBe(true);
      peer.send({ type: 'close' });
    });
  }

  for (const role of ['controlling', 'controlled'] as const) {
    it(`resolves a role conflict with aioice when both start ${role} (RFC 8445 §7.3.1.1)`, async () => {
      const peer = new JsonLinesPeer(PYTHON, [join(__dirname, 'aioice_peer.py'), role]);
      cleanup.push(() => peer.kill());
      const { ice, peerControlling } = await runInterop(peer, role, cleanup, 'either');
      // One side switched (here, or at aioice without our seeing it): now exactly one controls.
      expect(peerControlling).toBe(!ice.agent.controlling);
      peer.send({ type: 'close' });
    });
  }
});
