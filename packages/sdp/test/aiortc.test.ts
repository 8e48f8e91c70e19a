/**
 * Outside truth: aiortc 1.4 (Debian `python3-aiortc`, run with /usr/bin/python3) reads our offers
 * and answers, and we read its. Run under `unshare -n` so nothing but loopback exists. Skipped
 * where aiortc or unshare is missing, except under CI=true where that is a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createAnswer, createDataChannelOfferSection, createOffer, createRtpOfferSection, defaultAudioCapabilities,
  defaultVideoCapabilities, parse, parseCandidate, write, type TransportDescription,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const CI = process.env['CI'] === 'true';
const PYTHON = '/usr/bin/python3';
const available = process.getuid?.() === 0
  && spawnSync('unshare', ['-n', 'true']).status === 0
  && spawnSync(PYTHON, ['-c', 'import aiortc']).status === 0;
if (CI && !available) throw new Error('CI needs Debian python3-aiortc and unshare -n (root) for the aiortc tests');

const transport: TransportDescription = {
  iceUfrag: 'x9Qb',
  icePwd: 'SxrOGK4Ix2O1B2JLAVA1K0/g',
  fingerprints: [{ algorithm: 'sha-256', value: 'BC:B9:A9:35:D6:1B:0D:1D:59:C3:AE:BE:89:E6:90:78:B6:F0:80:7E:44:F2:BB:1F:A1:7C:DF:E3:54:3F:46:8B' }],
  candidates: [parseCandidate('candidate:1 1 udp 2122194687 127.0.0.1 40000 typ host')],
  endOfCandidates: true,
};
const session = { sessionId: 42n, sessionVersion: 1n };

/** Runs the aiortc peer in a network namespace with only loopback; yields its JSON lines. */
async function withAiortc<T>(mode: 'offerer' | 'answerer', body: (next: () => Promise<Record<string, unknown>>, send: (o: object) => void) => Promise<T>): Promise<T> {
  const child = spawn('unshare', ['-n', 'sh', '-c', `ip link set lo up; exec ${PYTHON} "${join(here, 'peers', 'aiortc-peer.py')}" ${mode}`], {
    // aiortc logs a closed-transport warning from its connect task after close(); failures show up
    // on stdout as {"ok": false, "error": …} instead.
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  try {
    return await body(
      async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>,
      (o) => child.stdin.write(JSON.stringify(o) + '\n'),
    );
  } finally {
    child.stdin.end();
    child.kill('SIGKILL');
  }
}

describe.skipIf(!available)('aiortc', () => {
  it('reads our offer (audio, video, data, BUNDLE) and answers within it', async () => {
    const offer = createOffer(session, [
      createRtpOfferSection({ kind: 'audio', mid: '0', capabilities: defaultAudioCapabilities(), transport, msid: { streamId: 's', trackId: 'a' }, ssrcs: [{ ssrc: 11, attribute: 'cname', value: 'c' }] }),
      createRtpOfferSection({ kind: 'video', mid: '1', capabilities: defaultVideoCapabilities(), transport }),
      createDataChannelOfferSection({ mid: '2', transport }),
    ]);
    const reply = await withAiortc('answerer', async (next, send) => {
      send({ offer: write(offer) });
      return next();
    });
    expect(reply['error']).toBeUndefined();
    const answer = parse(reply['answer'] as string);
    expect(answer.media.map((m) => [m.mid, m.kind, m.port !== 0])).toEqual([['0', 'audio', true], ['1', 'video', true], ['2', 'application', true]]);
    expect(answer.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    expect(answer.media.map((m) => m.setup)).toEqual(['active', 'active', 'active']);
    expect(answer.media[0]!.codecs.map((c) => [c.payloadType, c.name])).toEqual([[111, 'opus'], [0, 'PCMU'], [8, 'PCMA']]);
    const video = answer.media[1]!.codecs.map((c) => c.payloadType);
    expect(video.every((pt) => offer.media[1]!.formats.includes(String(pt)))).toBe(true);
    expect(answer.media[1]!.codecs.find((c) => c.name === 'VP8')?.payloadType).toBe(96);
    expect(answer.media[2]!.protocol).toBe('UDP/DTLS/SCTP');
    expect(answer.media[2]!.sctpPort).toBe(5000);
    expect(parse(write(answer))).toEqual(answer);
  });

  it.each(['sendrecv', 'recvonly'] as const)('applies our %s answer to its offer', async (direction) => {
    const result = await withAiortc('offerer', async (next, send) => {
      const offer = parse((await next())['offer'] as string);
      const answer = createAnswer(offer, session, (m) => ({
        transport,
        direction,
        capabilities: m.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities(),
        msid: { streamId: 's', trackId: m.mid ?? 't' },
        ssrcs: [{ ssrc: 1000 + Number(m.mid), attribute: 'cname', value: 'c' }],
      }));
      send({ answer: write(answer) });
      return next();
    });
    expect(result['error']).toBeUndefined();
    expect(result['signalingState']).toBe('stable');
    const expected = direction === 'sendrecv' ? 'sendrecv' : 'sendonly';
    const transceivers = result['transceivers'] as { mid: string; currentDirection: string; codecs: string[] }[];
    expect(transceivers.map((t) => [t.mid, t.currentDirection])).toEqual([['0', expected], ['1', expected]]);
    expect(transceivers[0]!.codecs[0]).toBe('audio/opus');
    expect(transceivers[1]!.codecs[0]).toBe('video/VP8');
    expect(result['sctp']).toBe(true);
  });
});
