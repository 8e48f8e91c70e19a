export { SrtpError, type SrtpErrorCode } from './srtp-error.js';
export {
  srtpProfileParameters,
  SUPPORTED_SRTP_PROFILES,
  type SrtpProfileParameters,
  type SrtpProtectionProfile,
} from './protection-profile.js';
export { splitKeyingMaterial, srtpKeyingMaterialLength, type SrtpKeyingMaterial } from './keying-material.js';
export { SrtpSession, type SrtpSessionOptions, type SrtpSessionStats } from './srtp-session.js';
export { SrtpContext, type SrtpContextOptions } from './srtp-context.js';
export { ReplayWindow, DEFAULT_REPLAY_WINDOW_SIZE } from './replay-window.js';
export { deriveSessionKey, deriveSessionKeys, KeyDerivationLabel, type SessionKeys } from './key-derivation.js';
export { estimateRolloverCounter, packetIndex } from './packet-index.js';
export type { AesCounterMode, AesGcm, HmacSha1, SrtpCryptoProvider } from './crypto-provider.js';
export { nodeCryptoProvider } from './node-crypto-provider.js';
export { nobleCryptoProvider } from './noble-crypto-provider.js';
