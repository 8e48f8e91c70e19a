// W3C WebRTC §11.3 legacy offerToReceiveAudio/offerToReceiveVideo createOffer options (WPT
// webrtc/legacy/RTCPeerConnection-createOffer-offerToReceive.html). true: a recvonly transceiver
// of the kind is added unless one already sends and receives or receives; false: sendrecv
// becomes sendonly and recvonly becomes inactive. The transceivers stay, so later offers keep
// their m-lines.
import { describe, expect, it } from 'vitest';
import { MediaStreamTrack } from '../../src/index.js';
import { closedAfterEach } from '../helpers.js';

const pc = closedAfterEach();
const mLines = (sdp: string | undefined, kind: string): number => (sdp ?? '').split('\r\n').filter((l) => l.startsWith(`m=${kind} `)).length;

describe.each(['audio', 'video'] as const)('offerToReceive for %s', (kind) => {
  const option = kind === 'audio' ? 'offerToReceiveAudio' : 'offerToReceiveVideo';

  it('true adds one recvonly transceiver, and its m-line stays in later offers', async () => {
    const a = pc();
    const offer = await a.createOffer({ [option]: true });
    expect(a.getTransceivers().map((t) => [t.receiver.track.kind, t.direction])).toEqual([[kind, 'recvonly']]);
    expect(mLines(offer.sdp, kind)).toBe(1);
    expect(mLines((await a.createOffer()).sdp, kind)).toBe(1);
    await a.createOffer({ [option]: true });
    expect(a.getTransceivers()).toHaveLength(1);
  });

  it('true adds nothing when a transceiver of the kind already receives', async () => {
    const a = pc();
    a.addTransceiver(kind, { direction: 'recvonly' });
    await a.createOffer({ [option]: true });
    expect(a.getTransceivers()).toHaveLength(1);
  });

  it('false turns sendrecv into sendonly and recvonly into inactive', async () => {
    const a = pc();
    const sending = a.addTrack(new MediaStreamTrack(kind));
    const receiving = a.addTransceiver(kind, { direction: 'recvonly' });
    await a.createOffer({ [option]: false });
    expect(a.getTransceivers().find((t) => t.sender === sending)?.direction).toBe('sendonly');
    expect(receiving.direction).toBe('inactive');
  });
});

describe('offerToReceive', () => {
  it('both true make one recvonly transceiver of each kind; the other kind is untouched by one option', async () => {
    const a = pc();
    const video = a.addTransceiver('video', { direction: 'recvonly' });
    await a.createOffer({ offerToReceiveAudio: false });
    expect(video.direction).toBe('recvonly');
    const b = pc();
    const offer = await b.createOffer({ offerToReceiveAudio: true, offerToReceiveVideo: true });
    expect(b.getTransceivers().map((t) => `${t.receiver.track.kind} ${t.direction}`)).toEqual(['audio recvonly', 'video recvonly']);
    expect([mLines(offer.sdp, 'audio'), mLines(offer.sdp, 'video')]).toEqual([1, 1]);
  });
});
