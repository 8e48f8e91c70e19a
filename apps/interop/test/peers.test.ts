// The harness proved with real peers against each other (ours is in ours.test.ts). A peer not
// installed skips its cells locally and fails them under CI=true, where .ci/run has installed
// every peer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerSpec } from '../src/driver.js';
import { openRun, type Role, type Run } from '../src/matrix.js';
import { limitationFor } from '../src/limitations.js';
import { aiortc } from '../src/peers/aiortc.js';
import { chromium } from '../src/peers/chromium.js';
import { buildPion, pion } from '../src/peers/pion.js';
import { werift } from '../src/peers/werift.js';
import { wrtc } from '../src/peers/wrtc.js';
import { coturnMissing } from '../src/coturn.js';
import { ffmpegMissing } from '../src/media/ffmpeg.js';
import {
  closeOne,
  iceRelay,
  iceMdns,
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
const missing = new Map<string, string | null>();
for (const peer of [wrtc, chromium, pion, aiortc, werift]) missing.set(peer.name, await peer.available());
const turnMissing = coturnMissing();
const mediaToolsMissing = ffmpegMissing();

/** [subject, peer, scenario, subject's roles]: the cells that run here (a subset, to stay near a minute). */
const cells: Array<[PeerSpec, PeerSpec, Scenario, Role[]]> = [
  [wrtc, chromium, reliableOrderedEcho, ['offerer', 'answerer']],
  [wrtc, chromium, unordered, ['offerer', 'answerer']],
  [wrtc, chromium, closeOne, ['offerer']],
  [chromium, wrtc, transfer16MiB, ['offerer']],
  [pion, aiortc, reliableOrderedEcho, ['offerer', 'answerer']],
  [pion, aiortc, partiallyReliable, ['offerer', 'answerer']],
  [pion, aiortc, closeOne, ['answerer']],
  [pion, wrtc, transfer16MiB, ['offerer']],
  [werift, wrtc, reliableOrderedEcho, ['offerer']],
  [werift, pion, closeOne, ['offerer']],
  [wrtc, chromium, trickle, ['answerer']],
  [wrtc, pion, trickle, ['offerer']],
  [wrtc, pion, iceRelay, ['offerer']],
  [aiortc, chromium, iceRelay, ['answerer']],
  [wrtc, chromium, iceRestart, ['answerer']],
  [wrtc, pion, iceRestart, ['answerer']],
  [wrtc, chromium, mediaOpusVp8, ['answerer']],
  // Pion → aiortc only: aiortc 1.4's media offer gives each m-line its own ICE ufrag (no max-bundle), which Pion v3 refuses.
  [pion, aiortc, mediaOpusVp8, ['offerer']],
  [werift, wrtc, mediaOpusVp8, ['offerer']],
  // H.264: Chromium against Pion; and wrtc (built without H.264) fails it against Chromium just as against ours, so it is n/a.
  [chromium, pion, mediaH264, ['offerer']],
  [chromium, wrtc, mediaH264, ['offerer', 'answerer']],
  // Pion resolves Chromium's .local names (wrtc cannot: it connects through peer-reflexive candidates only).
  [pion, chromium, iceMdns, ['offerer', 'answerer']],
];

let run: Run;
beforeAll(async () => {
  run = await openRun();
  // The Go build takes a while the first time; not inside a cell's time.
  if (!missing.get('pion')) await buildPion();
}, 240_000);
afterAll(() => run?.close());

describe('the harness, peer against peer', () => {
  for (const [subject, peer, scenario, roles] of cells) {
    const why =
      missing.get(subject.name) ??
      missing.get(peer.name) ??
      (scenario === iceRelay ? turnMissing : null) ??
      (scenario === mediaOpusVp8 || scenario === mediaH264 ? mediaToolsMissing : null);
    for (const role of roles) {
      const limited = limitationFor(subject.name, peer.name, scenario.name, role);
      const name = `${subject.name} as ${role} vs ${peer.name}: ${scenario.name}${limited ? ` (n/a: ${limited.peer} limitation)` : ''}`;
      if (why && !ci) {
        it.skip(`${name} (${why})`, () => undefined);
        continue;
      }
      it(name, async () => {
        const cell = await run.cell(subject, peer, scenario, role);
        if (limited) expect(cell, cell.reason).toMatchObject({ status: 'n/a', reason: expect.stringContaining(limited.reason) });
        else expect(cell, cell.reason).toMatchObject({ status: 'pass' });
      }, 90_000);
    }
  }
});
