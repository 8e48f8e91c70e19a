/**
 * The receiving side of transport-wide congestion control for one BUNDLE transport
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): every routed RTP packet (media or RTX, of
 * any receiver) whose payload type negotiated `a=rtcp-fb:<pt> transport-cc` has its transport-wide
 * sequence number recorded with its arrival time in `@x/rtp`'s {@link TransportWideCcRecorder};
 * the media controller's timer asks for feedback, which goes out about every 100 ms while packets
 * arrive (libwebrtc sends every 50–250 ms, scaled by bitrate), so the remote sender can estimate
 * the bandwidth. Nothing is recorded or sent while the extension is not negotiated.
 */
import {
  RtpError, TransportWideCcRecorder, getRtpExtension, parseRtpPacket, parseTransportWideSequenceNumber, serializeRtcpPacket, type RtpPacket,
} from '@x/rtp';

/** Counters of the transport-cc feedback a connection sends. */
export interface TransportFeedbackStats {
  /** Packets whose transport-wide sequence number was recorded. */
  packetsRecorded: number;
  /** Transport-cc feedback packets (RTPFB FMT 15) sent. */
  feedbackSent: number;
  /** Packets that should have carried the extension but whose packet or extension did not parse (not recorded). */
  malformedExtensions: number;
}

/** How often feedback is sent while packets arrive, ms. */
export const TRANSPORT_FEEDBACK_INTERVAL_MS = 100;

/** Records arrivals and builds transport-cc feedback for one transport. */
export class TransportFeedbackSender {
  readonly stats: TransportFeedbackStats = { packetsRecorded: 0, feedbackSent: 0, malformedExtensions: 0 };
  #extensionId: number | undefined;
  #recorder: TransportWideCcRecorder | undefined;
  #senderSsrc = 1;
  #mediaSsrc = 0;
  #nextFeedbackMs = -Infinity;

  /**
   * After a negotiation: the answer's transport-wide-cc extension id, or undefined when it was
   * not negotiated (recording stops). A new recorder starts when it is turned on again.
   */
  configure(extensionId: number | undefined): void {
    if (extensionId === undefined) this.#recorder = undefined;
    else this.#recorder ??= new TransportWideCcRecorder({ senderSsrc: 1, mediaSsrc: 0 });
    this.#extensionId = extensionId;
  }

  /** Whether the extension is negotiated (packets of transport-cc payload types are recorded). */
  get enabled(): boolean {
    return this.#recorder !== undefined;
  }

  /**
   * A routed RTP packet of a payload type that negotiated transport-cc. `parsed` is the packet
   * already parsed by the router, if it was. A packet without the extension is not recorded; one
   * whose header or extension does not parse is counted, never thrown.
   * @param mediaSsrc the SSRC of the stream it belongs to (media SSRC of the feedback)
   * @param localSsrc our SSRC for that stream's RTCP (sender SSRC of the feedback); 0 for none
   */
  onRtp(packet: Uint8Array, parsed: RtpPacket | undefined, mediaSsrc: number, localSsrc: number, arrivalMs: number): void {
    const recorder = this.#recorder;
    const id = this.#extensionId;
    if (recorder === undefined || id === undefined || (packet[0]! & 0x10) === 0) return;
    let seq: number;
    try {
      const value = getRtpExtension(parsed ?? parseRtpPacket(packet), id);
      if (value === undefined) return;
      seq = parseTransportWideSequenceNumber(value);
    } catch (e) {
      if (!(e instanceof RtpError)) throw e;
      this.stats.malformedExtensions++;
      return;
    }
    recorder.onPacket(seq, arrivalMs);
    this.stats.packetsRecorded++;
    this.#mediaSsrc = mediaSsrc;
    this.#senderSsrc = localSsrc === 0 ? 1 : localSsrc;
  }

  /**
   * Feedback RTCP packets to send at `nowMs` (called on the media timer): at most one round every
   * {@link TRANSPORT_FEEDBACK_INTERVAL_MS}, and none when nothing arrived since the last.
   */
  poll(nowMs: number): Uint8Array[] {
    const recorder = this.#recorder;
    if (recorder === undefined || nowMs < this.#nextFeedbackMs || !recorder.hasPending) return [];
    this.#nextFeedbackMs = nowMs + TRANSPORT_FEEDBACK_INTERVAL_MS;
    const out: Uint8Array[] = [];
    for (const fb of recorder.buildFeedback()) {
      out.push(serializeRtcpPacket({ ...fb, senderSsrc: this.#senderSsrc, mediaSsrc: this.#mediaSsrc }));
    }
    this.stats.feedbackSent += out.length;
    return out;
  }
}
