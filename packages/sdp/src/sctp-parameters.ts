/** What a data channel m= section says about the SCTP association (RFC 8841). */
import type { MediaSection } from './session-description.js';

/** RFC 8841 §6.1: without `a=max-message-size` a peer takes 64 KiB. */
export const DEFAULT_REMOTE_MAX_MESSAGE_SIZE = 65536;

/** The SCTP port and largest message of a data channel section. */
export interface SctpParameters {
  /** SCTP port of the peer (RFC 8841 §5), 5000 for every WebRTC peer seen. */
  port: number;
  /** Largest message the peer takes, in bytes; `Infinity` for `a=max-message-size:0` (no limit). */
  maxMessageSize: number;
}

/**
 * Reads the SCTP parameters of a data channel section, in the RFC 8841 form (`UDP/DTLS/SCTP
 * webrtc-datachannel` + `a=sctp-port`) or the older one aiortc 1.4 still offers (`DTLS/SCTP 5000`
 * + `a=sctpmap:5000 webrtc-datachannel 65535`). `undefined` for a section that is neither.
 */
export function sctpParameters(section: MediaSection): SctpParameters | undefined {
  if (section.kind !== 'application' || !/(^|\/)SCTP$/.test(section.protocol)) return undefined;
  let port = section.sctpPort;
  if (port === undefined && section.protocol === 'DTLS/SCTP') {
    const fmt = section.formats[0];
    if (fmt !== undefined && /^[0-9]{1,5}$/.test(fmt) && Number(fmt) <= 65535) port = Number(fmt);
  }
  const size = section.maxMessageSize;
  return {
    port: port ?? 5000,
    maxMessageSize: size === undefined ? DEFAULT_REMOTE_MAX_MESSAGE_SIZE : size === 0 ? Infinity : size,
  };
}
