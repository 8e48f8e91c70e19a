/**
 * DTMF and audio levels between two of our peers on 127.0.0.1 (SRTP keyed from DTLS): tones a
 * inserts with `sender.dtmf.insertDTMF` reach b's remote track as `telephoneevent`s with those
 * digits, in order, while a keeps writing Opus; b's `getSynchronizationSources()` reports a's SSRC
 * with the level a wrote in the RFC 6464 extension.
 */
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack, type RTCDTMFToneChangeEvent, type RTCTelephoneEventEvent } from '../src/index.js';
import { connected, eventually, loopbackPair, negotiate, opusPackets } from './helpers.js';

describe('DTMF between two peers on loopback', () => {
  it('tones inserted on one side reach the other as telephone events; the level written is the level reported', async () => {
    const { a, b } = loopbackPair();
    try {
      const track = new MediaStreamTrack('audio');
      const { sender } = a.addTransceiver(track, { direction: 'sendonly' });
      const heard: string[] = [];
      let remote: MediaStreamTrack | undefined;
      b.ontrack = (e) => {
        remote = e.track;
        e.track.addEventListener('telephoneevent', (ev) => heard.push((ev as RTCTelephoneEventEvent).tone));
      };
      expect(sender.dtmf!.canInsertDTMF).toBe(false);
      await negotiate(a, b);
      await Promise.all([connected(a), connected(b)]);
      expect(sender.dtmf!.canInsertDTMF).toBe(true);

      // Opus every 20 ms, at half scale (6 dBov), as a microphone would go on during the tones.
      const opus = opusPackets();
      let n = 0;
      const audio = setInterval(() => track.writeFrame(opus[n % opus.length]!, { timestamp: n++ * 20_000, audioLevel: 0.5 }), 20);
      try {
        const changes: string[] = [];
        const done = new Promise<void>((resolve) => {
          sender.dtmf!.ontonechange = (e: RTCDTMFToneChangeEvent) => {
            changes.push(e.tone);
            if (e.tone === '') resolve();
          };
        });
        sender.dtmf!.insertDTMF('123#*ABCD0', 60, 40);
        await done;
        expect(changes).toEqual([...'123#*ABCD0', '']);
        await eventually(() => (heard.length >= 10 ? true : undefined));
        expect(heard.join('')).toBe('123#*ABCD0');

        const sources = await eventually(() => {
          const s = b.getReceivers()[0]!.getSynchronizationSources();
          return s.length > 0 && s[0]!.audioLevel !== undefined ? s : undefined;
        });
        expect(sources.map((s) => s.source)).toEqual([sender.ssrc]);
        expect(sources[0]!.audioLevel).toBeCloseTo(10 ** (-6 / 20), 12);
        expect(remote).toBe(b.getReceivers()[0]!.track);
      } finally {
        clearInterval(audio);
      }
    } finally {
      a.close();
      b.close();
    }
  }, 20_000);
});
