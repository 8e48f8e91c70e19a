/** W3C `RTCIceCandidate` (WebRTC §4.8.2), with the candidate line parsed through `@x/sdp`. */
import { parseCandidate, type IceCandidate } from '@x/sdp';

/** What `new RTCIceCandidate()` and `addIceCandidate()` take. */
export interface RTCIceCandidateInit {
  /** `candidate:…` line; '' means end-of-candidates. */
  candidate?: string;
  /** The mid of the media section. */
  sdpMid?: string | null;
  /** The index of the media section. */
  sdpMLineIndex?: number | null;
  /** The ICE ufrag the candidate belongs to. */
  usernameFragment?: string | null;
}

/** Component of the candidate. */
export type RTCIceComponent = 'rtp' | 'rtcp';
/** Transport protocol of the candidate. */
export type RTCIceProtocol = 'udp' | 'tcp';
/** Candidate type. */
export type RTCIceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
/** RFC 6544 TCP type. */
export type RTCIceTcpCandidateType = 'active' | 'passive' | 'so';
/** How a relay candidate's TURN server is reached. */
export type RTCIceServerTransportProtocol = 'udp' | 'tcp' | 'tls';

/** Where a local candidate came from, as the ICE agent knows it. */
export interface LocalCandidateOrigin {
  /** srflx and relay: the STUN or TURN server's URL. */
  url?: string;
  /** relay: the protocol to the TURN server. */
  relayProtocol?: RTCIceServerTransportProtocol;
}

let setOrigin: (c: RTCIceCandidate, origin: LocalCandidateOrigin) => void;

/** One ICE candidate as the application sees it. */
export class RTCIceCandidate {
  /** The candidate line as given. */
  readonly candidate: string;
  /** The mid of the section, or null. */
  readonly sdpMid: string | null;
  /** The section index, or null. */
  readonly sdpMLineIndex: number | null;
  /** The ICE ufrag, or null. */
  readonly usernameFragment: string | null;
  /** Parsed fields; null when the line is empty or does not parse. */
  readonly foundation: string | null;
  readonly component: RTCIceComponent | null;
  readonly priority: number | null;
  readonly address: string | null;
  readonly protocol: RTCIceProtocol | null;
  readonly port: number | null;
  readonly type: RTCIceCandidateType | null;
  readonly tcpType: RTCIceTcpCandidateType | null;
  readonly relatedAddress: string | null;
  readonly relatedPort: number | null;
  #relayProtocol: RTCIceServerTransportProtocol | null = null;
  #url: string | null = null;

  static {
    setOrigin = (c, origin) => {
      c.#url = origin.url ?? null;
      c.#relayProtocol = c.type === 'relay' ? (origin.relayProtocol ?? null) : null;
    };
  }

  /**
   * For a local relay candidate, how it reaches its TURN server (udp, tcp or tls); null for other
   * candidates and for remote ones (W3C §4.8.2).
   */
  get relayProtocol(): RTCIceServerTransportProtocol | null {
    return this.#relayProtocol;
  }
  /** For a local srflx or relay candidate, the URL of the STUN or TURN server it came from; else null. */
  get url(): string | null {
    return this.#url;
  }

  /** Throws TypeError when both sdpMid and sdpMLineIndex are null (W3C §4.8.2.1). */
  constructor(init: RTCIceCandidateInit = {}) {
    const sdpMid = init.sdpMid ?? null;
    const sdpMLineIndex = init.sdpMLineIndex ?? null;
    if (sdpMid === null && sdpMLineIndex === null) throw new TypeError('sdpMid and sdpMLineIndex are both null');
    if (sdpMLineIndex !== null && (!Number.isInteger(sdpMLineIndex) || sdpMLineIndex < 0 || sdpMLineIndex > 65535)) {
      throw new TypeError(`sdpMLineIndex ${sdpMLineIndex} is not an unsigned short`);
    }
    this.candidate = init.candidate === undefined ? '' : String(init.candidate);
    this.sdpMid = sdpMid === null ? null : String(sdpMid);
    this.sdpMLineIndex = sdpMLineIndex;
    const parsed = parseOrUndefined(this.candidate);
    // Only from the init (W3C §4.8.2.1): the line's `ufrag` extension is not read into it.
    this.usernameFragment = init.usernameFragment ?? null;
    this.foundation = parsed?.foundation ?? null;
    this.component = parsed === undefined ? null : parsed.component === 1 ? 'rtp' : parsed.component === 2 ? 'rtcp' : null;
    this.priority = parsed?.priority ?? null;
    this.address = parsed?.address ?? null;
    this.protocol = parsed?.transport === 'udp' ? 'udp' : parsed?.transport === 'tcp' ? 'tcp' : null;
    this.port = parsed?.port ?? null;
    this.type = parsed?.type ?? null;
    this.tcpType = parsed?.tcpType ?? null;
    this.relatedAddress = parsed?.relatedAddress ?? null;
    this.relatedPort = parsed?.relatedPort ?? null;
  }

  /** The init dictionary, as JSON.stringify writes it (for signalling). */
  toJSON(): RTCIceCandidateInit {
    return { candidate: this.candidate, sdpMid: this.sdpMid, sdpMLineIndex: this.sdpMLineIndex, usernameFragment: this.usernameFragment };
  }
}

/** A local candidate with what the ICE agent knows of its server (the constructor's init cannot carry it). */
export function localIceCandidate(init: RTCIceCandidateInit, origin: LocalCandidateOrigin | undefined): RTCIceCandidate {
  const c = new RTCIceCandidate(init);
  if (origin !== undefined) setOrigin(c, origin);
  return c;
}

/** The parsed line, or undefined for '' and for lines that do not parse (the browser keeps those as null fields). */
export function parseOrUndefined(line: string): IceCandidate | undefined {
  if (line === '') return undefined;
  try {
    return parseCandidate(line);
  } catch {
    return undefined;
  }
}
