// Interop with a real, independent RTP implementation: ffmpeg's RTP muxer (rtpenc_*) and its
// SDP/RTP demuxer (rtpdec_*), on 127.0.0.1 only. Skips when ffmpeg is missing, fails under CI=true.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  H264Depacketizer, H264Packetizer, JitterBuffer, OpusDepacketizer, OpusPacketizer, Vp8Depacketizer, Vp8Packetizer,
  Vp9Depacketizer, Vp9Packetizer, isRtcpPacket, parseRtcp, parseRtpPacket, serializeRtpPacket, splitAnnexB,
  findCname,
} from '../src/index.js';
import type { RtcpPacket, RtpDepacketizer, RtpPacketizer } from '../src/index.js';
import { annexB, readH264AccessUnits, readIvf, readOpusPackets, vector } from './containers.js';
import { toHex } from './helpers.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!hasFfmpeg && process.env.CI === 'true') throw new Error('ffmpeg is required under CI (Debian package ffmpeg)');
const VECTORS = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'vectors');
const work = mkdtempSync(join(tmpdir(), 'x-rtp-ffmpeg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function bind(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.bind(0, '127.0.0.1', resolve); });
  s.setRecvBufferSize(4 * 1024 * 1024);
  return s;
}

function run(args: string[], timeoutMs = 15_000): { done: Promise<number>; kill: () => void } {
  const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += String(d); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<number>((resolve) => child.on('exit', (code) => {
    clearTimeout(timer);
    if (code !== 0) console.error(stderr);
    resolve(code ?? -1);
  }));
  return { done, kill: () => child.kill('SIGKILL') };
}

/** ffmpeg packetizes `input` and sends it to us; we return the RTP and RTCP datagrams received. */
async function receiveFromFfmpeg(input: string, extra: string[]): Promise<{ rtp: Uint8Array[]; rtcp: RtcpPacket[] }> {
  const rtpSock = await bind();
  const rtcpSock = await bind();
  const rtp: Uint8Array[] = [];
  const rtcp: RtcpPacket[] = [];
  let bye: () => void = () => {};
  const gotBye = new Promise<void>((resolve) => { bye = resolve; });
  rtpSock.on('message', (m) => rtp.push(new Uint8Array(m)));
  rtcpSock.on('message', (m) => {
    const packets = parseRtcp(new Uint8Array(m));
    rtcp.push(...packets);
    if (packets.some((p) => p.type === 'bye')) bye();
  });
  const url = `rtp://127.0.0.1:${rtpSock.address().port}?rtcpport=${rtcpSock.address().port}&pkt_size=1200`;
  const ff = run(['-i', join(VECTORS, input), '-c', 'copy', ...extra, '-f', 'rtp', '-payload_type', '96', '-ssrc', '4660', '-cname', 'ffmpeg@x', '-rtpflags', 'send_bye', url]);
  expect(await ff.done).toBe(0);
  await gotBye; // the BYE is the last datagram ffmpeg sends
  rtpSock.close();
  rtcpSock.close();
  return { rtp, rtcp };
}

function assemble(datagrams: Uint8Array[], depacketizer: RtpDepacketizer, video: boolean): Uint8Array[] {
  const jb = new JitterBuffer({ depacketizer, video });
  const out: Uint8Array[] = [];
  for (const d of datagrams) {
    jb.insert(parseRtpPacket(d));
    for (let f = jb.pop(); f; f = jb.pop()) out.push(depacketizer.depacketize(f.payloads));
  }
  return out;
}

/**
 * We packetize and send; ffmpeg depacketizes from an SDP and writes `format`; returns its output file.
 * `-probesize 32` stops ffmpeg from buffering the whole stream to probe it; `-copyinkf` keeps
 * frames its VP9 depacketizer does not flag as key frames.
 */
async function sendToFfmpeg(sdpMedia: string, frames: Uint8Array[], packetizer: RtpPacketizer, clockStep: number, format: string, ext: string): Promise<Uint8Array> {
  const kind = sdpMedia.startsWith('audio') ? 'a' : 'v';
  const probe = await bind();
  const port = probe.address().port & ~1; // RTP on an even port, RTCP on the next
  probe.close();
  const sdp = join(work, `in-${port}.sdp`);
  const out = join(work, `out-${port}.${ext}`);
  writeFileSync(sdp, `v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=${sdpMedia.replace('PORT', String(port))}\r\n`);
  const ff = run(['-protocol_whitelist', 'file,udp,rtp', '-strict', 'experimental', '-probesize', '32', '-i', sdp, '-map', '0', '-c', 'copy', '-copyinkf', `-frames:${kind}`, String(frames.length), '-f', format, '-y', out]);
  // Wait until ffmpeg has bound the port (it appears in /proc/net/udp).
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (let i = 0; i < 500 && !readFileSync('/proc/net/udp', 'utf8').includes(`:${hexPort} `); i++) await new Promise((r) => setTimeout(r, 10));
  const sock = await bind();
  const send = (b: Uint8Array, p: number) => new Promise<void>((r) => sock.send(b, p, '127.0.0.1', () => r()));
  let seq = 1000;
  // A few extra frames at the end: ffmpeg's demuxer and muxer emit a frame only once later ones
  // arrive; it stops after the first `frames.length` (-frames) and ignores the rest.
  const all = [...frames, ...frames.slice(0, 6)];
  for (let n = 0; n < all.length; n++) {
    const payloads = packetizer.packetize(all[n]!);
    for (let i = 0; i < payloads.length; i++) {
      await send(serializeRtpPacket({
        marker: i === payloads.length - 1, payloadType: 96, sequenceNumber: seq++, timestamp: 5000 + n * clockStep,
        ssrc: 0x5678, csrcs: [], extensions: [], payload: payloads[i]!, paddingSize: 0,
      }), port);
    }
  }
  // ffmpeg stops by itself after `frames.length` frames (-frames); a BYE could overtake the RTP
  // still queued in its other socket and end the stream early, so none is sent.
  expect(await ff.done).toBe(0);
  sock.close();
  return new Uint8Array(readFileSync(out));
}

describe.skipIf(!hasFfmpeg)('ffmpeg RTP muxer → our depacketizers', () => {
  it('VP8 (rtpenc_vp8): every frame bit-exact; its RTCP SR, SDES CNAME and BYE parse', async () => {
    const { rtp, rtcp } = await receiveFromFfmpeg('vp8.ivf', []);
    expect(rtp.every((d) => !isRtcpPacket(d) && d.length <= 1200)).toBe(true);
    const frames = assemble(rtp, new Vp8Depacketizer(), true);
    expect(frames.map(toHex)).toEqual(readIvf(vector('vp8.ivf')).frames.map(toHex));
    const sr = rtcp.find((p) => p.type === 'sr');
    expect(sr).toMatchObject({ type: 'sr', ssrc: 4660 });
    const sdes = rtcp.find((p) => p.type === 'sdes');
    expect(sdes && sdes.type === 'sdes' && findCname(sdes, 4660)).toBe('ffmpeg@x');
    expect(rtcp.find((p) => p.type === 'bye')).toMatchObject({ sources: [4660] });
  });
  it('H.264 (rtpenc_h264, FU-A): every access unit bit-exact', async () => {
    const { rtp } = await receiveFromFfmpeg('h264.h264', []);
    const frames = assemble(rtp, new H264Depacketizer(), true);
    const units = readH264AccessUnits(vector('h264.h264'));
    expect(frames.map((f) => splitAnnexB(f).map(toHex))).toEqual(units.map((u) => u.map(toHex)));
  });
  it('VP9 (rtpenc_vp9): every frame bit-exact, keyframes found', async () => {
    const { rtp } = await receiveFromFfmpeg('vp9.ivf', ['-strict', 'experimental']);
    const dp = new Vp9Depacketizer();
    const frames = assemble(rtp, dp, true);
    expect(frames.map(toHex)).toEqual(readIvf(vector('vp9.ivf')).frames.map(toHex));
  });
  it('Opus: every packet', async () => {
    const { rtp } = await receiveFromFfmpeg('opus.ogg', []);
    const frames = assemble(rtp, new OpusDepacketizer(), false);
    expect(frames.map(toHex)).toEqual(readOpusPackets(vector('opus.ogg')).map(toHex));
  });
});

describe.skipIf(!hasFfmpeg)('our packetizers → ffmpeg RTP demuxer', () => {
  it('VP8: ffmpeg rebuilds every frame bit-exact', async () => {
    const frames = readIvf(vector('vp8.ivf')).frames;
    const ivf = await sendToFfmpeg('video PORT RTP/AVP 96\r\na=rtpmap:96 VP8/90000', frames, new Vp8Packetizer(), 6000, 'ivf', 'ivf');
    expect(readIvf(ivf).frames.slice(0, frames.length).map(toHex)).toEqual(frames.map(toHex));
  });
  it('H.264: ffmpeg rebuilds every NAL unit (STAP-A and FU-A)', async () => {
    const units = readH264AccessUnits(vector('h264.h264'));
    const out = await sendToFfmpeg('video PORT RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1', units.map(annexB), new H264Packetizer(), 6000, 'h264', 'h264');
    expect(splitAnnexB(out).slice(0, units.flat().length).map(toHex)).toEqual(units.flat().map(toHex));
  });
  it('VP9: ffmpeg rebuilds every frame bit-exact', async () => {
    const frames = readIvf(vector('vp9.ivf')).frames;
    // ffmpeg 5.1's VP9 depacketizer follows an older draft that does not read P_DIFF: send P=0.
    const ivf = await sendToFfmpeg('video PORT RTP/AVP 96\r\na=rtpmap:96 VP9/90000', frames, new Vp9Packetizer({ referencePreviousPicture: false }), 6000, 'ivf', 'ivf');
    expect(readIvf(ivf).frames.slice(0, frames.length).map(toHex)).toEqual(frames.map(toHex));
  });
  it('Opus: ffmpeg receives every packet', async () => {
    const packets = readOpusPackets(vector('opus.ogg'));
    // framemd5 lists each packet ffmpeg's demuxer produced: size and MD5 of its bytes.
    const list = await sendToFfmpeg('audio PORT RTP/AVP 96\r\na=rtpmap:96 opus/48000/2', packets, new OpusPacketizer(), 960, 'framemd5', 'txt');
    const lines = new TextDecoder().decode(list).split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(',').map((c) => c.trim()));
    const want = packets.map((p) => [String(p.length), createHash('md5').update(p).digest('hex')]);
    expect(lines.slice(0, packets.length).map((c) => [c[4], c[5]])).toEqual(want);
  });
});
