/** `RTCPeerConnectionState` from the transports' states (W3C WebRTC §4.3.3). */
import type { DtlsState } from '@x/dtls';
import type { IceConnectionState } from '@x/ice';

/** `RTCPeerConnectionState`. */
export type RTCPeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/**
 * The aggregate state of the (bundled) ICE and DTLS transports, in the spec's order: failed,
 * disconnected, new, connected, else connecting. `closed` is the peer connection's own.
 */
export function peerConnectionState(ice: IceConnectionState, dtls: DtlsState): Exclude<RTCPeerConnectionState, 'closed'> {
  if (ice === 'failed' || dtls === 'failed') return 'failed';
  if (ice === 'disconnected') return 'disconnected';
  if ((ice === 'new' || ice === 'closed') && (dtls === 'new' || dtls === 'closed')) return 'new';
  if ((ice === 'connected' || ice === 'completed' || ice === 'closed') && (dtls === 'connected' || dtls === 'closed')) return 'connected';
  return 'connecting';
}
