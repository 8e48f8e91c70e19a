export { DtlsError, type DtlsErrorCode } from './errors.js';
export {
  DtlsConnection,
  type DtlsConnectionOptions,
  type DtlsConnectionEvents,
  type DtlsState,
  type DtlsStats,
} from './connection.js';
export { DtlsEndpoint, type DatagramTransport, type DtlsEndpointOptions } from './endpoint.js';
export { generateCertificate, loadCertificate, certificatePublicKey, certificateToPem, type DtlsCertificate, type GenerateCertificateOptions } from './certificate.js';
export {
  computeFingerprint,
  parseFingerprint,
  formatFingerprint,
  matchesFingerprint,
  type CertificateFingerprint,
  type FingerprintAlgorithm,
} from './fingerprint.js';
export { nodeSignatures, nobleSignatures, type PrivateKey, type PublicKey, type SignatureBackend } from './signature.js';
export { nodeKeyExchange, nobleKeyExchange, type EphemeralKey, type KeyExchangeBackend } from './key-exchange.js';
export { CIPHER_SUITES, type CipherSuite } from './cipher-suite.js';
export {
  SRTP_PROFILES,
  SRTP_EXPORTER_LABEL,
  SrtpProtectionProfile,
  type SrtpKeyingMaterial,
  type SrtpProfileName,
} from './srtp.js';
export { AlertDescription, AlertLevel } from './alert.js';
export { ContentType, HandshakeType, ExtensionType, NamedGroup, SignatureScheme } from './constants.js';
export { nodeHashes, nobleHashes, type HashBackend, type HashName } from './hash-backend.js';
export { nodeAead, nobleAead, type Aead, type AeadAlgorithm, type AeadFactory } from './aead.js';
export { parseRecord, parseRecords, encodeRecord, type DtlsRecord } from './record.js';
export { ReplayWindow, REPLAY_WINDOW_SIZE } from './replay-window.js';
export { parseHandshakeFragments, fragmentHandshakeMessage, encodeHandshakeMessage, type HandshakeFragment } from './handshake-fragment.js';
export { HandshakeReassembler, type HandshakeMessage } from './handshake-reassembler.js';
export { parseClientHello, parseServerHello, parseHelloVerifyRequest, type ClientHello, type ServerHello, type HelloVerifyRequest } from './hello.js';
export { prf, exportKeyingMaterial, type PrfHash } from './prf.js';
export type { HelloExtensions, UseSrtp } from './extensions.js';
export { CookieGenerator } from './cookie.js';
