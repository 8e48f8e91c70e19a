/**
 * Outside truth: Pion 3.1.56 (Debian `golang-go` and `golang-github-pion-webrtc.v3-dev`, built here
 * in GOPATH mode with no downloads) reads our offers and answers, and we read its. The peer runs
 * under `unshare -n` with a loopback-only IP filter. Skipped where Go, Pion or unshare is missing,
 * except under CI=true where that is a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAnswer, createDataChannelOfferSection, createOffer, createRtpOfferSection, defaultAudioCapabilities,
  defaultVideoCapabilities, parse, parseCandidate, write, type TransportDescription,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const CI = process.env['CI'] === 'true';
const PION_SRC = '/usr/share/gocode/src/github.com/pion/webrtc';
const available = process.getuid?.() === 0
  && spawnSync('unshare', ['-n', 'true']).status === 0
  && spawnSync('go', ['version']).status === 0
  && existsSync(PION_SRC);
if (CI && !available) throw new Error('CI needs golang-go, golang-github-pion-webrtc.v3-dev and unshare -n (root) for the Pion tests');

const transport: TransportDescription = {
  iceUfrag: 'x9Qb',
  icePwd: 'SxrOGK4Ix2O1B2JLAVA1K0/g',
  fingerprints: [{ algorithm: 'sha-256', value: 'BC:B9:A9:35:D6:1B:0D:1D:59:C3:AE:BE:89:E6:90:78:B6:F0:80:7E:44:F2:BB:1F:A1:7C:DF:E3:54:3F:46:8B' }],
  candidates: [parseCandidate('candidate:1 1 udp 2122194687 127.0.0.1 40000 typ host')],
};
const session = { sessionId: 7n, sessionVersion: 1n };

let work = '';
let binary = '';

async function withPion(mode: 'offerer' | 'answerer', body: (next: () => Promise<Record<string, unknown>>, send: (o: object) => void) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const child = spawn('unshare', ['-n', 'sh', '-c', `ip link set lo up; exec "${binary}" ${mode}`], { stdio: ['pipe', 'pipe', 'ignore'] });
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

describe.skipIf(!available)('Pion', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sdp-pion-'));
    mkdirSync(join(work, 'src/github.com/pion/webrtc'), { recursive: true });
    symlinkSync(PION_SRC, join(work, 'src/github.com/pion/webrtc/v3'));
    binary = join(work, 'pion-peer');
    const built = spawnSync('go', ['build', '-o', binary, join(here, 'peers', 'pion-peer.go')], {
      env: { ...process.env, GOPATH: `${work}:/usr/share/gocode`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '' },
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`go build failed: ${built.stderr}`);
  }, 180_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('reads our offer (audio, video, data, BUNDLE) and answers within it', async () => {
    const offer = createOffer(session, [
      createRtpOfferSection({ kind: 'audio', mid: '0', capabilities: defaultAudioCapabilities(), transport, msid: { streamId: 's', trackId: 'a' }, ssrcs: [{ ssrc: 11, attribute: 'cname', value: 'c' }] }),
      createRtpOfferSection({ kind: 'video', mid: '1', capabilities: defaultVideoCapabilities(), transport, withoutCandidates: true }),
      createDataChannelOfferSection({ mid: '2', transport, withoutCandidates: true }),
    ]);
    const reply = await withPion('answerer', async (next, send) => {
      send({ offer: write(offer) });
      return next();
    });
    expect(reply['error']).toBeUndefined();
    const answer = parse(reply['answer'] as string);
    expect(answer.media.map((m) => [m.mid, m.kind, m.port !== 0])).toEqual([['0', 'audio', true], ['1', 'video', true], ['2', 'application', true]]);
    expect(answer.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    expect(answer.media.map((m) => m.setup)).toEqual(['active', 'active', 'active']);
    expect(answer.media[0]!.codecs[0]).toMatchObject({ payloadType: 111, name: 'opus', clockRate: 48000, channels: 2 });
    for (const i of [0, 1]) {
      for (const c of answer.media[i]!.codecs) {
        expect(offer.media[i]!.codecs.find((o) => o.payloadType === c.payloadType)?.name.toLowerCase()).toBe(c.name.toLowerCase());
      }
    }
    expect(answer.media[1]!.codecs.map((c) => c.name)).toContain('VP8');
    expect(answer.media[2]!.sctpPort).toBe(5000);
    expect(parse(write(answer))).toEqual(answer);
  });

  it.each(['sendrecv', 'recvonly'] as const)('applies our %s answer to its offer', async (direction) => {
    const result = await withPion('offerer', async (next, send) => {
      const offer = parse((await next())['offer'] as string);
      const answer = createAnswer(offer, session, (m) => ({
        transport,
        direction,
        capabilities: m.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities(),
        msid: { streamId: 's', trackId: m.mid ?? 't' },
        ssrcs: [{ ssrc: 2000 + Number(m.mid), attribute: 'cname', value: 'c' }],
      }));
      send({ answer: write(answer) });
      return next();
    });
    expect(result['error']).toBeUndefined();
    expect(result['signalingState']).toBe('stable');
    const transceivers = result['transceivers'] as { mid: string; codecs: string[] }[];
    expect(transceivers.map((t) => t.mid)).toEqual(['0', '1']);
    expect(transceivers[0]!.codecs[0]).toBe('audio/opus');
    expect(transceivers[1]!.codecs).toContain('video/VP8');
    expect(result['sctp']).toBe(true);
  });
});
