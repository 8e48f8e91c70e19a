/** DTLSPlaintext.type values (RFC 5246 §6.2.1). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** HandshakeType values (RFC 5246 §7.4, RFC 6347 §4.3.2). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;

/** DTLS 1.2 on the wire: {254, 253}. */
export const DTLS1_2 = 0xfefd;
/** DTLS 1.0 on the wire: {254, 255}; allowed in record headers of hellos and in HelloVerifyRequest. */
export const DTLS1_0 = 0xfeff;

/** TLS extension type numbers used here. */
export const ExtensionType = {
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  extended_master_secret: 23,
  renegotiation_info: 0xff01,
} as const;

/** NamedGroup values (RFC 8422). */
export const NamedGroup = {
  secp256r1: 23,
  x25519: 29,
} as const;

/** SignatureScheme values (RFC 8446 §4.2.3; the TLS 1.2 hash/signature pairs share the numbers). */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  ecdsa_secp256r1_sha256: 0x0403,
  rsa_pss_rsae_sha256: 0x0804,
} as const;

/** ClientCertificateType values (RFC 5246 §7.4.4, RFC 8422). */
export const ClientCertificateType = {
  rsa_sign: 1,
  ecdsa_sign: 64,
} as const;

/** Length of the record header: type, version, epoch, sequence_number, length. */
export const RECORD_HEADER_LENGTH = 13;
/** Length of the DTLS handshake header: type, length, message_seq, fragment_offset, fragment_length. */
export const HANDSHAKE_HEADER_LENGTH = 12;
/** DTLSPlaintext.length limit (2^14) and DTLSCiphertext limit (2^14 + 2048). */
export const MAX_PLAINTEXT_LENGTH = 16384;
export const MAX_CIPHERTEXT_LENGTH = 16384 + 2048;
