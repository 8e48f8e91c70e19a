/**
 * Offers written by real peers (fixtures/sdp at the repo root): our peer takes each as a remote
 * description and answers it. The fixtures' candidate addresses are never sent to: these
 * connections gather on no interface, so they have no socket at all.
 */
import { readFileSync } from 'node:fs';
import { isRejected, parse } from '@x/sdp';
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from '../src/index.js';
import { noNetwork, rejection } from './helpers.js';

const dir = new URL('../../../fixtures/sdp/', import.meta.url);
const offers = ['chromium-offer-av-data.sdp', 'libwebrtc-wrtc-offer.sdp', 'libdatachannel-offer.sdp', 'werift-offer.sdp', 'aiortc-offer.sdp', 'pion-offer.sdp'];

const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe('answering real offers', () => {
  for (const file of offers) {
    it(file, async () => {
      const sdp = readFileSync(new URL(file, dir), 'utf8');
      const offer = parse(sdp);
      const pc = noNetwork.createPeerConnection();
      open.push(pc);
      let tracks = 0;
      pc.ontrack = () => tracks++;
      await pc.setRemoteDescription({ type: 'offer', sdp });
      expect(pc.signalingState).toBe('have-remote-offer');
      const sending = offer.media.filter((m) => (m.kind === 'audio' || m.kind === 'video') && !isRejected(m) && (m.direction ?? 'sendrecv').startsWith('send'));
      expect(tracks).toBe(sending.length);
      await pc.setLocalDescription();
      expect(pc.signalingState).toBe('stable');
      const answer = parse(pc.localDescription!.sdp);
      const unbundled = !offer.groups.some((g) => g.semantics === 'BUNDLE') && offer.media.length > 1;
      expect(answer.media.map((m) => m.mid)).toEqual(offer.media.map((m) => m.mid));
      for (const [i, m] of answer.media.entries()) {
        const o = offer.media[i]!;
        expect(m.kind).toBe(o.kind);
        if (isRejected(o)) {
          expect(m.port).toBe(0);
          continue;
        }
        if (unbundled && o.kind !== 'application') {
          // One transport: without BUNDLE only the data channel section is accepted.
          expect(isRejected(m)).toBe(true);
          continue;
        }
        // Everything offered is accepted: data, and audio/video with a common codec.
        expect(isRejected(m)).toBe(false);
        expect(m.setup).toBe(o.setup === 'active' ? 'passive' : 'active');
        if (m.kind === 'application') continue;
        const offered = new Set(o.codecs.map((c) => c.payloadType));
        expect(m.codecs.length).toBeGreaterThan(0);
        expect(m.codecs.every((c) => offered.has(c.payloadType))).toBe(true);
        // We have no track to send: the answer only receives.
        expect(m.direction === 'recvonly' || m.direction === 'inactive').toBe(true);
      }
      const bundle = offer.groups.find((g) => g.semantics === 'BUNDLE');
      if (bundle !== undefined) expect(answer.groups.find((g) => g.semantics === 'BUNDLE')?.mids).toEqual(bundle.mids);
      if (offer.media.some((m) => m.kind === 'application')) expect(pc.sctp).not.toBeNull();
    });
  }
});

describe('an offer without BUNDLE', () => {
  it('is answered on one transport: only the data channel section is accepted', async () => {
    const sdp = readFileSync(new URL('aiortc-offer.sdp', dir), 'utf8').replace(/a=group:BUNDLE[^\r\n]*\r\n/, '');
    const pc = noNetwork.createPeerConnection();
    open.push(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = parse((await pc.createAnswer()).sdp!);
    expect(answer.groups).toEqual([]);
    expect(answer.media.map((m) => [m.kind, isRejected(m)])).toEqual([['audio', true], ['video', true], ['application', false]]);
    expect(answer.media[2]!.otherLines.some((l) => l.startsWith('a=sctpmap:5000'))).toBe(true);
  });
});

describe('an offer without BUNDLE under max-bundle', () => {
  it('is refused with InvalidAccessError, as Chromium does, and the connection stays usable', async () => {
    const sdp = readFileSync(new URL('aiortc-offer.sdp', dir), 'utf8').replace(/a=group:BUNDLE[^\r\n]*\r\n/, '');
    const pc = noNetwork.createPeerConnection({ bundlePolicy: 'max-bundle' });
    open.push(pc);
    expect(await rejection(pc.setRemoteDescription({ type: 'offer', sdp }))).toBe('InvalidAccessError');
    expect(pc.signalingState).toBe('stable');
    expect(pc.remoteDescription).toBeNull();
    // The same offer with its BUNDLE group is taken.
    await pc.setRemoteDescription({ type: 'offer', sdp: readFileSync(new URL('aiortc-offer.sdp', dir), 'utf8') });
    expect(pc.signalingState).toBe('have-remote-offer');
  });
});
