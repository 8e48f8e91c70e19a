/** The `on<event>` attributes of RTCPeerConnection (W3C §4.4.2), apart from its logic. */
import type { RTCDataChannel } from './data-channel.js';
import { RTCEventTarget, type EventHandler } from './event-target.js';
import type { RTCDataChannelEvent, RTCPeerConnectionIceErrorEvent, RTCPeerConnectionIceEvent, RTCTrackEvent } from './events.js';
import type { MediaStream, MediaStreamTrack } from './media-stream-track.js';
import type { RTCRtpReceiver, RTCRtpTransceiver } from './transceiver.js';

/** The `track` event of a peer connection, with its members typed. */
export type RTCPeerConnectionTrackEvent = RTCTrackEvent<RTCRtpReceiver, RTCRtpTransceiver, MediaStreamTrack, MediaStream>;

/** EventTarget with RTCPeerConnection's event handler attributes. */
export class RTCPeerConnectionEventHandlers extends RTCEventTarget {
  get onnegotiationneeded(): EventHandler {
    return this.getHandler('negotiationneeded');
  }
  set onnegotiationneeded(h: EventHandler) {
    this.setHandler('negotiationneeded', h);
  }
  get onsignalingstatechange(): EventHandler {
    return this.getHandler('signalingstatechange');
  }
  set onsignalingstatechange(h: EventHandler) {
    this.setHandler('signalingstatechange', h);
  }
  get onicecandidate(): EventHandler<RTCPeerConnectionIceEvent> {
    return this.getHandler('icecandidate');
  }
  set onicecandidate(h: EventHandler<RTCPeerConnectionIceEvent>) {
    this.setHandler('icecandidate', h);
  }
  get onicecandidateerror(): EventHandler<RTCPeerConnectionIceErrorEvent> {
    return this.getHandler('icecandidateerror');
  }
  set onicecandidateerror(h: EventHandler<RTCPeerConnectionIceErrorEvent>) {
    this.setHandler('icecandidateerror', h);
  }
  get onicegatheringstatechange(): EventHandler {
    return this.getHandler('icegatheringstatechange');
  }
  set onicegatheringstatechange(h: EventHandler) {
    this.setHandler('icegatheringstatechange', h);
  }
  get oniceconnectionstatechange(): EventHandler {
    return this.getHandler('iceconnectionstatechange');
  }
  set oniceconnectionstatechange(h: EventHandler) {
    this.setHandler('iceconnectionstatechange', h);
  }
  get onconnectionstatechange(): EventHandler {
    return this.getHandler('connectionstatechange');
  }
  set onconnectionstatechange(h: EventHandler) {
    this.setHandler('connectionstatechange', h);
  }
  get ondatachannel(): EventHandler<RTCDataChannelEvent<RTCDataChannel>> {
    return this.getHandler('datachannel');
  }
  set ondatachannel(h: EventHandler<RTCDataChannelEvent<RTCDataChannel>>) {
    this.setHandler('datachannel', h);
  }
  get ontrack(): EventHandler<RTCPeerConnectionTrackEvent> {
    return this.getHandler('track');
  }
  set ontrack(h: EventHandler<RTCPeerConnectionTrackEvent>) {
    this.setHandler('track', h);
  }
}
