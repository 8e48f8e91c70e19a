/** W3C `RTCSessionDescription` and its init dictionaries. */

/** The type of a description. */
export type RTCSdpType = 'offer' | 'answer' | 'pranswer' | 'rollback';

/** What `setRemoteDescription` takes. */
export interface RTCSessionDescriptionInit {
  /** offer, answer, pranswer or rollback. */
  type: RTCSdpType;
  /** The SDP text; may be empty for rollback. */
  sdp?: string;
}

/** What `setLocalDescription` takes: both members optional (implicit offer or answer). */
export interface RTCLocalSessionDescriptionInit {
  /** When absent, the type follows the signaling state. */
  type?: RTCSdpType;
  /** When absent or empty, the last created offer or answer is used. */
  sdp?: string;
}

const TYPES: ReadonlySet<string> = new Set(['offer', 'answer', 'pranswer', 'rollback']);

/** Throws the WebIDL TypeError for a value that is not an RTCSdpType. */
export function checkSdpType(type: unknown): asserts type is RTCSdpType {
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new TypeError(`'${String(type)}' is not a valid value for enumeration RTCSdpType`);
  }
}

/** An SDP offer, answer, pranswer or rollback (W3C WebRTC §4.8.1). */
export class RTCSessionDescription {
  /** The type. */
  readonly type: RTCSdpType;
  /** The SDP text. */
  readonly sdp: string;

  constructor(init: RTCSessionDescriptionInit) {
    if (init === null || typeof init !== 'object') throw new TypeError('RTCSessionDescription needs an init dictionary');
    checkSdpType(init.type);
    this.type = init.type;
    this.sdp = init.sdp === undefined ? '' : String(init.sdp);
  }

  /** `{ type, sdp }`, as JSON.stringify writes it. */
  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp };
  }
}
