export { SdpError, type SdpErrorCode } from './sdp-error.js';
export { splitLines, type SdpLine } from './lines.js';
export {
  parseCandidate, writeCandidate, isCandidateAddress,
  type IceCandidate, type CandidateType, type TcpType, type CandidateExtension,
} from './candidate.js';
export {
  emptyMediaSection, bundleGroups, payloadTypes, isRtpProtocol,
  type SessionDescription, type MediaSection, type Origin, type Connection, type Fingerprint, type Group,
  type MsidSemantic, type Msid, type RtcpFeedback, type Codec, type Extmap, type SsrcAttribute, type SsrcGroup,
  type Rid, type SimulcastRid, type Simulcast, type Direction, type SetupRole,
} from './session-description.js';
export { parse } from './parse.js';
export { write } from './write.js';
export {
  parseH264ProfileLevelId, h264LevelOrder, DEFAULT_H264_PROFILE_LEVEL_ID,
  type H264Profile, type H264ProfileLevelId,
} from './h264-profile-level-id.js';
export { answerDirection, answerSetupRole, directionOf, reverseDirection, isDtlsClient } from './direction.js';
export {
  codecsMatch, negotiateCodecs, negotiateHeaderExtensions, intersectFeedback, isRepairCodec,
  type CodecCapability, type HeaderExtensionCapability, type MediaCapabilities,
} from './codec-negotiation.js';
export {
  applyTransport, effectiveTransport, type TransportDescription, type EffectiveTransport,
} from './transport-description.js';
export {
  RTP_PROTOCOL, DATA_CHANNEL_PROTOCOL, DEFAULT_SCTP_PORT, DEFAULT_MAX_MESSAGE_SIZE,
  defaultAudioCapabilities, defaultVideoCapabilities, assignPayloadTypes, assignExtensionIds,
  createRtpOfferSection, createDataChannelOfferSection, createSession, createOffer,
  type RtpOfferSectionOptions, type DataChannelOfferSectionOptions, type SessionOptions,
} from './offer.js';
export {
  answerMediaSection, createAnswer, rejectedSection, isRejected, type AnswerSectionOptions,
} from './answer.js';
export { sctpParameters, DEFAULT_REMOTE_MAX_MESSAGE_SIZE, type SctpParameters } from './sctp-parameters.js';
export { codecsWithStaticPayloadTypes } from './static-payload-types.js';
