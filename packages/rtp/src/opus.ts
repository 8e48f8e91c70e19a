import { RtpError } from './errors.js';
import { concatBytes } from './codec.js';
import type { RtpDepacketizer, RtpPacketizer } from './codec.js';

/**
 * Opus packetizer (RFC 7587 §4.2): one Opus packet per RTP packet, never split. A frame larger
 * than `maxPayloadSize` is refused, since the payload format has no fragmentation.
 */
export class OpusPacketizer implements RtpPacketizer {
  constructor(readonly maxPayloadSize = 1200) {}
  /** @throws RtpError `invalid-argument` for an empty or oversized Opus packet. */
  packetize(frame: Uint8Array): Uint8Array[] {
    if (frame.length === 0 || frame.length > this.maxPayloadSize) {
      throw new RtpError('invalid-argument', `Opus packet of ${frame.length} bytes`);
    }
    return [frame];
  }
}

/** Opus depacketizer (RFC 7587): the payload is the Opus packet; every packet is a frame and decodable. */
export class OpusDepacketizer implements RtpDepacketizer {
  isFrameStart(): boolean {
    return true;
  }
  isKeyframe(): boolean {
    return true;
  }
  depacketize(payloads: Uint8Array[]): Uint8Array {
    if (payloads.length === 1) return payloads[0]!;
    return concatBytes(payloads);
  }
}
