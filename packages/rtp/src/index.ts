export { RtpError } from './errors.js';
export type { RtpErrorCode } from './errors.js';
export {
  parseRtpPacket, serializeRtpPacket, rtpPacketSize, getRtpExtension, rtpExtensionValueOffset, isRtcpPacket, ONE_BYTE_PROFILE, TWO_BYTE_PROFILE,
} from './rtp-packet.js';
export type { RtpPacket, RtpHeaderExtension } from './rtp-packet.js';
export * from './header-extensions.js';
export { CSRC_AUDIO_LEVEL_URI, parseCsrcAudioLevels, serializeCsrcAudioLevels, audioLevelToLinear, linearToAudioLevel } from './csrc-audio-level.js';
export {
  DTMF_TONES, dtmfEventCode, dtmfTone, parseTelephoneEvent, serializeTelephoneEvent, TelephoneEventSender, TelephoneEventReceiver,
  type TelephoneEvent, type TelephoneEventPacket, type TelephoneEventSenderOptions, type TelephoneEventNotice,
} from './telephone-event.js';
export { RtcpPacketType } from './rtcp-header.js';
export type { ReportBlock, SenderReport, ReceiverReport } from './rtcp-reports.js';
export { SdesItemType, findCname } from './rtcp-sdes.js';
export type { SdesItem, SdesChunk, SourceDescription } from './rtcp-sdes.js';
export type { Goodbye } from './rtcp-bye.js';
export type { ApplicationDefined } from './rtcp-app.js';
export { FeedbackFormat } from './rtcp-feedback.js';
export type {
  GenericNack, PictureLossIndication, FirEntry, FullIntraRequest, ReceiverEstimatedMaxBitrate, GenericFeedback,
} from './rtcp-feedback.js';
export type { TransportWideCcFeedback, TwccPacketStatus } from './rtcp-transport-wide-cc.js';
export type { ExtendedReport, XrBlock, ReceiverReferenceTimeBlock, DlrrBlock, DlrrItem, UnknownXrBlock } from './rtcp-extended-report.js';
export { parseRtcp, serializeRtcp, serializeRtcpPacket } from './rtcp-packet.js';
export type { RtcpPacket, UnknownRtcpPacket } from './rtcp-packet.js';
export { DEFAULT_MAX_PAYLOAD_SIZE } from './codec.js';
export type { RtpPacketizer, RtpDepacketizer } from './codec.js';
export { OpusPacketizer, OpusDepacketizer } from './opus.js';
export { readIvf, writeIvf, vp8KeyframeSize, type IvfFile, type IvfFrame, type IvfHeader } from './ivf.js';
export { readOggOpus, writeOggOpus, opusPacketSamples, type OggOpusFile, type OggOpusOptions } from './ogg-opus.js';
export { Vp8Packetizer, Vp8Depacketizer, parseVp8PayloadDescriptor } from './vp8.js';
export type { Vp8PayloadDescriptor, Vp8PacketizerOptions } from './vp8.js';
export { H264Packetizer, H264Depacketizer, H264NalType, splitAnnexB } from './h264.js';
export type { H264PacketizerOptions } from './h264.js';
export { Vp9Packetizer, Vp9Depacketizer, parseVp9PayloadDescriptor, isVp9KeyframeHeader } from './vp9.js';
export type { Vp9PayloadDescriptor, Vp9PacketizerOptions } from './vp9.js';
export { Av1Packetizer, Av1Depacketizer, Av1ObuType, splitObus, readLeb128, writeLeb128, leb128Size } from './av1.js';
export type { Av1Obu, Av1PacketizerOptions } from './av1.js';
export { sequenceNumberDiff, SequenceNumberUnwrapper } from './sequence-number.js';
export { JitterBuffer } from './jitter-buffer.js';
export type { JitterBufferOptions, AssembledFrame, JitterBufferStats } from './jitter-buffer.js';
export { NackGenerator } from './nack-generator.js';
export type { NackGeneratorOptions, NackDecision } from './nack-generator.js';
export { RetransmissionBuffer, wrapRtx, unwrapRtx } from './retransmission.js';
export type { RtxParameters } from './retransmission.js';
export { ntpTimeFromUnixMs, unixMsFromNtpTime, compactNtp, NTP_UNIX_OFFSET_SECONDS } from './ntp-time.js';
export { ReceiverStatistics, roundTripTimeMs } from './receiver-statistics.js';
export { SenderReportGenerator } from './sender-report.js';
export { TransportWideCcRecorder } from './transport-wide-cc-recorder.js';
export type { TransportWideCcRecorderOptions } from './transport-wide-cc-recorder.js';
export { TransportFeedbackAdapter } from './transport-feedback-adapter.js';
export type { PacketResult } from './transport-feedback-adapter.js';
export { DelayBasedBwe } from './delay-based-bwe.js';
export type { BandwidthUsage } from './delay-based-bwe.js';
export { SendSideBandwidthEstimator } from './send-side-bwe.js';
export type { SendSideBandwidthEstimatorOptions } from './send-side-bwe.js';
export { RtpReceiveStream } from './receive-stream.js';
export type { RtpReceiveStreamOptions, ReceivedFrame, RtpReceiveStreamStats } from './receive-stream.js';
export { RtpSendStream } from './send-stream.js';
export type { RtpSendStreamOptions, RtcpReaction, TransportCc } from './send-stream.js';
export { Pacer } from './pacer.js';
export type { PacedPacketKind, PacerOptions, PacerStats } from './pacer.js';
