/** The JSEP signaling state machine (RFC 8829 §3.2, W3C WebRTC §4.3.1) as a pure function. */
import type { RTCSdpType } from './session-description.js';

/** `RTCSignalingState`. */
export type RTCSignalingState = 'stable' | 'have-local-offer' | 'have-remote-offer' | 'have-local-pranswer' | 'have-remote-pranswer' | 'closed';

/**
 * The state after applying a description of `type` on the local or remote side, or `undefined`
 * when that is not allowed in `state` (InvalidStateError). Rollback undoes a pending offer of
 * its own side (setLocalDescription in have-local-offer, setRemoteDescription in
 * have-remote-offer) and leads back to stable; the other side's offer is not its to undo.
 */
export function nextSignalingState(state: RTCSignalingState, type: RTCSdpType, side: 'local' | 'remote'): RTCSignalingState | undefined {
  if (state === 'closed') return undefined;
  if (type === 'rollback') return state === (side === 'local' ? 'have-local-offer' : 'have-remote-offer') ? 'stable' : undefined;
  const local = side === 'local';
  switch (type) {
    case 'offer':
      if (local) return state === 'stable' || state === 'have-local-offer' ? 'have-local-offer' : undefined;
      return state === 'stable' || state === 'have-remote-offer' ? 'have-remote-offer' : undefined;
    case 'pranswer':
      if (local) return state === 'have-remote-offer' || state === 'have-local-pranswer' ? 'have-local-pranswer' : undefined;
      return state === 'have-local-offer' || state === 'have-remote-pranswer' ? 'have-remote-pranswer' : undefined;
    case 'answer':
      if (local) return state === 'have-remote-offer' || state === 'have-local-pranswer' ? 'stable' : undefined;
      return state === 'have-local-offer' || state === 'have-remote-pranswer' ? 'stable' : undefined;
  }
}

/** The type `setLocalDescription()` without a type implies (W3C §4.4.1.5): offer in stable and have-local-offer, else answer. */
export function implicitLocalType(state: RTCSignalingState): 'offer' | 'answer' {
  return state === 'stable' || state === 'have-local-offer' || state === 'have-remote-pranswer' ? 'offer' : 'answer';
}
