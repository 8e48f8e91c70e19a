/**
 * Outside truth: libwebrtc (`@roamhq/wrtc`) reads our offers and answers, and we read its.
 * Skipped where libwebrtc (or `unshare`) is missing, except under CI=true where that is a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createAnswer, createDataChannelOfferSection, createOffer, createRtpOfferSection, defaultAudioCapabilities,
  defaultVideoCapabilities, parse, parseCandidate, write, type MediaSection, type TransportDescription,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const CI = process.env['CI'] === 'true';

interface Wrtc {
  RTCPeerConnection: new (config?: object) => {
    setRemoteDescription(d: { type: string; sdp: string }): Promise<void>;
    createAnswer(): Promise<{ sdp: string }>;
    getTransceivers(): { mid: string | null; receiver: { track: { kind: string } } }[];
    close(): void;
  };
}

function loadWrtc(): Wrtc | undefined {
  try {
    return require('@roamhq/wrtc') as Wrtc;
  } catch (e) {
    if (CI) throw e;
    return undefined;
  }
}

const wrtc = loadWrtc();
const hasUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
if (CI && !hasUnshare) throw new Error('CI needs unshare -n (root) for the libwebrtc offerer test');

const FP = { algorithm: 'sha-256', value: 'BC:B9:A9:35:D6:1B:0D:1D:59:C3:AE:BE:89:E6:90:78:B6:F0:80:7E:44:F2:BB:1F:A1:7C:DF:E3:54:3F:46:8B' };
const transport: TransportDescription = {
  iceUfrag: 'x9Qb',
  icePwd: 'SxrOGK4Ix2O1B2JLAVA1K0/g',
  iceOptions: ['trickle'],
  fingerprints: [FP],
  candidates: [parseCandidate('candidate:1 1 udp 2122194687 127.0.0.1 40000 typ host generation 0')],
};
const session = { sessionId: 123456789012345678n, sessionVersion: 1n };

describe.skipIf(wrtc === undefined)('libwebrtc reads our offer and we read its answer', () => {
  it('accepts audio + video + data with BUNDLE and answers with our payload types', async () => {
    const offer = createOffer(session, [
      createRtpOfferSection({ kind: 'audio', mid: '0', capabilities: defaultAudioCapabilities(), transport, msid: { streamId: 's', trackId: 'a' }, ssrcs: [{ ssrc: 11, attribute: 'cname', value: 'c' }] }),
      createRtpOfferSection({ kind: 'video', mid: '1', capabilities: defaultVideoCapabilities(), transport, withoutCandidates: true, msid: { streamId: 's', trackId: 'v' },
        ssrcs: [{ ssrc: 21, attribute: 'cname', value: 'c' }, { ssrc: 22, attribute: 'cname', value: 'c' }], ssrcGroups: [{ semantics: 'FID', ssrcs: [21, 22] }] }),
      createDataChannelOfferSection({ mid: '2', transport, withoutCandidates: true }),
    ]);
    const pc = new wrtc!.RTCPeerConnection({ iceServers: [] });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: write(offer) });
      expect(pc.getTransceivers().map((t) => [t.mid, t.receiver.track.kind])).toEqual([['0', 'audio'], ['1', 'video']]);
      const answer = parse((await pc.createAnswer()).sdp);
      expect(answer.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
      expect(answer.media.map((m) => [m.mid, m.setup, m.port !== 0])).toEqual([['0', 'active', true], ['1', 'active', true], ['2', 'active', true]]);
      // No tracks on libwebrtc's side: it only receives what we send.
      expect(answer.media.slice(0, 2).map((m) => m.direction)).toEqual(['recvonly', 'recvonly']);
      const ours = (m: MediaSection, pt: number) => offer.media[Number(m.mid)]!.codecs.find((c) => c.payloadType === pt);
      for (const m of answer.media.slice(0, 2)) {
        expect(m.codecs.length).toBeGreaterThan(0);
        for (const c of m.codecs) expect(ours(m, c.payloadType)?.name.toLowerCase()).toBe(c.name.toLowerCase());
      }
      expect(answer.media[0]!.codecs[0]).toMatchObject({ payloadType: 111, name: 'opus', clockRate: 48000, channels: 2 });
      expect(answer.media[1]!.codecs.find((c) => c.name === 'rtx' && c.parameters['apt'] === '96')).toBeDefined();
      expect([answer.media[2]!.sctpPort, answer.media[2]!.protocol]).toEqual([5000, 'UDP/DTLS/SCTP']);
      expect(parse(write(answer))).toEqual(answer);
    } finally {
      pc.close();
    }
  });
});

/** Runs libwebrtc as the offerer in a loopback-only namespace and gives it our answer. */
async function answerLibwebrtcOffer(build: (offer: ReturnType<typeof parse>) => ReturnType<typeof createAnswer>): Promise<{
  ok: boolean; error?: string; signalingState: string; transceivers: { mid: string | null; currentDirection: string | null }[];
}> {
  const child = spawn('unshare', ['-n', 'sh', '-c', `ip link set lo up; exec "${process.execPath}" "${join(here, 'peers', 'wrtc-offerer.cjs')}"`], {
    cwd: join(here, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  try {
    const first = JSON.parse((await lines.next()).value as string) as { offer: string };
    child.stdin.write(JSON.stringify({ answer: write(build(parse(first.offer))) }) + '\n');
    return JSON.parse((await lines.next()).value as string);
  } finally {
    child.stdin.end();
    child.kill('SIGKILL');
  }
}

describe.skipIf(wrtc === undefined || !hasUnshare)('libwebrtc applies our answer (its gathering isolated by unshare -n)', () => {
  it.each(['sendrecv', 'recvonly'] as const)('answer %s: have-local-offer → stable with the directions we chose', async (direction) => {
    const result = await answerLibwebrtcOffer((offer) => createAnswer(offer, session, (m) => ({
      transport,
      direction,
      capabilities: m.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities(),
      msid: { streamId: 's', trackId: m.mid ?? 't' },
    })));
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.signalingState).toBe('stable');
    // libwebrtc's currentDirection is the reverse of what we answered.
    const expected = direction === 'sendrecv' ? 'sendrecv' : 'sendonly';
    expect(result.transceivers).toEqual([{ mid: '0', currentDirection: expected }, { mid: '1', currentDirection: expected }]);
  });

  it('rejecting the BUNDLE-tagged audio section: the tag moves to video, libwebrtc stops only audio', async () => {
    let groups: unknown;
    const result = await answerLibwebrtcOffer((offer) => {
      const answer = createAnswer(offer, session, (m) => (m.kind === 'audio' ? 'reject' : {
        transport, capabilities: defaultVideoCapabilities(),
      }));
      groups = answer.groups;
      return answer;
    });
    expect(groups).toEqual([{ semantics: 'BUNDLE', mids: ['1', '2'] }]);
    expect(result.error).toBeUndefined();
    expect(result.signalingState).toBe('stable');
    expect(result.transceivers).toEqual([{ mid: '1', currentDirection: 'sendrecv' }]);
  });

  it('refuses an answer that breaks the rules (setup:actpass): the test can fail', async () => {
    const result = await answerLibwebrtcOffer((offer) => {
      const answer = createAnswer(offer, session, (m) => ({ transport, capabilities: m.kind === 'audio' ? defaultAudioCapabilities() : defaultVideoCapabilities() }));
      answer.media[0]!.setup = 'actpass';
      return answer;
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/setup/);
  });
});
