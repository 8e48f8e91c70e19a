export { RTCPeerConnection, type RTCIceGatheringState, type RTCIceConnectionState, type RTCOfferOptions, type RTCRtpTransceiverInit } from './peer-connection.js';
export type { RTCPeerConnectionState } from './connection-state.js';
export { PeerConnectionFactory, defaultFactory, type PeerConnectionDependencies, type IceSettings, type Logger } from './factory.js';
export { RTCSessionDescription, type RTCSdpType, type RTCSessionDescriptionInit, type RTCLocalSessionDescriptionInit } from './session-description.js';
export { RTCIceCandidate, type RTCIceCandidateInit, type RTCIceComponent, type RTCIceProtocol, type RTCIceCandidateType, type RTCIceTcpCandidateType, type RTCIceServerTransportProtocol } from './ice-candidate.js';
export { RTCDataChannel, type RTCDataChannelInit, type RTCDataChannelState, type RTCPriorityType, type BinaryType } from './data-channel.js';
export { RTCCertificate, type RTCDtlsFingerprint, type AlgorithmIdentifier } from './certificate.js';
export type { RTCConfiguration, RTCIceServer, RTCIceTransportPolicy, RTCBundlePolicy, RTCRtcpMuxPolicy } from './configuration.js';
export { RTCError, type RTCErrorDetailType, type RTCErrorInit } from './errors.js';
export type { RTCSessionDescriptionCallback, RTCPeerConnectionErrorCallback, RTCVoidCallback } from './legacy-callbacks.js';
export {
  RTCPeerConnectionIceEvent, RTCPeerConnectionIceErrorEvent, RTCDataChannelEvent, RTCErrorEvent, RTCTrackEvent,
  type RTCPeerConnectionIceEventInit, type RTCPeerConnectionIceErrorEventInit, type RTCDataChannelEventInit, type RTCErrorEventInit, type RTCTrackEventInit, type EventInit,
} from './events.js';
export type { EventHandler } from './event-target.js';
export type { RTCSignalingState } from './signaling-state.js';
export { RTCRtpTransceiver, RTCRtpSender, RTCRtpReceiver, type RTCRtpTransceiverDirection } from './transceiver.js';
export {
  RTCDTMFSender, RTCDTMFToneChangeEvent, RTCTelephoneEventEvent, type RTCDTMFToneChangeEventInit, type RTCTelephoneEventEventInit,
} from './dtmf-sender.js';
export type { RTCRtpContributingSource, RTCRtpSynchronizationSource } from './rtp-sources.js';
export { MediaStream, MediaStreamTrack, MediaStreamTrackEvent, type MediaStreamTrackEventInit, type MediaStreamTrackState, type EncodedFrame, type EncodedFrameInit, type RtpWriteOptions } from './media-stream-track.js';
export type {
  RTCRtpEncodingParameters, RTCRtpCodec, RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters, RTCRtcpParameters, RTCRtpParameters,
  RTCRtpSendParameters, RTCRtpReceiveParameters, RTCRtpCapabilities,
} from './rtp-parameters.js';
export type { RTCPeerConnectionTrackEvent } from './peer-connection-events.js';
export type { RTCStats } from './stats.js';
export { RTCStatsReport } from './stats-report.js';
export { RTCIceTransport, RTCDtlsTransport, RTCSctpTransport, type RTCIceTransportState, type RTCIceGathererState, type RTCDtlsTransportState, type RTCSctpTransportState, type RTCIceParameters, type RTCIceCandidatePair } from './transports.js';
