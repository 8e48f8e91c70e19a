// Interop with Pion (Debian golang-go, golang-github-pion-{rtcp,rtp,interceptor}-dev): Pion marshals
// RTCP from known fields and we must read it and write the same bytes; we marshal and Pion must
// read it; Pion's TWCC recorder and payloaders feed our parser and depacketizers. Skips without Go
// or the Pion sources, fails under CI=true.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseRtcp, serializeRtcpPacket, Vp8Depacketizer, Vp9Depacketizer, H264Depacketizer, OpusDepacketizer, Av1Depacketizer,
  TransportWideCcRecorder, splitAnnexB, splitObus, serializeRtcp, Vp8Packetizer, Vp9Packetizer, OpusPacketizer, H264Packetizer,
  Av1Packetizer,
} from '../src/index.js';
import type { RtcpPacket, RtpDepacketizer, TransportWideCcFeedback } from '../src/index.js';
import { annexB, readH264AccessUnits, readIvf, readOpusPackets, vector } from './containers.js';
import { hex, toHex } from './helpers.js';

const PION = '/usr/share/gocode/src/github.com/pion';
const available = spawnSync('go', ['version']).status === 0 && existsSync(`${PION}/rtcp`) && existsSync(`${PION}/interceptor/pkg/twcc`);
if (!available && process.env.CI === 'true') throw new Error('Go and the Pion sources are required under CI (golang-go, golang-github-pion-webrtc.v3-dev)');
const here = new URL('.', import.meta.url).pathname;

let work = '';
let binary = '';
interface Emitted {
  rtcp: Record<string, string>;
  twcc: string[];
  twccArrivals: [number, number][];
  payloads: Record<string, string[][]>;
}
let emitted: Emitted;

const frames = {
  vp8: () => readIvf(vector('vp8.ivf')).frames,
  vp9: () => readIvf(vector('vp9.ivf')).frames,
  h264: () => readH264AccessUnits(vector('h264.h264')).map(annexB),
  opus: () => readOpusPackets(vector('opus.ogg')),
};

