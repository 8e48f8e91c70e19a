import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loopbackOnlySdp, withCandidateAddress } from '../src/peers/stack.js';
import { readIvf } from '../src/video/clip.js';
import { pinVideoBitrate } from '../src/video/libwebrtc.js';

describe('candidates on their way to the other peer', () => {
  const host = 'candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host generation 0';

  it('point at a relay: address and port replaced, the rest kept', () => {
    expect(withCandidateAddress(host, '127.0.0.1', 40000)).toBe('candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host generation 0');
  });

  it('are filtered to UDP on 127.0.0.1 in an SDP, then mapped', () => {
    const sdp = ['v=0', `a=${host}`, 'a=candidate:2 1 udp 2130706431 ::1 50001 typ host', 'a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active'].join('\r\n');
    const out = loopbackOnlySdp(sdp, (c) => withCandidateAddress(c, '127.0.0.1', 1));
    expect(out.split('\r\n')).toEqual(['v=0', 'a=candidate:1 1 udp 2130706431 127.0.0.1 1 typ host generation 0']);
  });
});

describe('video plumbing', () => {
  it('reads the frames of an IVF file and tells keyframes by the VP8 frame tag', () => {
    const header = Buffer.alloc(32);
    header.write('DKIF', 0, 'latin1');
    header.writeUInt16LE(32, 6);
    const frame = (bytes: number[]) => {
      const h = Buffer.alloc(12);
      h.writeUInt32LE(bytes.length, 0);
      return Buffer.concat([h, Buffer.from(bytes)]);
    };
    const path = join(mkdtempSync(join(tmpdir(), 'bench-ivf-')), 'a.ivf');
    writeFileSync(path, Buffer.concat([header, frame([0x10, 1, 2]), frame([0x11, 3])]));
    const frames = readIvf(path);
    expect(frames.map((f) => [Array.from(f.data), f.keyframe])).toEqual([[[0x10, 1, 2], true], [[0x11, 3], false]]);
  });

  it("holds libwebrtc's VP8 at the figure's bitrate in the answer it is given", () => {
    const sdp = ['m=video 9 UDP/TLS/RTP/SAVPF 96 97', 'c=IN IP4 0.0.0.0', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96'].join('\r\n');
    const out = pinVideoBitrate(sdp, 2500).split('\r\n');
    expect(out).toContain('b=AS:2500');
    expect(out).toContain('a=fmtp:96 x-google-start-bitrate=2500;x-google-min-bitrate=2500;x-google-max-bitrate=2500');
    expect(out).toContain('a=fmtp:97 apt=96');
  });
});
