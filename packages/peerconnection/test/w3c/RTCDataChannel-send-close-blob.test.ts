// W3C WebRTC §6.2.4 the closing procedure finishes sending the messages already queued (WPT
// webrtc/RTCDataChannel-send-close-blob.window.js, -negotiated, newer than the 2021 snapshot):
// Blobs given to send() are still being read when close() is called right after; they reach the
// peer, in order, before its close event.
import { describe, expect, it } from 'vitest';
import { CHANNEL_KINDS, channelPairs } from './channels.js';

const pair = channelPairs();

describe.each(CHANNEL_KINDS)('%s channel', (_kind, options) => {
  it('Blobs sent just before close() all arrive, in order, before the peer\'s close', async () => {
    const { ca, cb } = await pair(options);
    cb.binaryType = 'arraybuffer';
    const got: number[] = [];
    cb.onmessage = (e) => got.push(new Uint8Array(e.data as ArrayBuffer)[0]!);
    const closed = new Promise<number[]>((resolve) => {
      cb.onclose = () => resolve([...got]);
    });
    const sent = Array.from({ length: 10 }, (_, i) => i);
    for (const i of sent) ca.send(new Blob([new Uint8Array(64 * 1024).fill(i)]));
    ca.close();
    expect(await closed).toEqual(sent);
  });
});
