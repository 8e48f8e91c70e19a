// The harness's own parts, without peers: the candidate filter, test data, the reports.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAgent, testMessage } from '../src/agent/core.js';
import { limitationFor, limitationOf } from '../src/limitations.js';
import type { Cell } from '../src/matrix.js';
import { messageSize } from '../src/protocol.js';
import { renderHtml, renderTable } from '../src/report.js';
import { loopbackOnlySdp } from '../src/scenarios.js';

describe('loopbackOnlySdp', () => {
  it('keeps UDP candidates on 127.0.0.1 and nothing else', () => {
    const sdp = [
      'v=0',
      'a=candidate:1 1 udp 2122260223 192.168.1.4 50000 typ host',
      'a=candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host',
      'a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active',
      'a=candidate:4 1 UDP 2122260223 ::1 50002 typ host',
      'a=candidate:5 1 UDP 1686052607 127.0.0.1 50003 typ srflx raddr 0.0.0.0 rport 0',
      'a=candidate:6 1 udp 2122260223 abc.local 50004 typ host',
      '',
    ].join('\r\n');
    const kept = loopbackOnlySdp(sdp).split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(kept.map((l) => l.split(' ')[0])).toEqual(['a=candidate:2', 'a=candidate:5']);
    // For a browser that hides its addresses: its UDP host candidates named by mDNS, nothing else.
    const named = loopbackOnlySdp(sdp, 'host', true).split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(named.map((l) => l.split(' ')[0])).toEqual(['a=candidate:6']);
  });
});

