/**
 * Bad input at the edges (fixed-seed fast-check): remote descriptions and candidates that are
 * garbage or mutated real ones. Only the browser's exceptions may come out (RTCError /
 * OperationError, InvalidAccessError, TypeError), and the connection keeps working afterwards.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RTCIceCandidate } from '../src/index.js';
import { noNetwork } from './helpers.js';

/** `pnpm fuzz` sets FUZZ_RUNS and FUZZ_SEED; `pnpm test` keeps the fixed seeds and counts. */
function fuzzParameters(seed: number, numRuns: number): { seed: number; numRuns: number } {
  const runs = Number(process.env['FUZZ_RUNS']);
  const fuzzSeed = Number(process.env['FUZZ_SEED']);
  return {
    seed: process.env['FUZZ_SEED'] !== undefined && Number.isInteger(fuzzSeed) ? fuzzSeed + seed : seed,
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : numRuns,
  };
}

const chrome = readFileSync(new URL('../../../fixtures/sdp/chromium-offer-av-data.sdp', import.meta.url), 'utf8');
const lines = chrome.split('\r\n').filter((l) => l !== '');
const ALLOWED = new Set(['OperationError', 'InvalidAccessError', 'TypeError']);

const pc = noNetwork.createPeerConnection();
afterAll(() => pc.close());

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof DOMException) return e.name;
    if (e instanceof TypeError) return 'TypeError';
    return `unexpected ${String(e)}`;
  }
}

async function applyRemoteOffer(sdp: string): Promise<string> {
  const r = await outcome(pc.setRemoteDescription({ type: 'offer', sdp }));
  if (pc.signalingState === 'have-remote-offer') await pc.setRemoteDescription({ type: 'rollback' });
  return r;
}

const mutatedOffer = fc
  .array(
    fc.oneof(
      fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('dup' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('edit' as const), at: fc.nat(), pos: fc.nat(), text: fc.string({ maxLength: 4 }) }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((ops) => {
    const out = [...lines];
    for (const o of ops) {
      const i = o.at % out.length;
      if (o.op === 'drop') out.splice(i, 1);
      else if (o.op === 'dup') out.splice(i, 0, out[i]!);
      else {
        const l = out[i]!;
        const p = o.pos % (l.length + 1);
        out[i] = l.slice(0, p) + o.text + l.slice(p + 1);
      }
    }
    return out.join('\r\n') + '\r\n';
  });

describe('fuzzed remote descriptions', () => {
  it('random strings: only browser exceptions, state unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (sdp) => {
        const r = await applyRemoteOffer(sdp);
        expect(r === 'ok' || ALLOWED.has(r)).toBe(true);
        expect(pc.signalingState).toBe('stable');
      }),
      fuzzParameters(7, 150),
    );
  });

  it('mutated Chromium offers: only browser exceptions, and a good offer still applies', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedOffer, async (sdp) => {
        const r = await applyRemoteOffer(sdp);
        expect(r === 'ok' || ALLOWED.has(r)).toBe(true);
      }),
      fuzzParameters(11, 200),
    );
    expect(await applyRemoteOffer(chrome)).toBe('ok');
  });
});

describe('fuzzed candidates', () => {
  it('addIceCandidate with garbage is OperationError or taken; RTCIceCandidate never throws', async () => {
    await pc.setRemoteDescription({ type: 'offer', sdp: chrome });
    const candidate = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.tuple(fc.nat(), fc.string({ maxLength: 12 })).map(([n, s]) => {
        const base = 'candidate:1 1 udp 2122252543 127.0.0.1 40000 typ host generation 0';
        const p = n % base.length;
        return base.slice(0, p) + s + base.slice(p + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(candidate, async (line) => {
        expect(() => new RTCIceCandidate({ candidate: line, sdpMid: '0' })).not.toThrow();
        const r = await outcome(pc.addIceCandidate({ candidate: line, sdpMid: '0' }));
        expect(r === 'ok' || r === 'OperationError').toBe(true);
      }),
      fuzzParameters(3, 200),
    );
    expect(pc.signalingState).toBe('have-remote-offer');
    await pc.setLocalDescription();
    expect(pc.signalingState).toBe('stable');
  });
});
