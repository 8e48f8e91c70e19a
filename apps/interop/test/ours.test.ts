// Ours (@x/peerconnection) against every peer, both roles, on the data-channel scenarios that run
// fast, relay through coturn, ICE restart, Opus + VP8 and H.264 media both ways, Chromium's mDNS candidates,
// trickle ICE and a 16 MiB transfer: every cell of ours in `pnpm interop`'s matrix, so CI checks them all. A cell a peer itself cannot do
// (limitations.ts) must come out `n/a` with that peer's limitation, not pass and not fail. A peer not
// installed skips its cells locally and fails them under CI=true, where .ci/run installed every peer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerSpec } from '../src/driver.js';
import { limitationFor } from '../src/limitations.js';
import { openRun, type Role, type Run } from '../src/matrix.js';
import { aiortc } from '../src/peers/aiortc.js';
import { chromium } from '../src/peers/chromium.js';
import { ours } from '../src/peers/ours.js';
import { buildPion, pion } from '../src/peers/pion.js';
import { werift } from '../src/peers/werift.js';
import { wrtc } from '../src/peers/wrtc.js';
import { coturnMissing } from '../src/coturn.js';
import { ffmpegMissing } from '../src/media/ffmpeg.js';
import {
  closeOne,
  iceMdns,
  iceRelay,
  iceRestart,
  mediaH264,
  mediaOpusVp8,
  partiallyReliable,
  reliableOrderedEcho,
  transfer16MiB,
  trickle,
  unordered,
  type Scenario,
} from '../src/scenarios.js';

const ci = process.env.CI === 'true';
const others: PeerSpec[] = [chromium, wrtc, pion, aiortc, werift, ours];
const missing = new Map<string, string | null>();
for (const peer of [ours, ...others]) if (!missing.has(peer.name)) missing.set(peer.name, await peer.available());

const turnMissing = coturnMissing();
const mediaToolsMissing = ffmpegMissing();

const roles: Role[] = ['offerer', 'answerer'];
/** With every peer, both roles. */
const scenarios: Scenario[] = [reliableOrderedEcho, unordered, partiallyReliable, closeOne, iceRelay, iceRestart, mediaOpusVp8, mediaH264, iceMdns];
/** The mDNS cells need the run's own network namespace (root), where the routed veth goes. */
const namespaceMissing = process.getuid?.() === 0 && process.env.INTEROP_NETNS !== '0' ? null : 'needs root for its network namespace';
/** The whole matrix of `pnpm interop`: trickle ICE and the 16 MiB transfer too, with every peer. */
const heavier: Scenario[] = [trickle, transfer16MiB];

let run: Run;
beforeAll(async () => {
  run = await openRun();
  // The Go build takes a while the first time; not inside a cell's time.
  if (!missing.get('pion')) await buildPion();
}, 240_000);
afterAll(() => run?.close());

for (const peer of others) {
  describe(`ours ↔ ${peer.name}`, () => {
    for (const scenario of [...scenarios, ...heavier]) {
      if (scenario.appliesTo && !scenario.appliesTo(ours.name, peer.name)) continue;
      const why =
        missing.get('ours') ??
        missing.get(peer.name) ??
        (scenario === iceRelay ? turnMissing : null) ??
        (scenario === mediaOpusVp8 || scenario === mediaH264 ? mediaToolsMissing : null) ??
        (scenario === iceMdns ? namespaceMissing : null);
      for (const role of roles) {
        const limited = limitationFor(ours.name, peer.name, scenario.name, role);
        const name = `ours as ${role} vs ${peer.name}: ${scenario.name}${limited ? ` (n/a: ${limited.peer} limitation)` : ''}`;
        if (why && !ci) {
          it.skip(`${name} (${why})`, () => undefined);
          continue;
        }
        it(name, async () => {
          const cell = await run.cell(ours, peer, scenario, role);
          if (limited) expect(cell, cell.reason).toMatchObject({ status: 'n/a', reason: expect.stringContaining(limited.reason) });
          else expect(cell, cell.reason).toMatchObject({ status: 'pass' });
        }, 90_000);
      }
    }
  });
}