describe('test messages', () => {
  it('carry their index and the (i + j) % 251 pattern, in the sizes protocol.ts names', () => {
    const m = testMessage(0x01020304, messageSize(7, 16_000, true));
    expect(m.byteLength).toBe(4 + ((7 * 7919) % 15_997));
    expect([...m.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(m[260]).toBe((0x01020304 + 260) % 251);
  });

  it('are counted, checked and hashed by the agent on receipt', async () => {
    const emitted: any[] = [];
    const channel: any = { label: 'c', readyState: 'connecting', ordered: true, maxRetransmits: null, send: () => undefined };
    const pc = { createDataChannel: () => channel, close: () => undefined };
    const handle = createAgent({
      createPeerConnection: () => pc,
      sha256: () => {
        const h = createHash('sha256');
        return { update: (d) => h.update(d), digest: async () => h.copy().digest('hex') };
      },
      emit: (m) => emitted.push(m),
      exit: () => undefined,
    });
    const reply = async (request: object) => {
      handle(request);
      for (let i = 0; i < 100 && !emitted.some((m) => m.id === (request as { id: number }).id); i++) await new Promise((r) => setTimeout(r, 1));
      return emitted.find((m) => m.id === (request as { id: number }).id);
    };
    await reply({ id: 1, cmd: 'createChannel', label: 'c' });
    const sent = [testMessage(0, 10), testMessage(2, 300), testMessage(1, 4), new Uint8Array([0, 0, 0, 3, 9]), testMessage(2, 5)];
    for (const data of sent) channel.onmessage({ data: data.buffer });
    const stats = (await reply({ id: 2, cmd: 'stats', label: 'c' })).result;
    const whole = createHash('sha256');
    for (const data of sent) whole.update(data);
    expect(stats).toEqual({ messages: 5, bytes: 324, sha256: whole.digest('hex'), valid: 4, invalid: 1, duplicates: 1, reordered: 2 });
  });
});

describe('reports', () => {
  const cells: Cell[] = [
    { subject: 'ours', peer: 'pion', scenario: 'dc-unordered', role: 'offerer', status: 'pass', reason: 'ok', ms: 10 },
    { subject: 'ours', peer: 'pion', scenario: 'dc-unordered', role: 'answerer', status: 'fail', reason: 'pion got 3 of 500 messages', ms: 10 },
    { subject: 'ours', peer: 'aiortc', scenario: 'dc-unordered', role: 'offerer', status: 'unavailable', reason: 'ours: not yet', ms: 0 },
    { subject: 'ours', peer: 'aiortc', scenario: 'ice-restart', role: 'offerer', status: 'n/a', reason: 'aiortc 1.4 has no ICE restart', ms: 10 },
  ];

  it('table: a row per pair, a column per scenario and role, reasons below', () => {
    const table = renderTable(cells);
    expect(table).toMatch(/ours vs pion\s+\| pass\s+\| FAIL/);
    expect(table).toMatch(/ours vs aiortc\s+\| unavailable\s+\| -\s+\| n\/a/);
    expect(table).toContain('n/a: ours as offerer vs aiortc, ice-restart: aiortc 1.4 has no ICE restart');
    expect(table).toContain('FAIL: ours as answerer vs pion, dc-unordered: pion got 3 of 500 messages');
    expect(table).toContain('1 pass, 1 fail, 1 n/a (peer limitation), 1 not available');
  });

  it('HTML: the same cells, reasons escaped', () => {
    const html = renderHtml({ date: 'now', isolated: true, scenarios: [{ name: 'dc-unordered', description: '<x>' }], cells });
    expect(html).toContain('<td class="fail" title="pion got 3 of 500 messages (10 ms)">FAIL</td>');
    expect(html).toContain('&lt;x&gt;');
    expect(html).toContain('<td class="na" title="aiortc 1.4 has no ICE restart (10 ms)">n/a</td>');
  });
});

describe('peer limitations', () => {
  it('take a failure for n/a only on the side of the peer named, with its symptom', () => {
    const restart = "aiortc's answer to the restart keeps its ICE ufrag";
    expect(limitationOf('ours', 'aiortc', 'ice-restart', 'offerer', restart)?.peer).toBe('aiortc');
    expect(limitationOf('aiortc', 'wrtc', 'ice-restart', 'answerer', restart)?.peer).toBe('aiortc');
    expect(limitationOf('ours', 'aiortc', 'ice-restart', 'answerer', 'aiortc: Exception: aiortc 1.4 has no ICE restart (createOffer takes no iceRestart)')?.peer).toBe('aiortc');
    // Any other failure of the same cell stays a failure.
    expect(limitationOf('ours', 'aiortc', 'ice-restart', 'offerer', 'channels did not open: ours waitOpen: no answer within 20000 ms')).toBeUndefined();
    expect(limitationOf('ours', 'aiortc', 'dc-reliable-echo', 'offerer', restart)).toBeUndefined();
    const unordered = 'the answerer sees ordered=true, not false';
    // werift only drops the bit on channels it opens, so only werift as offerer.
    expect(limitationOf('ours', 'werift', 'dc-partial', 'answerer', unordered)?.peer).toBe('werift');
    expect(limitationOf('ours', 'werift', 'dc-partial', 'offerer', unordered)).toBeUndefined();
    expect(limitationOf('ours', 'wrtc', 'dc-partial', 'answerer', unordered)).toBeUndefined();
    expect(limitationFor('werift', 'ours', 'dc-partial', 'offerer')?.peer).toBe('werift');
    expect(limitationFor('ours', 'chromium', 'ice-restart', 'offerer')).toBeUndefined();
    // wrtc without H.264: offering it finds none to prefer; answering, libwebrtc rejects the offer.
    const noH264 = "wrtc: no H.264 (packetization-mode=1, profile-level-id=42e01f) in RTCRtpReceiver.getCapabilities('video')";
    const rejected = "wrtc: Failed to set remote offer sdp: Failed to set remote video description send parameters for m-section with mid='0'.";
    expect(limitationOf('ours', 'wrtc', 'media-h264', 'answerer', noH264)?.peer).toBe('wrtc');
    expect(limitationOf('chromium', 'wrtc', 'media-h264', 'offerer', rejected)?.peer).toBe('wrtc');
    expect(limitationOf('ours', 'wrtc', 'media-h264', 'offerer', 'ours (offerer) video: codec ?: 0 packets, 0 frames, under 45')).toBeUndefined();
    expect(limitationOf('ours', 'wrtc', 'media-opus-vp8', 'offerer', rejected)).toBeUndefined();
  });
});
