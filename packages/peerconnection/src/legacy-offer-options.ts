/**
 * The legacy `offerToReceiveAudio`/`offerToReceiveVideo` createOffer options (W3C WebRTC §11.3
 * "Legacy configuration extensions"), turned into the transceiver changes the spec defines for
 * them as createOffer is called.
 */
import type { RTCRtpTransceiver } from './transceiver.js';

/** The legacy members of RTCOfferOptions. */
export interface LegacyOfferOptions {
  /** @deprecated use `addTransceiver('audio', { direction: 'recvonly' })` or a transceiver's direction. */
  offerToReceiveAudio?: boolean;
  /** @deprecated use `addTransceiver('video', { direction: 'recvonly' })` or a transceiver's direction. */
  offerToReceiveVideo?: boolean;
}

/**
 * false: sending transceivers of the kind stop receiving (sendrecv → sendonly, recvonly →
 * inactive). true: a recvonly transceiver of the kind is added unless one already receives.
 * Stopping transceivers are left alone.
 */
export function applyOfferToReceive(options: LegacyOfferOptions, transceivers: readonly RTCRtpTransceiver[], addRecvonly: (kind: 'audio' | 'video') => void): void {
  for (const kind of ['audio', 'video'] as const) {
    const given = kind === 'audio' ? options.offerToReceiveAudio : options.offerToReceiveVideo;
    if (given === undefined) continue;
    const ofKind = transceivers.filter((t) => t.receiver.track.kind === kind && !t.sender.isStopping());
    if (!given) {
      for (const t of ofKind) {
        if (t.direction === 'sendrecv') t.direction = 'sendonly';
        else if (t.direction === 'recvonly') t.direction = 'inactive';
      }
    } else if (!ofKind.some((t) => t.direction === 'sendrecv' || t.direction === 'recvonly')) {
      addRecvonly(kind);
    }
  }
}