beforeAll(() => {
  if (!available) return;
  work = mkdtempSync(join(tmpdir(), 'x-rtp-pion-'));
  mkdirSync(join(work, 'src', 'pioncheck'), { recursive: true });
  copyFileSync(join(here, 'pion', 'pioncheck.go'), join(work, 'src', 'pioncheck', 'pioncheck.go'));
  binary = join(work, 'pioncheck');
  const build = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: join(work, 'src', 'pioncheck'),
    env: { ...process.env, GOPATH: `${work}:/usr/share/gocode`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`go build failed: ${build.stderr}`);
  for (const [codec, load] of Object.entries(frames)) {
    mkdirSync(join(work, 'frames', codec), { recursive: true });
    load().forEach((f, n) => writeFileSync(join(work, 'frames', codec, `${n}.bin`), f));
  }
  // AV1: Pion's payloader takes one OBU (without its size field) at a time.
  mkdirSync(join(work, 'frames', 'av1'), { recursive: true });
  let k = 0;
  for (const tu of readIvf(vector('av1.ivf')).frames) {
    for (const o of splitObus(tu)) {
      if (o.type === 2) continue;
      const b = new Uint8Array(o.header.length + o.payload.length);
      b.set(o.header);
      b[0] = b[0]! & ~0x02;
      b.set(o.payload, o.header.length);
      writeFileSync(join(work, 'frames', 'av1', `${k++}.bin`), b);
    }
  }
  const run = spawnSync(binary, ['emit', join(work, 'frames')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  emitted = JSON.parse(run.stdout) as Emitted;
}, 60_000);
afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

function pionParse(datagrams: Uint8Array[]): { type: string; packet: Record<string, unknown>; statuses?: number[]; deltasUs?: number[]; error?: string }[][] {
  const run = spawnSync(binary, ['parse'], { input: datagrams.map(toHex).join('\n') + '\n', encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe.skipIf(!available)('Pion → us: RTCP Pion marshals, we parse, and write back the same bytes', () => {
  const expected: Record<string, RtcpPacket> = {
    sr: { type: 'sr', ssrc: 0x11111111, ntpTime: 0xe5f0e2a180000000n, rtpTimestamp: 123456, packetCount: 100, octetCount: 50000, profileExtension: undefined,
      reports: [{ ssrc: 2, fractionLost: 64, cumulativeLost: 3, extendedHighestSequence: 0x10005, jitter: 16, lastSenderReport: 0xf0e2a180, delaySinceLastSenderReport: 65536 }] },
    rr: { type: 'rr', ssrc: 7, profileExtension: undefined, reports: [{ ssrc: 8, fractionLost: 1, cumulativeLost: 2, extendedHighestSequence: 3, jitter: 4, lastSenderReport: 5, delaySinceLastSenderReport: 6 }] },
    sdes: { type: 'sdes', chunks: [{ source: 0x11111111, items: [{ type: 1, text: 'pion@cname' }] }] },
    bye: { type: 'bye', sources: [1, 2], reason: 'bye pion' },
    nack: { type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [65534, 65535, 0, 5, 40] },
    pli: { type: 'pli', senderSsrc: 1, mediaSsrc: 2 },
    fir: { type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 2, sequenceNumber: 9 }] },
    remb: { type: 'remb', senderSsrc: 1, bitrate: 4_000_000, ssrcs: [2, 3] },
    xr: { type: 'xr', ssrc: 1, blocks: [{ type: 'rrtr', ntpTime: 0xe5f0e2a180000000n }, { type: 'dlrr', items: [{ ssrc: 2, lastReceiverReport: 0xe2a18000, delaySinceLastReceiverReport: 0x8000 }] }] },
  };
  for (const name of Object.keys(expected)) {
    it(name, () => {
      const bytes = hex(emitted.rtcp[name]!);
      const parsed = parseRtcp(bytes);
      expect(parsed).toEqual([expected[name]]);
      expect(toHex(serializeRtcpPacket(parsed[0]!))).toBe(emitted.rtcp[name]);
    });
  }
  it('transport-wide CC feedback from Pion\'s recorder: statuses and every receive delta', () => {
    // Pion's recorder quantizes each delta on its own (Go integer division of the µs difference by
    // 250), so the expected ticks are computed the same way from the arrival times it was given.
    expect(emitted.twcc.length).toBe(1);
    const [fb] = parseRtcp(hex(emitted.twcc[0]!)) as [TransportWideCcFeedback];
    expect(fb).toMatchObject({ type: 'twcc', senderSsrc: 0x5555, mediaSsrc: 2, baseSequenceNumber: 65500 });
    const arrivals = new Map(emitted.twccArrivals.map(([seq, us]) => [seq, us]));
    let last = Math.floor(emitted.twccArrivals[0]![1] / 64_000) * 64_000;
    expect(fb.referenceTime).toBe(last / 64_000);
    const want = [];
    for (let i = 0; i < fb.packets.length; i++) {
      const seq = (65500 + i) & 0xffff;
      const at = arrivals.get(seq);
      if (at === undefined) { want.push({ sequenceNumber: seq, receiveDelta: null }); continue; }
      want.push({ sequenceNumber: seq, receiveDelta: Math.trunc((at - last) / 250) });
      last = at;
    }
    expect(fb.packets).toEqual(want);
    expect(fb.packets.length).toBe(59); // up to the last received packet
    expect(fb.packets.some((p) => p.receiveDelta !== null && p.receiveDelta > 255)).toBe(true); // a large delta
    expect(toHex(serializeRtcpPacket(fb)).length).toBeGreaterThan(0);
    expect(parseRtcp(serializeRtcpPacket(fb))).toEqual([fb]);
  });
});

describe.skipIf(!available)('us → Pion: RTCP we marshal, Pion reads', () => {
  it('SR, RR, SDES, BYE, NACK, PLI, FIR, REMB, XR as one compound and as single packets', () => {
    const ours: RtcpPacket[] = [
      { type: 'sr', ssrc: 9, ntpTime: 0xe5f0e2a180000000n, rtpTimestamp: 7, packetCount: 8, octetCount: 9, reports: [{ ssrc: 3, fractionLost: 12, cumulativeLost: 34, extendedHighestSequence: 0x2ffff, jitter: 56, lastSenderReport: 78, delaySinceLastSenderReport: 90 }] },
      { type: 'sdes', chunks: [{ source: 9, items: [{ type: 1, text: 'x@ours' }] }] },
      { type: 'bye', sources: [9], reason: 'done' },
    ];
    const feedback: RtcpPacket[] = [
      { type: 'nack', senderSsrc: 9, mediaSsrc: 3, lost: [10, 11, 26, 27, 100] },
      { type: 'pli', senderSsrc: 9, mediaSsrc: 3 },
      { type: 'fir', senderSsrc: 9, mediaSsrc: 0, entries: [{ ssrc: 3, sequenceNumber: 4 }] },
      { type: 'remb', senderSsrc: 9, bitrate: 1_500_000, ssrcs: [3] },
      { type: 'rr', ssrc: 9, reports: [] },
    ];
    const [compound, ...singles] = pionParse([serializeRtcp(ours), ...feedback.map(serializeRtcpPacket)]);
    expect(compound!.map((p) => p.type)).toEqual(['*rtcp.SenderReport', '*rtcp.SourceDescription', '*rtcp.Goodbye']);
    expect(compound![0]!.packet).toMatchObject({ SSRC: 9, RTPTime: 7, PacketCount: 8, OctetCount: 9, Reports: [{ SSRC: 3, FractionLost: 12, TotalLost: 34, LastSequenceNumber: 0x2ffff, Jitter: 56, LastSenderReport: 78, Delay: 90 }] });
    expect(compound![1]!.packet).toMatchObject({ Chunks: [{ Source: 9, Items: [{ Type: 1, Text: 'x@ours' }] }] });
    expect(compound![2]!.packet).toMatchObject({ Sources: [9], Reason: 'done' });
    const [nack, pli, fir, remb, rr] = singles.map((s) => s[0]!);
    // Pion's NACK pairs: PID 10 with BLP bits for 11, 26 (diff 16); 27 and 100 start new pairs.
    expect(nack!.packet).toMatchObject({ SenderSSRC: 9, MediaSSRC: 3, Nacks: [{ PacketID: 10, LostPackets: 1 | (1 << 15) }, { PacketID: 27, LostPackets: 0 }, { PacketID: 100, LostPackets: 0 }] });
    expect(pli).toMatchObject({ type: '*rtcp.PictureLossIndication', packet: { SenderSSRC: 9, MediaSSRC: 3 } });
    expect(fir).toMatchObject({ type: '*rtcp.FullIntraRequest', packet: { SenderSSRC: 9, FIR: [{ SSRC: 3, SequenceNumber: 4 }] } });
    expect(remb).toMatchObject({ type: '*rtcp.ReceiverEstimatedMaximumBitrate', packet: { SenderSSRC: 9, Bitrate: 1_500_000, SSRCs: [3] } });
    expect(rr).toMatchObject({ type: '*rtcp.ReceiverReport', packet: { SSRC: 9 } });
  });
  it('transport-wide CC feedback from our recorder: Pion reads the same statuses and deltas', () => {
    const rec = new TransportWideCcRecorder({ senderSsrc: 1, mediaSsrc: 2 });
    for (let i = 0; i < 300; i++) {
      if (i % 11 === 5 || (i >= 100 && i < 130)) continue; // scattered losses and a long run
      rec.onPacket((65400 + i) & 0xffff, 5000 + i * 2.1 + (i === 200 ? 90 : 0) - (i === 201 ? 3 : 0));
    }
    const fbs = rec.buildFeedback();
    const parsed = pionParse(fbs.map((f) => serializeRtcp([f])));
    fbs.forEach((fb, k) => {
      const p = parsed[k]![0]!;
      expect(p.type).toBe('*rtcp.TransportLayerCC');
      expect(p.packet).toMatchObject({ SenderSSRC: 1, MediaSSRC: 2, BaseSequenceNumber: fb.baseSequenceNumber, PacketStatusCount: fb.packets.length, FbPktCount: fb.feedbackPacketCount });
      const symbols = fb.packets.map((x) => (x.receiveDelta === null ? 0 : x.receiveDelta >= 0 && x.receiveDelta <= 255 ? 1 : 2));
      expect(p.statuses).toEqual(symbols);
      expect(p.deltasUs).toEqual(fb.packets.filter((x) => x.receiveDelta !== null).map((x) => x.receiveDelta! * 250));
    });
  });
});

describe.skipIf(!available)('Pion payloaders → our depacketizers (real frames)', () => {
  const check = (codec: keyof typeof frames, dp: RtpDepacketizer, compare: (got: Uint8Array, want: Uint8Array) => void) => {
    const want = frames[codec]();
    const got = emitted.payloads[codec]!;
    expect(got.length).toBe(want.length);
    got.forEach((payloads, n) => {
      const bytes = payloads.map(hex);
      for (const b of bytes) expect(b.length).toBeLessThanOrEqual(1200);
      compare(dp.depacketize(bytes), want[n]!);
    });
  };
  it('VP8 (PictureID on)', () => check('vp8', new Vp8Depacketizer(), (g, w) => expect(toHex(g)).toBe(toHex(w))));
  it('VP9 (flexible mode)', () => check('vp9', new Vp9Depacketizer(), (g, w) => expect(toHex(g)).toBe(toHex(w))));
  it('H.264 (single NAL, STAP-A, FU-A; Pion drops AUD/filler)', () => check('h264', new H264Depacketizer(), (g, w) => {
    expect(splitAnnexB(g).map(toHex)).toEqual(splitAnnexB(w).filter((n) => ![9, 12].includes(n[0]! & 0x1f)).map(toHex));
  }));
  it('Opus', () => check('opus', new OpusDepacketizer(), (g, w) => expect(toHex(g)).toBe(toHex(w))));
  it('AV1 (one OBU per call, W=0 elements with leb128 lengths)', () => {
    const dp = new Av1Depacketizer();
    const obus = readIvf(vector('av1.ivf')).frames.flatMap((tu) => splitObus(tu).filter((o) => o.type !== 2));
    const got = emitted.payloads.av1!;
    expect(got.length).toBe(obus.length);
    got.forEach((payloads, n) => {
      const rebuilt = splitObus(dp.depacketize(payloads.map(hex))).filter((o) => o.type !== 2);
      expect(rebuilt.map((o) => [o.type, toHex(o.payload)])).toEqual([[obus[n]!.type, toHex(obus[n]!.payload)]]);
    });
  });
});

describe.skipIf(!available)('our packetizers → Pion depacketizers (real frames)', () => {
  function depay(lines: string[]): (string | string[] | { error: string })[] {
    const run = spawnSync(binary, ['depay'], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 });
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout);
  }
  const line = (codec: string, payloads: Uint8Array[]) => `${codec} ${payloads.map(toHex).join(',')}`;
  it('VP8, VP9 (flexible mode with P_DIFF), Opus: Pion rebuilds every frame bit-exact', () => {
    const cases: [string, Uint8Array[], { packetize(f: Uint8Array): Uint8Array[] }][] = [
      ['vp8', frames.vp8(), new Vp8Packetizer()],
      ['vp9', frames.vp9(), new Vp9Packetizer()],
      ['opus', frames.opus(), new OpusPacketizer()],
    ];
    for (const [codec, list, pk] of cases) {
      const out = depay(list.map((f) => line(codec, pk.packetize(f))));
      expect(out, codec).toEqual(list.map(toHex));
    }
  });
  it('H.264 (STAP-A, FU-A): Pion rebuilds every NAL unit', () => {
    const units = readH264AccessUnits(vector('h264.h264'));
    const pk = new H264Packetizer();
    const out = depay(units.map((u) => line('h264', pk.packetize(annexB(u))))) as string[];
    out.forEach((o, n) => expect(splitAnnexB(hex(o)).map(toHex)).toEqual(units[n]!.map(toHex)));
  });
  it('AV1 (aggregated, fragmented, W set): Pion rebuilds every OBU', () => {
    const pk = new Av1Packetizer();
    const tus = readIvf(vector('av1.ivf')).frames;
    const out = depay(tus.map((tu) => line('av1', pk.packetize(tu)))) as string[][];
    out.forEach((obus, n) => {
      const want = splitObus(tus[n]!).filter((o) => o.type !== 2).map((o) => {
        const b = new Uint8Array(o.header.length + o.payload.length);
        b.set(o.header);
        b[0] = b[0]! & ~0x02;
        b.set(o.payload, o.header.length);
        return toHex(b);
      });
      expect(obus).toEqual(want);
    });
  });
});
