/**
 * What a relayed pair carries, set up in its `prepare` step (before negotiation): a negotiated
 * bulk data channel, or one video track from a to b.
 */
import { MediaStream, MediaStreamTrack, type RTCDataChannel, type RTCPeerConnection } from '@x/peerconnection';

/** A negotiated channel (id 1) on both sides: `ends()` gives [a's, b's] once prepared. */
export function bulkChannels(): { prepare: (a: RTCPeerConnection, b: RTCPeerConnection) => void; ends: () => [RTCDataChannel, RTCDataChannel] } {
  let tx: RTCDataChannel | undefined;
  let rx: RTCDataChannel | undefined;
  return {
    prepare: (a, b) => {
      tx = a.createDataChannel('bulk', { negotiated: true, id: 1 });
      rx = b.createDataChannel('bulk', { negotiated: true, id: 1 });
    },
    ends: () => [tx!, rx!],
  };
}

/** A video track a sends; `remote()` resolves with b's track once negotiation gave it. */
export function videoTrack(): { local: MediaStreamTrack; prepare: (a: RTCPeerConnection, b: RTCPeerConnection) => void; remote: () => Promise<MediaStreamTrack> } {
  const local = new MediaStreamTrack('video');
  let remote: Promise<MediaStreamTrack> | undefined;
  return {
    local,
    prepare: (a, b) => {
      a.addTrack(local, new MediaStream([local]));
      remote = new Promise((resolve) => {
        b.ontrack = (e) => resolve(e.track as MediaStreamTrack);
      });
    },
    remote: () => remote!,
  };
}
