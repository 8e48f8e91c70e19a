/**
 * Outside truth for DTMF and audio levels: headless Chromium (test/peers/chromium-dtmf.mjs, under
 * `unshare -n`, our peer from dist/) in an audio call with our peer, both ways.
 * - Chromium's `RTCDTMFSender.insertDTMF('123#')` reaches our remote track as `telephoneevent`s
 *   with those digits, in order.
 * - Ours reach Chromium: libwebrtc's receiver turns our telephone-events into DTMF tones in the
 *   audio it decodes; the two strongest frequencies of Chromium's remote track (WebAudio analyser)
 *   are the row and column of '4', '5', '6', '*' in turn. With our audio stopped, Chromium's
 *   inbound-rtp counts exactly the telephone-event packets of one tone our outbound-rtp sent.
 * - Chromium's `getSynchronizationSources()` reports our SSRC with the level we wrote (0.5 → 6
 *   dBov → 10^(-6/20)), so it reads our RFC 6464 extension.
 * Skipped where Chromium, playwright-core, unshare or the build is missing, except under CI=true.
 * Run alone (it starts a browser).
 */
import { existsSync } from 'node:fs';
import { parse } from '@x/sdp';
import { describe, expect, it } from 'vitest';
import { built, hasUnshare, resolvable, runIsolatedPeer } from './isolated-peer.js';

const CI = process.env['CI'] === 'true';
const ready = resolvable('playwright-core') && existsSync('/usr/bin/chromium') && hasUnshare && built;
if (CI && !ready) throw new Error('CI needs Chromium, playwright-core, unshare -n (root) and a built dist/ for the Chromium DTMF test');

interface Counts {
  theirs: { packetsReceived: number; packetsLost: number; ssrc: number };
  oursSent: number;
}
interface Outcome {
  error?: string;
  offer: string;
  answer: string;
  heard: Array<{ tone: string; event: number; volume: number }>;
  chromiumToneChanges: string[];
  oursToneChanges: string[];
  chromiumCanInsert: boolean;
  oursCanInsert: boolean;
  /** [Hz, Hz, dB, dB]: the two strongest frequencies (500–2000 Hz) of Chromium's decoded audio, every 10 ms. */
  peaks: Array<[number, number, number, number]>;
  sources: Array<{ source: number; audioLevel?: number; rtpTimestamp: number; timestamp: number }>;
  ourSsrc: number;
  before: Counts;
  after: Counts;
}

const ROWS = [697, 770, 852, 941];
const COLUMNS = [1209, 1336, 1477, 1633];
const KEYS = ['123A', '456B', '789C', '*0#D'];

/** The DTMF key two frequencies make (each within 20 Hz: the analyser's bins are 11.7 Hz), if any. */
function key(f1: number, f2: number): string | undefined {
  const near = (list: number[], f: number): number => list.findIndex((x) => Math.abs(x - f) <= 20);
  for (const [a, b] of [[f1, f2], [f2, f1]] as const) {
    const r = near(ROWS, a);
    const c = near(COLUMNS, b);
    if (r >= 0 && c >= 0) return KEYS[r]![c];
  }
  return undefined;
}

describe.skipIf(!ready)('DTMF with Chromium', () => {
  it('Chromium\'s tones reach us as telephone events; ours come out of Chromium\'s decoder as DTMF tones; it reads our audio level', async () => {
    const r = await runIsolatedPeer<Outcome>(new URL('./peers/chromium-dtmf.mjs', import.meta.url), 'Chromium', 85000);
    expect(r.error).toBeUndefined();

    // Negotiated as Chromium offers it: telephone-event at 48 kHz (beside Opus) and 8 kHz, and the level extension.
    const offered = parse(r.offer).media[0]!;
    const answered = parse(r.answer).media[0]!;
    const events = (m: typeof offered) => m.codecs.filter((c) => c.name === 'telephone-event').map((c) => [c.payloadType, c.clockRate]);
    expect(events(answered)).toEqual(events(offered));
    expect(events(answered).map(([, rate]) => rate)).toEqual([48000, 8000]);
    expect(answered.extmaps.some((e) => e.uri === 'urn:ietf:params:rtp-hdrext:ssrc-audio-level')).toBe(true);
    expect(r.chromiumCanInsert).toBe(true);
    expect(r.oursCanInsert).toBe(true);

    // Chromium → us.
    expect(r.chromiumToneChanges).toEqual(['1', '2', '3', '#', '']);
    expect(r.heard.map((h) => h.tone).join('')).toBe('123#');
    expect(r.heard.map((h) => h.event)).toEqual([1, 2, 3, 11]);

    // Us → Chromium: the keys its decoded audio holds, in order, runs collapsed (loud frames only).
    expect(r.oursToneChanges).toEqual(['4', '5', '6', '*', '']);
    const decoded: string[] = [];
    for (const [f1, f2, db1, db2] of r.peaks) {
      const k = db1 > -50 && db2 > -50 ? key(f1, f2) : undefined;
      if (k !== undefined && decoded.at(-1) !== k) decoded.push(k);
    }
    expect(decoded.join('')).toBe('456*');

    // Every telephone-event packet of the last tone (no audio around it) was received by Chromium.
    const sent = r.after.oursSent - r.before.oursSent;
    expect(sent).toBeGreaterThanOrEqual(8); // 300 ms: 6 updates 50 ms apart, the end packet three times
    expect(r.after.theirs.ssrc).toBe(r.ourSsrc);
    expect(r.after.theirs.packetsReceived - r.before.theirs.packetsReceived).toBe(sent);
    expect(r.after.theirs.packetsLost).toBe(0);

    // Chromium read our RFC 6464 level.
    expect(r.sources.map((s) => s.source)).toEqual([r.ourSsrc]);
    expect(r.sources[0]!.audioLevel).toBeCloseTo(10 ** (-6 / 20), 6);
  }, 90_000);
});
